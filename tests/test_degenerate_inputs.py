"""Every command on degenerate-but-valid inputs exits 0 or 1, never with a traceback.

Degenerate problems (issue 19, item 7): gamma = 0, one state, one action, one state and one
action; degenerate families: a zero matrix, a nilpotent family, a single 1x1 matrix.  Each
form of :data:`tests.test_cli_fuzz.MDP_FORMS` runs in process through
:func:`certify.cli.main`; an uncaught exception fails the test (main would raise it), and an
exit code of 2 (bad input) is also wrong here, since every input is valid.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli_fuzz import MDP_FORMS, run

PROBLEMS = {
    "gamma0": {"gamma": 0.0, "layout": "SAS", "P": [[[0.5, 0.5], [1, 0]], [[0, 1], [0.5, 0.5]]],
               "R": [[1, 0], [0, 1]], "features": [[1.0], [0.5]], "target": [[0.5, 0.5], [1, 0]]},
    "one-state": {"gamma": 0.9, "P": [[[1.0], [1.0]]], "R": [[1.0, 0.0]],
                  "features": [[1.0]], "target": [[0.5, 0.5]]},
    "one-action": {"gamma": 0.9, "P": [[[0.5, 0.5]], [[0.2, 0.8]]], "R": [[1.0], [0.0]],
                   "features": [[1.0], [0.0]], "target": [[1.0], [1.0]]},
    "one-pair": {"gamma": 0.5, "P": [[[1.0]]], "R": [[2.0]], "features": [[1.0]],
                 "target": [[1.0]]},
}
FAMILIES = {
    "zero": [[[0, 0], [0, 0]]],
    "nilpotent": [[[0, 1], [0, 0]], [[0, 2], [0, 0]]],
    "scalar": [[[0.5]]],
    "zero-and-one": [[[0, 0], [0, 0]], [[1, 0], [0, 1]]],
}


# the fuzz forms, with a temperature for the smooth operators (a file carries none)
FORMS = [f + ["--temperature", "1"] if "smooth" in f[:2] or "smooth-qlearning" in f[:2] else f
         for f in MDP_FORMS]


def write_files(d: Path) -> Path:
    """Every degenerate problem and family as a JSON file in ``d``."""
    for name, data in PROBLEMS.items():
        (d / f"{name}.json").write_text(json.dumps(data))
    for name, mats in FAMILIES.items():
        (d / f"fam-{name}.json").write_text(json.dumps({"matrices": mats}))
    return d


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    return write_files(tmp_path_factory.mktemp("degenerate"))


@pytest.mark.slow  # 17 forms x 4 problems: about a minute, most of it first imports
@pytest.mark.parametrize("form", FORMS, ids=lambda f: " ".join(f[:2]))
@pytest.mark.parametrize("problem", list(PROBLEMS))
def test_every_problem_command(form, problem, files, capsys):
    argv = [a.format(str(files / f"{problem}.json")).replace("OUT", str(files / problem))
            for a in form]
    (files / problem).mkdir(exist_ok=True)
    code, out, err = run(argv, capsys)
    assert code in (0, 1), (argv, code, err[-1500:])
    assert "Traceback" not in err


@pytest.mark.parametrize("methods", [None, "products,polytope", "products,norms,maxnorm,exact",
                                     "structure", "cqlf", "gripenberg,lifting"])
@pytest.mark.parametrize("family", list(FAMILIES))
def test_jsr(family, methods, files, capsys):
    argv = ["jsr", str(files / f"fam-{family}.json"), "--budget", "5", "--json"]
    if methods:
        argv += ["--methods", methods]
    code, out, err = run(argv, capsys)
    assert code in (0, 1), (argv, code, err[-1500:])
    doc = json.loads(out)
    if family in ("zero", "nilpotent"):  # JSR = 0: no certified lower bound above it
        assert doc["lower"] in (None, 0.0)
    if family == "scalar":  # JSR = 0.5: every certified side brackets it
        assert doc["lower"] is None or doc["lower"] <= 0.5
        assert doc["upper"] is None or doc["upper"] >= 0.5


@pytest.mark.parametrize("smooth_args", [["--operator", "lse", "--temperature", "2"],
                                         ["--operator", "mellowmax", "--temperature", "0.5"],
                                         ["--operator", "boltzmann", "--temperature", "1"],
                                         ["--operator", "max"]])
@pytest.mark.parametrize("problem", list(PROBLEMS))
def test_smooth_operators(problem, smooth_args, files, capsys):
    code, out, err = run(["smooth", str(files / f"{problem}.json"), *smooth_args, "--json"], capsys)
    assert code in (0, 1), (problem, smooth_args, code, err[-1500:])
    assert "NaN" not in out


def test_ntk_check_zero_kernel_and_gamma0(files, capsys):
    (files / "K0.json").write_text("[[0, 0], [0, 0]]")
    (files / "K1.json").write_text("[[1]]")
    (files / "r2.json").write_text("[0.5, 0.5]")
    (files / "r1.json").write_text("[1]")
    for k, r, g in [("K0", "r2", "0.5"), ("K0", "r2", "0"), ("K1", "r1", "0"), ("K1", "r1", "0.9")]:
        argv = ["ntk", "check", str(files / f"{k}.json"), "--rho", str(files / f"{r}.json"),
                "--gamma", g, "--alpha", "0.1", "--json"]
        code, out, err = run(argv, capsys)
        assert code in (0, 1), (argv, code, err[-1500:])


WEIRD = {"name": "[/bold]", "gamma": 0.9, "states": ["[red]", ":100:"], "actions": ["a[/]", "b"],
         "P": [[[0.5, 0.5], [1, 0]], [[0, 1], [0.5, 0.5]]], "R": [[1, 0], [0, 1]], "layout": "SAS"}


@pytest.mark.parametrize("argv", [["qlearning", "{}", "--alpha", "0.5", "--cqlf", "no"],
                                  ["smooth", "{}", "--temperature", "1", "--no-tradeoff"],
                                  ["pg", "meanfield", "{}", "--tau", "0.5"],
                                  ["pg", "tabular", "{}", "--tau", "0.5", "--steps", "2"]],
                         ids=lambda a: " ".join(a[:2]))
def test_user_text_is_escaped(argv, tmp_path, capsys):
    """Names are shown as written: '[/bold]' crashed rich, ':100:' became an emoji."""
    f = tmp_path / "weird.json"
    f.write_text(json.dumps(WEIRD))
    code, out, err = run([a.format(str(f)) for a in argv], capsys)
    assert code in (0, 1), err[-1500:]
    assert "[/bold]" in out and "\U0001f4af" not in out
    if argv[0] in ("qlearning", "smooth"):
        assert "[red]" in out and ":100:" in out and "a[/]" in out
