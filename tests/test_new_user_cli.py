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
    (["sweep", "grid_cmd.yaml", "-o", "g.csv"], "did you mean 'qlearning'?"),
    (["sweep", "grid_rec.yaml", "-o", "g.csv"], "did you mean 'direct_jsr.upper'"),
    (["check", "claims.yaml"], "unknown parameter 'alpah' (did you mean 'alpha'?)"),
    (["ntk", "model", "my_dqn.py:nett", "--env", "FrozenLake-v1", "--gamma", "0.9"],
     "defines no 'nett' (did you mean 'net'?)"),
])
def test_misspelled_name_suggests_close_names(argv, hint, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "grid_cmd.yaml").write_text("command: qlearnin\nproblems: [{builtin: seed-sls}]\n")
    (tmp_path / "grid_rec.yaml").write_text("command: qlearning\nproblems: [{builtin: seed-sls}]\n"
                                            "alpha: [0.5]\nrecord: [direct_jsr.uper]\n")
    (tmp_path / "my_dqn.py").write_text("net = None\n")
    (tmp_path / "claims.yaml").write_text("claims:\n  - name: a\n    qlearning: {mdp: seed-sls, "
                                          "alpah: 0.5}\n")
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
        from certify.cli.crossval import build_qlearning_parser

        yield from _parsers(build_qlearning_parser(), ("crossval",))
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

    argv = ["qlearning", "seed-sls", "--alpha", "0.02", "--noise", "0.5", "--steps", "20000",
            "--cqlf", "no"]
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
    fast = ["--cqlf", "no"]
    quiet = _json(["qlearning", "seed-sls", "--alpha", "0.5"] + fast,
                  capsys)["finite_time"]["max_norm"]
    noisy = _json(["qlearning", "seed-sls", "--alpha", "0.5", "--noise", "0.5", "--steps", "10"]
                  + fast, capsys)["finite_time"]["max_norm"]
    assert quiet["w_inf"] == pytest.approx(40, rel=1e-12)
    assert noisy["w_inf"] == pytest.approx(60, rel=1e-12)
    assert noisy["noise_floor"] == pytest.approx(quiet["noise_floor"] * 1.5, rel=1e-12)
    assert quiet["trivial"] == pytest.approx(20, rel=1e-12) and quiet["vacuous"] is True
    code, out, _ = run(["qlearning", "seed-sls", "--alpha", "0.5"] + fast, capsys)
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


def test_q0_is_the_same_flag_in_every_qlearning_command(capsys, tmp_path):
    """`qlearning --q0` took a FILE and `simulate qlearning --q0` / `crossval --q0` a number:
    one flag, two input types.  Each now takes a number (every entry) or a file, and the
    two spellings of the same Q_0 give the same result."""
    import json

    import numpy as np

    table = tmp_path / "q0.npy"
    np.save(table, np.full((2, 2), 3.0))
    sim = ["simulate", "qlearning", "seed-sls", "--alpha", "0.5", "--runs", "3", "--steps", "50",
           "--json", "--q0"]
    code, by_number, err = run(sim + ["3"], capsys)
    assert code == 0, err
    code, by_file, err = run(sim + [str(table)], capsys)
    assert code == 0, err
    first = json.loads(by_number)
    assert first == json.loads(by_file)
    # ||Q_0 - Q*||_inf at k = 0 on seed-sls (Q* = [[10, 9], [10, 9]]): 10 - 3 = 7
    assert first["e0_mean"] == pytest.approx(7.0)
    ql = ["qlearning", "seed-sls", "--alpha", "0.5", "--cqlf", "no", "--steps", "10", "--json",
          "--q0"]
    docs = [json.loads(run(ql + [q0], capsys)[1])["finite_time"] for q0 in ("30", str(table))]
    assert docs[0]["max_norm"]["trivial"] == pytest.approx(60)   # 2 max(||Q_0||, R/(1-g))
    assert docs[1]["max_norm"]["trivial"] == pytest.approx(20)
    metavars = {" ".join(path): a.metavar for path, parser in _parsers()
                for a in parser._actions if "--q0" in a.option_strings}
    assert metavars["qlearning"] == metavars["simulate qlearning"] == "NUMBER|FILE"
    assert metavars["crossval"] == "NUMBER|FILE"


