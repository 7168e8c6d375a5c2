"""Bad input gets a clear error naming the field, the value and what was expected; the CLI
exits 2 without a traceback."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys

import numpy as np
import pytest
import yaml

from certify import InvalidInput, InvalidMDP, UnknownName, load_problem
from certify.cli import main
from certify.mdp import FiniteMDP, sampling_from_d
from certify.mdp.builtins import builtin_names

GOOD_P = [[[0.5, 0.5], [1.0, 0.0]], [[0.0, 1.0], [0.3, 0.7]]]
GOOD_R = [[1.0, 0.0], [0.0, 1.0]]


def mdp_doc(**over):
    doc = {"gamma": 0.9, "P": GOOD_P, "R": GOOD_R, "layout": "SAS"}  # S = A: layout named
    doc.update(over)
    return doc


def write(tmp_path, doc, name="m.yaml"):
    p = tmp_path / name
    p.write_text(json.dumps(doc) if name.endswith(".json") else yaml.safe_dump(doc))
    return p


@pytest.mark.parametrize(
    "over, match",
    [
        ({"P": [[[0.5, 0.6], [1.0, 0.0]], [[0.0, 1.0], [0.3, 0.7]]]},
         r"P\[0\]\[0\] sums to 1\.1.*must sum to 1 \(tolerance 1e-09\)"),
        ({"P": [[[1.2, -0.2], [1.0, 0.0]], [[0.0, 1.0], [0.3, 0.7]]]},
         r"P\[0\]\[0\]\[1\] = -0\.2 is negative"),
        ({"P": [[[0.5, 0.5]], [[0.0, 1.0]]], "R": GOOD_R}, r"expected shape \(2, 2, 2\)"),
        ({"P": [[[0.5, float("nan")], [1.0, 0.0]], [[0.0, 1.0], [0.3, 0.7]]]}, r"P\[0\]\[0\]\[1\] is nan"),
        ({"R": [[1.0, float("inf")], [0.0, 1.0]]}, r"R\[0\]\[1\] is inf; every entry must be a finite"),
        ({"gamma": 1.0}, r"gamma = 1\.0 is outside \[0, 1\)"),
        ({"gamma": -0.1}, r"gamma = -0\.1 is outside"),
        ({"gamma": "abc"}, r"gamma: expected a number"),
        ({"sampling": {"d": [0.5, 0.5, 0.0, 0.0]}}, r"zero entries at \[2\] \(state 1, action 0\)"),
        ({"sampling": {"d": [0.5, 0.5, 0.5, 0.5]}}, r"sums to 2\.0"),
        ({"sampling": {"d": [0.5, 0.5]}}, r"sampling\.d: expected shape \(4,\)"),
        ({"sampling": {"dd": [0.25] * 4}}, r"unknown keys \['dd'\]"),
        ({"extra": 1}, r"unknown keys \['extra'\]"),
    ],
)
def test_bad_mdp_files(tmp_path, over, match):
    doc = mdp_doc(**over)
    path = tmp_path / "m.json"
    path.write_text(json.dumps(doc).replace("NaN", "NaN").replace("Infinity", "Infinity"))
    with pytest.raises(InvalidMDP, match=match):
        load_problem(path)
    code, err = run_cli(["qlearning", str(path), "--alpha", "0.5"])
    assert code == 2 and "Traceback" not in err and "error:" in err


def test_missing_keys_and_malformed(tmp_path):
    with pytest.raises(InvalidMDP, match=r"missing required keys \['R'\]"):
        load_problem(write(tmp_path, {"gamma": 0.9, "P": GOOD_P}))
    bad = tmp_path / "bad.yaml"
    bad.write_text("gamma: 0.9\nP: [[[0.5, 0.5]\n")
    with pytest.raises(InvalidMDP, match=r"malformed YAML at line"):
        load_problem(bad)
    badj = tmp_path / "bad.json"
    badj.write_text('{"gamma": 0.9, ')
    with pytest.raises(InvalidMDP, match=r"malformed JSON at line 1"):
        load_problem(badj)
    with pytest.raises(InvalidMDP, match=r"no such file"):
        load_problem(tmp_path / "nothere.yaml")
    other = tmp_path / "m.txt"
    other.write_text("x")
    with pytest.raises(InvalidMDP, match=r"unknown file type '\.txt'"):
        load_problem(other)


def test_unknown_builtin_lists_names():
    with pytest.raises(UnknownName, match="seed-sls.*random-walk-5.*garnet:S:A:branching:seed"):
        load_problem("no-such-mdp")
    with pytest.raises(UnknownName, match="four integers"):
        load_problem("garnet:10:2")
    code, err = run_cli(["qlearning", "no-such-mdp", "--alpha", "0.5"])
    assert code == 2 and "valid names" in err


@pytest.mark.parametrize("alpha, match", [("0", "outside \\(0, 1\\]"), ("1.5", "outside"),
                                          ("-0.1", "outside")])
def test_bad_alpha(alpha, match):
    code, err = run_cli(["qlearning", "seed-sls", "--alpha", alpha])
    assert code == 2 and "alpha" in err and "Traceback" not in err
    with pytest.raises(InvalidInput, match=match):
        from certify import analyze_qlearning

        analyze_qlearning(load_problem("seed-sls"), float(alpha))


def test_alpha_not_a_number():
    code, err = run_cli(["qlearning", "seed-sls", "--alpha", "abc"])
    assert code == 2 and "expected a number" in err


def test_npz_loader(tmp_path):
    p = tmp_path / "m.npz"
    np.savez(p, P=np.array(GOOD_P), R=np.array(GOOD_R), gamma=np.array(0.9),
             d=np.array([0.1, 0.2, 0.3, 0.4]), layout=np.array("SAS"))  # S = A: layout named
    pr = load_problem(p)
    assert pr.mdp.n_states == 2 and pr.sampling.d[3] == 0.4
    q = tmp_path / "bad.npz"
    np.savez(q, P=np.array(GOOD_P), R=np.array(GOOD_R))
    with pytest.raises(InvalidMDP, match=r"missing arrays \['gamma'\]"):
        load_problem(q)


def test_yaml_and_json_agree(tmp_path):
    doc = mdp_doc(sampling={"d": [0.1, 0.2, 0.3, 0.4]}, states=["x", "y"], actions=["l", "r"])
    a = load_problem(write(tmp_path, doc, "a.yaml"))
    b = load_problem(write(tmp_path, doc, "b.json"))
    assert np.array_equal(a.mdp.P, b.mdp.P) and np.array_equal(a.sampling.d, b.sampling.d)
    assert a.mdp.states == ("x", "y")


def test_behaviour_sampling(tmp_path):
    beh = [[0.5, 0.5], [0.25, 0.75]]
    pr = load_problem(write(tmp_path, mdp_doc(sampling={"behaviour": beh, "state_dist": [0.4, 0.6]})))
    assert np.allclose(pr.sampling.d, [0.2, 0.2, 0.15, 0.45])
    pr2 = load_problem(write(tmp_path, mdp_doc(sampling={"behaviour": beh, "model": "markov"}),
                             "mk.yaml"))
    # stationary law of the pair chain: d P_pairs = d
    mdp = pr2.mdp
    n = mdp.n_pairs
    T = np.zeros((n, n))
    for i in range(n):
        s, a = divmod(i, 2)
        for s2 in range(2):
            for a2 in range(2):
                T[i, s2 * 2 + a2] = mdp.P[s, a, s2] * beh[s2][a2]
    assert np.allclose(pr2.sampling.d @ T, pr2.sampling.d, atol=1e-12)
    assert pr2.sampling.kind == "markov"


def test_zero_sampling_rejected_in_api():
    mdp = FiniteMDP(GOOD_P, GOOD_R, 0.9, layout="SAS")
    with pytest.raises(InvalidMDP, match="never|zero entries"):
        sampling_from_d(mdp, [0.5, 0.5, 0.0, 0.0])


def test_builtins_are_valid():
    for name in builtin_names()[:-1]:
        pr = load_problem(name)
        assert pr.sampling is not None and (pr.sampling.d > 0).all()
    g = load_problem("garnet:50:3:4:2")
    nnz_per_row = np.diff(g.mdp.P_matrix.indptr)
    assert (nnz_per_row == 4).all()
    assert np.allclose(np.asarray(g.mdp.P_matrix.sum(axis=1)).ravel(), 1.0)
    g2 = load_problem("garnet:50:3:4:2")
    assert (g.mdp.P_matrix != g2.mdp.P_matrix).nnz == 0  # reproducible from the seed


def run_cli(argv):
    """Run the CLI in process (a traceback would fail the test): exit code and stderr.

    Argument errors leave argparse by SystemExit(2), as they would end the process."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    return code, err.getvalue()


