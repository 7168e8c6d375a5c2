"""Every command of the registry on degenerate-but-valid inputs (issue 19, item 7).

:mod:`tests.test_degenerate_inputs` runs the commands that take one MDP in their common form
(its all-forms test is marked slow) plus ``jsr``, ``smooth`` and ``ntk check``.  This file
covers the rest of :data:`certify.commands.REGISTRY`: ``stepsize``, every simulated TD
algorithm, every ``sa check`` algorithm, ``ntk model``, ``check`` (a claims file on the
degenerate problems), ``sweep`` (its cells, run in-process as a worker runs them, on a grid of
the degenerate files), ``verify`` (certificates saved from degenerate runs), ``examples`` and
the API-only ``gallery``; and asserts that together the two files name every command.

Degenerate problems: gamma = 0, one state, one action, one state-action pair; families: a zero
matrix, a nilpotent pair.  Each run must exit 0 or 1 (valid input: never 2) and print no
traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from certify.commands.registry import REGISTRY
from tests.test_cli_fuzz import FAST_SIM, MDP_FORMS, run
from tests.test_degenerate_inputs import PROBLEMS, write_files

TD_ALGOS = [c.leaf for c in REGISTRY if c.group == "simulate"
            and c.leaf not in ("qlearning", "smooth-qlearning", "pg")]
SA_ALGOS = ["td0", "gtd", "gtd2", "tdc", "gtd2-m3", "tdc-m3", "gtd2-m4", "tdc-m4",
            "gtd2-lambda", "tdc-lambda", "etd0", "gq0", "actor-critic"]
EXPONENTS = ["0.6", "0.7", "0.8", "0.9"]
SLOW = pytest.mark.slow  # the whole set takes about a minute
MODEL = '''
import torch

def one_state():
    """Q = W e_s + b on one state, two actions."""
    lin = torch.nn.Linear(1, 2)
    with torch.no_grad():
        lin.weight.fill_(0.5)
        lin.bias.zero_()
    return lin
'''


def assert_valid_run(argv: list[str], capsys) -> tuple[int, str, str]:
    code, out, err = run(argv, capsys)
    assert code in (0, 1), (argv, code, err[-1500:])
    assert "Traceback" not in err and "Traceback" not in out
    return code, out, err


def command_of(argv: list[str]) -> str:
    """The registry name an argument vector runs (``["simulate", "td0", ...]`` -> "simulate td0")."""
    names = {c.name for c in REGISTRY}
    two = " ".join(argv[:2])
    return two if two in names else argv[0]


# every form run on degenerate input, in this file or in tests/test_degenerate_inputs.py
COVERED_ELSEWHERE = {command_of(f) for f in MDP_FORMS} | {"jsr", "ntk check"}
COVERED_HERE = ({"stepsize", "ntk model", "check", "sweep", "verify", "examples", "gallery",
                 "sa check"} | {f"simulate {a}" for a in TD_ALGOS})


def test_every_registered_command_is_covered():
    missing = {c.name for c in REGISTRY} - COVERED_ELSEWHERE - COVERED_HERE
    assert not missing, f"commands never run on degenerate input: {sorted(missing)}"


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    return write_files(tmp_path_factory.mktemp("degenerate-registry"))


@SLOW  # the step-size search: several seconds per problem
@pytest.mark.parametrize("problem", list(PROBLEMS))
def test_stepsize(problem, files, capsys):
    assert_valid_run(["stepsize", str(files / f"{problem}.json"), "--steps", "50", "--json"],
                     capsys)


@pytest.mark.filterwarnings("error::RuntimeWarning")  # etd0 divided 0/0 where mu(s) = 0
@pytest.mark.parametrize("algo, problem", [
    (a, p) if (a, p) == ("etd0", "gamma0") else pytest.param(a, p, marks=SLOW)
    for a in TD_ALGOS for p in ("gamma0", "one-pair")])
def test_simulate_td(algo, problem, files, capsys):
    """Every simulated TD algorithm (slow: one interpreter-warm run each); ETD at gamma = 0,
    where its follow-on trace has no discounting, runs in the quick set."""
    argv = ["simulate", algo, str(files / f"{problem}.json"), *FAST_SIM, "--json"]
    code, out, err = run(argv, capsys)
    if code == 2:  # an algorithm may need more than this problem has: a one-line refusal
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
        return
    assert code in (0, 1) and "Traceback" not in err, (argv, err[-1500:])
    assert "NaN" not in out


@pytest.mark.parametrize("algo", SA_ALGOS)
def test_sa_check_every_algorithm(algo, files, capsys):
    """The exponents: one per timescale; the count is found by trying (a refusal says so)."""
    for problem in ("gamma0", "one-pair"):
        for n in range(1, 5):
            argv = ["sa", "check", algo, str(files / f"{problem}.json"),
                    "--exponents", ",".join(EXPONENTS[:n]), "--json",
                    *(["--lam", "0.5"] if algo.endswith("-lambda") else [])]
            code, out, err = run(argv, capsys)
            assert "Traceback" not in err, (argv, err[-1500:])
            if code != 2:
                break
            # a refusal of this problem for this algorithm, in one line (actor-critic needs
            # two actions; the exponents' count is found by trying)
            assert len(err.strip().splitlines()) == 1 and any(
                w in err for w in ("exponents", "features", "behaviour", "action")), (argv, err)
        if code != 2:
            assert code in (0, 1)
            assert json.loads(out)["verdict"] in ("certified", "refuted", "inconclusive")


@SLOW  # imports torch
def test_ntk_model_one_state(files, capsys, tmp_path):
    pytest.importorskip("torch")
    (tmp_path / "models.py").write_text(MODEL)
    one_state_g0 = dict(PROBLEMS["one-state"], gamma=0.0)
    (tmp_path / "g0.json").write_text(json.dumps(one_state_g0))
    for mdp in (files / "one-state.json", tmp_path / "g0.json"):
        code, out, _ = assert_valid_run(
            ["ntk", "model", f"{tmp_path}/models.py:one_state", "--mdp", str(mdp),
             "--alpha", "0.5", "--json"], capsys)
        assert json.loads(out)["verdict"] in ("certified", "inconclusive", "refuted")


def test_check_claims_on_degenerate_problems(files, tmp_path, capsys):
    claims = tmp_path / "degenerate.yaml"
    claims.write_text(f"""title: degenerate inputs
