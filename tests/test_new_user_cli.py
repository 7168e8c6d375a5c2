"""What a new user meets first: help texts that say what the inputs are, and errors that
point at the fix (a misspelled name gets the close names suggested)."""

from __future__ import annotations

import pytest

from certify.cli import build_parser
from tests.test_cli_fuzz import run


@pytest.mark.parametrize("argv, hint", [
    (["qlearning", "seed-sl", "--alpha", "0.5"], "did you mean 'seed-sls'?"),
    (["show", "random-walk5"], "did you mean 'random-walk-5'?"),
    (["jsr", "goldn"], "did you mean 'golden'?"),
    (["jsr", "golden", "--methods", "product"], "did you mean 'products'?"),
    (["check", "--example", "fals-claim"], "did you mean 'false-claim'?"),
    (["sweep", "--example", "smal", "-o", "x.csv"], "did you mean 'small'?"),
    (["smooth", "seed-sls", "--operator", "lsee", "--temperature", "2"], "did you mean 'lse'?"),
    (["simulate", "qlearnin", "seed-sls"], "did you mean 'qlearning'"),
    (["ntk", "chek", "K.npy"], "did you mean 'check'?"),
    (["sa", "check", "tdc-m5", "random-walk-5"], "did you mean 'tdc-m4'"),
])
def test_misspelled_name_suggests_close_names(argv, hint, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(argv, capsys)
    assert code == 2 and "Traceback" not in err
    assert hint in err, err
    assert len(err.strip().splitlines()) == 1, err


def test_unrelated_name_gets_no_suggestion(capsys):
    code, _, err = run(["qlearning", "xyzzy", "--alpha", "0.5"], capsys)
    assert code == 2 and "did you mean" not in err and "valid names are seed-sls" in err


def _parsers(parser=None, path=()):
    """Every (command words, parser) under ``parser`` (default: the whole command line, with
    the parsers that `certify crossval KEY` hands its arguments to), sub-commands included."""
    import argparse
    import importlib

    if parser is None:
        yield from _parsers(build_parser())
        for key in ("sa", "pg", "smooth"):
            mod = importlib.import_module(f"certify.cli.crossval_{key}")
            yield from _parsers(mod.build_parser(), ("crossval", key))
        return
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, path + (name,))


def test_every_positional_input_says_what_it_takes():
    """`certify CMD --help` names what each positional input is (file formats, built-in
    names): `certify show NAME` and `certify verify CERT.json` said nothing, `certify jsr
    FAMILY` said "family file" although gallery names are its first use."""
    import argparse

    bare = []
    for path, parser in _parsers():
        for action in parser._actions:
            if action.option_strings or isinstance(action, argparse._SubParsersAction):
                continue
            if not (action.help or "").strip():
                bare.append((" ".join(path), action.metavar or action.dest))
    assert bare == []
    jsr = dict(_parsers())[("jsr",)]
    family = next(a for a in jsr._actions if a.dest == "family")
    assert "gallery name" in family.help and ".json" in family.help


def test_help_texts_are_plain_text():
    """No reST markup (double backquotes) in descriptions and one-line summaries, and each
    `certify simulate ALGO` has its own summary (the twelve TD algorithms shared one)."""
    import argparse

    for path, parser in _parsers():
        assert "``" not in (parser.description or ""), path
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                helps = [c.help for c in action._choices_actions]
                assert not any("``" in (h or "") for h in helps), path
                assert len(set(helps)) == len(helps), (path, helps)


def _json(argv: list[str], capsys) -> dict:
    import json

    code, out, err = run(argv + ["--json"], capsys)
    assert code == 0, err
    return json.loads(out)


def test_qlearning_mean_square_and_theorem2_printed_rounded_up(capsys):
    """`certify qlearning --steps K` printed the mean-square bound rounded to nearest
    (0.8348 for the certified 0.83480126...: below the bound); every printed bound of the
    finite-time block must be at least the value it shows."""
    import re
    from fractions import Fraction

    argv = ["qlearning", "seed-sls", "--alpha", "0.02", "--noise", "0.5", "--steps", "20000"]
    doc = _json(argv, capsys)["finite_time"]
    code, out, _ = run(argv, capsys)
    assert code == 0
    ms = doc["mean_square"]
    shown = Fraction(re.search(r"certified: sqrt\(E\|\|Q_K - Q\*\|\|_inf\^2\) <= (\S+)", out)[1])
    assert shown >= Fraction(ms["bound"]) and shown - Fraction(ms["bound"]) < Fraction(1, 1000)
    lmi = next(line for line in out.splitlines() if "second-moment LMI" in line)
    assert Fraction(lmi.split("│")[5].split()[0]) >= Fraction(ms["bound"])
    thm2 = Fraction(re.search(r"E\|\|Q_K - Q\*\|\|_inf <= (\S+)", out)[1])
    assert thm2 >= Fraction(doc["seed_theorem2"]["bound"])