def test_cli_json_contract():
    code = subprocess.run([sys.executable, "-m", "certify", "qlearning", "seed-sls", "--alpha",
                           "0.5", "--json"], capture_output=True, text=True)
    assert code.returncode == 0, code.stderr
    doc = json.loads(code.stdout)
    assert doc["mdp"] == {"name": "seed-sls", "n_states": 2, "n_actions": 2, "gamma": 0.9}
    assert doc["alpha"] == 0.5
    dj = doc["direct_jsr"]
    assert dj["lower"] <= dj["upper"] < doc["row_sum_rate"]
    assert dj["certificate"]["kind"] == "weighted-max-norm"
    assert dj["certificate"]["verdict"] == "certified"
    assert dj["policy"] == [0, 1]
    assert doc["cqlf"]["verdict"] == "certified" and doc["cqlf"]["rate"] >= dj["lower"]
    assert len(doc["q_star"]) == 2 and len(doc["q_star"][0]) == 2
    # Q* of seed-sls: action 0 pays 1 everywhere, so V* = 1/(1-0.9) = 10 and Q*(s,1) = 9
    assert np.allclose(doc["q_star"], [[10, 9], [10, 9]], atol=1e-9)


def test_cli_examples_show_and_verify(tmp_path, capsys):
    assert main(["examples", "--json"]) == 0
    names = [e["name"] for e in json.loads(capsys.readouterr().out)["problems"]]
    assert "seed-sls" in names and "baird-star" in names
    assert main(["show", "seed-sls", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["gamma"] == 0.9 and shown["sampling"]["d"] == [0.1, 0.2, 0.3, 0.4]
    assert main(["qlearning", "seed-sls", "--alpha", "0.5", "--cqlf", "no",
                 "--save-certificates", str(tmp_path), "--json"]) == 0
    capsys.readouterr()
    files = sorted(str(p) for p in tmp_path.glob("*.json"))
    assert len(files) == 2
    assert main(["verify", *files]) == 0
    doc = json.loads(open(files[0]).read())
    doc["witness"]["bound"] = "9999/10000"  # direct_lower: claims more than is true
    bad = tmp_path / "forged.json"
    bad.write_text(json.dumps(doc))
    assert main(["verify", str(bad)]) == 1