def test_family_file_with_a_misspelled_field_is_refused(capsys, tmp_path):
    """A JSON family with an unknown field ran as if the field were absent (an MDP file with
    one is refused); now it is refused the same way, naming the close field."""
    from certify.data import names, path_of
    from certify.jsr.io import load_family

    f = tmp_path / "fam.json"
    f.write_text('{"matrices": [[[1, 2], [3, 4]]], "nmae": "mine"}')
    code, out, err = run(["jsr", str(f)], capsys)
    assert code == 2 and out == "" and "Traceback" not in err
    assert "unknown keys ['nmae'] (did you mean 'name'?)" in err
    for name in names("families"):  # every packaged family uses only the allowed fields
        assert load_family(path_of("families", name)).dim >= 1


def test_every_option_has_help_and_json_says_the_same_everywhere():
    """Fourteen options (`stepsize --seed`, `ntk network --width`, `ntk sweep --widths`,
    `crossval sa --runs`, ...) had no help at all, and `--json` was worded differently in
    `simulate pg`."""
    import argparse

    bare, json_helps = [], set()
    for path, parser in _parsers():
        for action in parser._actions:
            if not action.option_strings or action.help == argparse.SUPPRESS:
                continue
            if not (action.help or "").strip():
                bare.append((" ".join(path), action.option_strings[0]))
            if "--json" in action.option_strings:
                json_helps.add(action.help)
    assert bare == []
    assert json_helps == {"print one JSON document on stdout"}


def test_ntk_network_prints_one_verdict_and_names_the_theorem2_one(capsys):
    """`certify ntk network` printed "verdict: inconclusive" (Theorem 2's) and then "overall
    verdict: refuted" (the exact Lipschitz probe): two unlabelled verdicts that read as a
    contradiction."""
    code, out, _ = run(["ntk", "network", "seed-sls", "--width", "8", "--depth", "1",
                        "--probes", "20", "--iterations", "5"], capsys)
    lines = out.splitlines()
    assert code == 1
    assert [line for line in lines if line.startswith("verdict:")] == []
    assert any(line.startswith("Theorem 2 verdict: inconclusive") for line in lines)
    assert [line for line in lines if line.startswith("overall verdict:")] == \
        ["overall verdict: refuted"]