def test_qlearning_worst_case_bound_counts_reward_noise_and_says_vacuous(capsys):
    """The pathwise bound took its noise constant w_inf = 2 (R_max + (1 + gamma) q_bar) with
    no reward noise and Q_0 = 0 whatever --noise said, so under noise it was no bound.  On
    seed-sls (R_max = 1, gamma = 0.9): q_bar = (1 + b)/(1 - gamma), i.e. w_inf = 40 for
    b = 0 and 60 for b = 0.5; its floor is far above the trivial bound 2 q_bar, which the
    output must say."""
    quiet = _json(["qlearning", "seed-sls", "--alpha", "0.5"], capsys)["finite_time"]["max_norm"]
    noisy = _json(["qlearning", "seed-sls", "--alpha", "0.5", "--noise", "0.5", "--steps", "10"],
                  capsys)["finite_time"]["max_norm"]
    assert quiet["w_inf"] == pytest.approx(40, rel=1e-12)
    assert noisy["w_inf"] == pytest.approx(60, rel=1e-12)
    assert noisy["noise_floor"] == pytest.approx(quiet["noise_floor"] * 1.5, rel=1e-12)
    assert quiet["trivial"] == pytest.approx(20, rel=1e-12) and quiet["vacuous"] is True
    code, out, _ = run(["qlearning", "seed-sls", "--alpha", "0.5"], capsys)
    line = " ".join(out.split("finite-time, worst case")[1].split("\n")[:2])
    assert "vacuous" in line and "2 q_bar = 20" in line


def test_worst_case_bound_from_q0():
    """A start Q_0 outside the reward box raises q_bar to ||Q_0||_inf (seed 002, Lemma 5)."""
    import numpy as np

    from certify import analyze_qlearning, load_problem

    res = analyze_qlearning(load_problem("seed-sls"), alpha=0.5, cqlf=False,
                            q0=np.full((2, 2), 100.0), steps=10)
    # td_bar = R_max + (1 + gamma) q_bar = 1 + 1.9 * 100; w_inf = 2 td_bar
    assert res.max_norm_bound.w_inf == pytest.approx(382, rel=1e-12)
    assert res.max_norm_bound.e_max == pytest.approx(200, rel=1e-12)


def test_stepsize_bounds_printed_rounded_up(capsys):
    """`certify stepsize` printed its certified bounds (best, the table versus alpha) rounded
    to nearest; each printed one must be at least the certified value."""
    from fractions import Fraction

    from certify import load_problem
    from certify.algorithms.qlearning.stepsize import best_step_size
    from certify.cli.stepsize import render

    problem = load_problem("seed-sls")
    res = best_step_size(problem.mdp, problem.sampling, 2000, 0.5, None)
    capsys.readouterr()
    render(res, res.to_dict())
    out = capsys.readouterr().out
    table_rows = [line.split("│")[1:3] for line in out.splitlines()
                  if line.startswith("│") and len(line.split("│")) == 4]
    assert len(table_rows) == len(res.evaluated)
    for (a, bound), (_, shown) in zip(res.evaluated, table_rows, strict=True):
        assert Fraction(shown.strip()) >= Fraction(bound), (a, bound, shown)
    best = out.split("sqrt(E||Q_K - Q*||_inf^2) <= ")[1].split()[0]
    assert Fraction(best) >= Fraction(res.best.bound)


def test_smooth_table_keeps_whole_words(capsys):
    """`certify smooth` cut each check's reason at 70 characters, mid-word ("exact Young
    decompositio", "... <= 0 pass"); a cut must fall between words and say so."""
    from certify.cli.smooth import _clip

    code, out, _ = run(["smooth", "seed-sls", "--operator", "lse", "--temperature", "2"], capsys)
    assert code == 0
    assert "Young decomposition" in out and "decompositio " not in out and "<= 0 pass " not in out
    long = "word " * 100
    assert _clip(long).endswith(" ...") and len(_clip(long)) <= 150
    assert _clip("a short reason") == "a short reason"


def test_output_under_a_file_says_it_is_a_file(capsys, tmp_path, monkeypatch):
    """`-o FILE/report.tex` (or `--plot FILE/x.png`) said the folder FILE "does not exist"
    although it does, as a file."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.yaml").write_text("x: 1\n")
    for argv in (["report", "seed-sls", "--alpha", "0.5", "-o", "good.yaml/report.tex"],
                 ["simulate", "qlearning", "seed-sls", "--alpha", "0.5",
                  "--plot", "good.yaml/x.png"]):
        code, out, err = run(argv, capsys)
        assert code == 2 and "Traceback" not in err
        assert "'good.yaml'" in err and "is a file, not a folder" in err, err
    code, _, err = run(["report", "seed-sls", "--alpha", "0.5", "-o", "nodir/report.tex"], capsys)
    assert code == 2 and "does not exist; create it first" in err


@pytest.mark.parametrize("argv, prefix", [
    (["pg", "tabular", "seed-sls", "--tau", "0"], "certify pg tabular: error: tau"),
    (["sa", "check", "td0", "nofile.yaml", "--exponents", "0.6"], "certify sa check: error:"),
    (["ntk", "check", "K.npy", "--rho", "r.npy", "--gamma", "0.9", "--alpha", "1"],
     "certify ntk check: error:"),
    (["crossval", "sa", "td0", "nofile.yaml", "--exponents", "0.6"], "certify crossval sa: error:"),
    (["crossval", "nofile.yaml", "--alpha", "0.5"], "certify crossval: error:"),
    (["qlearning", "nofile.yaml", "--alpha", "0.5"], "certify qlearning: error:"),
])
def test_error_names_the_command_as_typed(argv, prefix, capsys, tmp_path, monkeypatch):
    """An error of `certify pg tabular` began "certify pg: error" (the group, not the
    command the user typed)."""
    monkeypatch.chdir(tmp_path)
    code, _, err = run(argv, capsys)
    assert code == 2 and err.startswith(prefix), err