claims:
  - name: gamma 0
    qlearning: {{mdp: {files / 'gamma0.json'}, alpha: 0.5, cqlf: false}}
    assert: direct_jsr.upper <= 1
  - name: one state-action pair
    qlearning: {{mdp: {files / 'one-pair.json'}, alpha: 0.5}}
    assert: direct_jsr.upper <= 1
  - name: nilpotent family
    jsr: {{family: {files / 'fam-nilpotent.json'}}}
    assert: lower == 0 and upper == 0 and verdict == "certified"
  - name: zero matrix
    jsr: {{family: {files / 'fam-zero.json'}}}
    assert: upper == 0
  - name: smooth at gamma 0
    smooth: {{mdp: {files / 'gamma0.json'}, operator: lse, temperature: 2}}
    assert: verdict != "refuted"
""")
    code, out, err = assert_valid_run(["check", str(claims), "--json"], capsys)
    doc = json.loads(out)
    assert len(doc["claims"]) == 5
    # the direct family of one pair at alpha = 0.5, gamma = 0.5, d = 1 is the scalar
    # 1 - alpha (1 - gamma) = 3/4: its JSR is exactly 3/4
    code, out, err = assert_valid_run(["qlearning", str(files / "one-pair.json"), "--alpha", "0.5",
                                       "--json"], capsys)
    dj = json.loads(out)["direct_jsr"]
    assert dj["lower"] <= 0.75 <= dj["upper"] and dj["upper"] - dj["lower"] < 1e-9


def test_verify_certificates_of_degenerate_runs(files, tmp_path, capsys):
    certs = tmp_path / "certs" / "new"  # created by the command
    for argv in (["qlearning", str(files / "one-pair.json"), "--alpha", "0.5"],
                 ["qlearning", str(files / "gamma0.json"), "--alpha", "0.5", "--cqlf", "no"],
                 ["jsr", str(files / "fam-nilpotent.json")],
                 ["jsr", str(files / "fam-zero.json")]):
        assert_valid_run([*argv, "--save-certificates", str(certs)], capsys)
    saved = sorted(certs.glob("*.json"))
    assert saved, "no certificate saved"
    code, out, err = assert_valid_run(["verify", *map(str, saved), "--json"], capsys)
    assert code == 0, out[-1500:]  # every saved certificate re-checks exactly


def test_sweep_cells_on_degenerate_files(files, capsys):
    """The sweep's cells, run in-process exactly as a Dask worker runs them: no cell errors."""
    from certify.sweep.cell import run_cell
    from certify.sweep.grid import grid_from_dict

    grid = grid_from_dict({"command": "qlearning", "problems": [{"file": "[go]*.json"}],
                           "alpha": [0.5], "cqlf": [False],
                           "record": ["direct_jsr.upper", "row_sum_rate"]}, files)
    assert len(grid.cells) == len(PROBLEMS)
    for cell in grid.cells:
        row, _ = run_cell(cell, grid.record, grid.axes, grid.hash, None, tuple(grid.axis_columns))
        assert row["error"] is None, row
        assert row["verdict"] in ("certified", "refuted", "inconclusive")


@pytest.mark.slow  # starts a local Dask cluster
def test_sweep_command_on_degenerate_files(files, tmp_path, capsys):
    grid = tmp_path / "grid.yaml"
    grid.write_text(f"command: qlearning\nproblems:\n  - file: '{files}/[go]*.json'\nalpha: [0.5]\n"
                    "cqlf: [false]\nrecord: [direct_jsr.upper]\n")
    assert_valid_run(["sweep", str(grid), "-o", str(tmp_path / "o.csv"), "--workers", "1"], capsys)


def test_examples_and_gallery(capsys):
    assert_valid_run(["examples"], capsys)
    from certify.commands import get_command

    doc = get_command("gallery").run(name="nilpotent", budget=5.0)
    assert doc["verdict"] == "certified"  # a nilpotent family: JSR = 0, reproduced