@pytest.mark.parametrize("argv", [
    ["qlearning", "seed-sls", "--alpha", "abc", "--json"],
    ["qlearning", "seed-sls", "--json"],
    ["jsr", "golden", "--budget", "x", "--json"],
    ["crossval", "sa", "td0", "random-walk-5", "--json"],
])
def test_json_usage_error_is_a_json_document(argv, capsys):
    """README: "With --json an error is also a JSON document on stdout"; argparse's usage
    errors (a bad number, a missing option) printed nothing on stdout, so `... --json | jq`
    got no document."""
    import json

    code, out, err = run(argv, capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1
    doc = json.loads(out)
    assert doc["error"]["kind"] == "usage" and doc["error"]["exit_code"] == 2
    assert doc["error"]["message"] in err
    code, out, _ = run([a for a in argv if a != "--json"], capsys)
    assert code == 2 and out == ""


def test_messages_a_new_user_reads(capsys, tmp_path, monkeypatch):
    """Messages that spoke Python or numpy, or showed a machine path: "found NoneType" for an
    empty file, "expected shape (4)" beside numpy's "(3,)", "holds <U1 values" for a text
    entry, and `certify check --example` titled with the package's site-packages path."""
    from certify.data import data_folder

    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.yaml").write_text("")
    (tmp_path / "d.yaml").write_text("gamma: 0.9\nlayout: SAS\nP: [[[1.0, 0.0]], [[0.0, 1.0]]]\n"
                                     "R: [[1], [0]]\nsampling: {d: [0.5, 0.25, 0.25]}\n")
    (tmp_path / "fam.json").write_text('{"matrices": [[[1, 2], [3, "x"]]]}')
    expected = {"empty.yaml": "found an empty document", "d.yaml": "expected shape (2,) but found (3,)",
                "fam.json": "matrices[0]: holds text; expected real numbers"}
    for name, message in expected.items():
        cmd = ["jsr", name] if name.endswith(".json") else ["qlearning", name, "--alpha", "0.5"]
        code, _, err = run(cmd, capsys)
        assert code == 2 and message in err, err
    code, out, _ = run(["check", "--example", "jsr-golden"], capsys)
    assert code == 0 and "Claims of jsr-golden.yaml" in out
    assert str(data_folder("claims")) not in out


@pytest.mark.parametrize("name", ["seed-sls", "random-walk-5", "boyan-chain", "baird-star",
                                  "garnet:3:3:2:1"])
@pytest.mark.parametrize("as_json", [False, True])
def test_show_output_reads_back_as_the_same_problem(name, as_json, capsys, tmp_path):
    """`certify show` prints a problem "as a problem file would hold it", but with S = A
    (seed-sls, 2 x 2) the printed file was refused: it did not name its layout."""
    import numpy as np

    from certify.mdp import load_problem

    code, out, _ = run(["show", name] + (["--json"] if as_json else []), capsys)
    assert code == 0
    f = tmp_path / ("p.json" if as_json else "p.yaml")
    f.write_text(out)
    back, orig = load_problem(str(f)), load_problem(name)
    assert back.mdp.gamma == orig.mdp.gamma
    assert np.array_equal(back.mdp.P, orig.mdp.P) and np.array_equal(back.mdp.R, orig.mdp.R)
    for field in ("features", "target"):
        a, b = getattr(orig, field), getattr(back, field)
        assert (a is None and b is None) or np.array_equal(a, b)
    if orig.sampling is not None:
        assert np.array_equal(back.sampling.d, orig.sampling.d)


def test_step_size_series_exponents_are_parenthesised():
    """`certify sa check` printed "sum_n 1/(n+1)^7/20 diverges", which reads as
    (1/(n+1)^7)/20; a fractional exponent is written in parentheses."""
    from fractions import Fraction

    from certify.algorithms.td.stepsizes import series_facts

    first, second = series_facts(Fraction(7, 20), 1)
    assert "1/(n+1)^(7/20) diverges" in first.detail and first.holds is True
    assert "1/(n+1)^(7/10) = oo" in second.detail and second.holds is False
    first, second = series_facts(Fraction(1), 2)
    assert "1/(n+1)^1 diverges" in first.detail and "1/(n+1)^2 = pi**2/6" in second.detail


def test_an_option_is_spelled_the_same_in_every_command():
    """The same option showed different placeholders: `--scheduler ADDR` (check) and
    `--scheduler ADDRESS` (sweep), `--noise NOISE` and `--noise B`, a file `--rho RHO`
    (ntk check) beside `--rho FILE` (ntk model)."""
    import collections

    seen = collections.defaultdict(set)
    for _path, parser in _parsers():
        for action in parser._actions:
            if action.option_strings:
                seen[action.option_strings[-1]].add(action.metavar)
    assert seen["--scheduler"] == {"ADDRESS"}
    assert seen["--noise"] == {"B"}
    assert seen["--save-certificates"] == {"DIR"} and seen["--save-certificate"] == {"FILE"}
    assert seen["--plot"] == {"FILE"}
    assert dict(_parsers())[("ntk", "check")]._option_string_actions["--rho"].metavar == "FILE"


def test_cqlf_rate_at_or_above_one_says_vacuous(capsys):
    """At a small step the CQLF's certified rate can exceed 1 (seed-sls, alpha = 2e-4:
    1.0000044): a true bound on the JSR that proves no decay, printed as a plain
    "certified" rate."""
    import json

    argv = ["qlearning", "seed-sls", "--alpha", "2e-4"]
    code, out, _ = run(argv + ["--json"], capsys)
    doc = json.loads(out)
    assert doc["cqlf"]["rate"] > 1 and doc["direct_jsr"]["upper"] < 1
    code, out, _ = run(argv, capsys)
    row = next(line for line in out.splitlines() if "CQLF rate" in line)
    assert "(vacuous: >= 1)" in row
    row = next(line for line in out.splitlines() if "direct JSR, upper" in line)
    assert "vacuous" not in row


def test_crossval_help_names_every_crossval_verdict(capsys):
    """`certify crossval --help` listed consistent, violated, inconclusive but not loose,
    which `--rate` gives (README), on one unwrapped line."""
    from certify.verdict import Evidence

    code, out, _ = run(["crossval", "--help"], capsys)
    assert code == 0
    assert all(e.value in out for e in Evidence)
    assert max(len(line) for line in out.splitlines()) <= 100


def test_gamma_written_1e_minus_3_says_how_to_write_it(capsys, tmp_path):
    """YAML 1.1 reads `gamma: 1e-3` as text; the refusal named the value but not the fix that
    the same mistake in P or R gets ("write 1.0e-10")."""
    f = tmp_path / "g.yaml"
    f.write_text("gamma: 1e-3\nP: [[[1.0]]]\nR: [[1.0]]\n")
    code, _, err = run(["qlearning", str(f), "--alpha", "0.5"], capsys)
    assert code == 2 and "gamma: expected a number in [0, 1), found '1e-3'" in err
    assert "write 1.0e-10" in err


def test_examples_json_lists_what_the_table_lists(capsys):
    """`certify examples --json` gave only the built-in problems; the gallery families, claims
    files and sweep grids that the table lists (and `certify jsr NAME` takes) were missing."""
    import json

    from certify.data import names

    code, out, _ = run(["examples", "--json"], capsys)
    doc = json.loads(out)
    assert code == 0
    assert [p["name"] for p in doc["problems"]][:4] == ["seed-sls", "random-walk-5",
                                                        "boyan-chain", "baird-star"]
    assert "golden" in doc["packaged"]["families"]
    assert doc["packaged"] == {k: names(k) for k in ("families", "claims", "sweeps")}
    code, table, _ = run(["examples"], capsys)
    assert all(name in table for name in doc["packaged"]["claims"])


def test_warnings_are_one_line_naming_the_command(capsys):
    """A warning printed Python's two lines: certify's source path with a line number, then
    the line of code (`run = simulate_particles(mf, particles, eta, steps, seed)`)."""
    code, _, err = run(["simulate", "pg", "seed-sls", "--tau", "0.1", "--particles", "16",
                        "--steps", "10"], capsys)
    assert code == 0
    assert err.strip().splitlines() == [
        "certify simulate pg: warning: 16 particles are too few for the mean-field "
        "approximation: the particle approximation error is of order 1/sqrt(N); use at least 32"]


@pytest.mark.slow  # two Markovian mean-square bounds (about 7 s)
def test_mean_square_verdict_line_never_says_certified_when_inconclusive(capsys):
    """With no route below the trivial bound the line read "certified: sqrt(E||Q_K -
    Q*||_inf^2) <= 19.94 (inconclusive: no route below the trivial bound)", and `stepsize`
    printed "certified ... <= 19.95 (trivial 19.94; inconclusive)" and "i.i.d. sampling" for
    Markovian sampling.  garnet:3:2:2:0 at alpha = 0.1 with Markovian sampling: the Poisson
    correction does not apply, only 2 q_bar holds."""
    from types import SimpleNamespace

    import numpy as np

    from certify import analyze_qlearning, load_problem
    from certify.cli.stepsize import render
    from certify.mdp.sampling import sampling_markov

    argv = ["qlearning", "garnet:3:2:2:0", "--alpha", "0.1", "--sampling", "markov", "--steps",
            "100", "--cqlf", "no"]
    code, out, _ = run(argv, capsys)
    assert code == 0
    assert "certified: sqrt" not in out
    assert "inconclusive: no route gives a bound below the trivial" in out
    assert "overall verdict: certified (of the direct JSR; the mean-square bound above is " \
           "inconclusive)" in out
    problem = load_problem("garnet:3:2:2:0")
    uniform = np.full((3, 2), 0.5)  # what --sampling markov takes without a behaviour policy
    ms = analyze_qlearning(problem, 0.1, sampling_markov(problem.mdp, uniform), cqlf=False,
                           steps=100).mean_square
    assert ms.verdict == "inconclusive" and ms.sampling == "markov"
    lit = [{"reference": "r", "order": "o", "steps_order_c1": None, "eps": 0.1}]
    render(SimpleNamespace(best=ms, steps=100, noise=0.0, evaluated=[(0.1, ms.bound)],
                           target=None, diminishing=None, literature=lit), {})
    head = capsys.readouterr().out.split("\n")[0]
    assert "Markovian sampling" in head and "certified" not in head and "inconclusive" in head


def test_sweep_example_titled_by_its_name(capsys):
    """`certify sweep --example small` titled its summary with the packaged grid's
    site-packages path (as `certify check --example` did); it shows the file's name."""
    from certify.cli.sweep import render
    from certify.data import data_folder, path_of
    from certify.sweep import SweepResult, load_grid

    grid = load_grid(path_of("sweeps", "small"))
    render(SweepResult(grid, "small.csv", 0, 0, 0, (), 0.0, 1), None)
    out = capsys.readouterr().out
    assert "sweep small.yaml " in out
    assert str(data_folder("sweeps")) not in " ".join(out.split())


@pytest.mark.parametrize("name, shown", [("x.txt", "'.txt'"), ("results", "no output extension")])
def test_sweep_refuses_output_suffix_before_any_work(name, shown, capsys, tmp_path, monkeypatch):
    """`certify sweep ... -o x.txt` loaded the grid and started the progress bar (and the
    cluster's scheduler lookup) before refusing the suffix: it is now checked first."""
    import certify.sweep

    def no_work(*args, **kwargs):
        raise AssertionError("the grid was loaded before the output was checked")

    monkeypatch.setattr(certify.sweep, "load_grid", no_work)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["sweep", "--example", "small", "-o", name], capsys)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, err
    assert shown in err and ".csv, .jsonl, .parquet" in err, err
