"""`certify ntk model FILE.py:OBJECT --env|--mdp|--buffer`: documents, exit codes, bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from certify.cli import main

torch = pytest.importorskip("torch")
torch.set_num_threads(1)  # tiny networks: a second thread only waits (and the machine is shared)

MODELS = '''
import torch

torch.manual_seed(0)
dqn = torch.nn.Sequential(torch.nn.Linear(16, 8), torch.nn.Tanh(), torch.nn.Linear(8, 4))


def linear_one_state():
    """Q = W e_s + b on one state: K = 2 I (the bias and the weight of the state)."""
    lin = torch.nn.Linear(1, 2)
    with torch.no_grad():
        lin.weight.fill_(0.5)
        lin.bias.zero_()
    return lin


not_a_model = 3
'''


def _run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path):
    (tmp_path / "models.py").write_text(MODELS)
    (tmp_path / "one.yaml").write_text(
        "name: one\ngamma: 0.5\nP: [[[1.0], [1.0]]]\nR: [[1.0, 1.0]]\n")
    rng = np.random.default_rng(0)
    n = 300
    np.savez(tmp_path / "buf.npz", states=rng.integers(0, 16, n), actions=rng.integers(0, 4, n),
             rewards=rng.random(n), next_states=rng.integers(0, 16, n), dones=rng.random(n) < 0.1)
    return tmp_path


def test_env_json(capsys, files):
    code, out, _ = _run(capsys, ["ntk", "model", f"{files}/models.py:dqn", "--env", "FrozenLake-v1",
                                 "--gamma", "0.9", "--alpha", "0.5", "--train", "5", "--json"])
    doc = json.loads(out)
    assert code == 1 and doc["verdict"] == "inconclusive"
    assert doc["n"] == 64 and doc["kind"] == "multi-head" and doc["n_params"] == 16 * 8 + 8 + 8 * 4 + 4
    assert doc["training"]["steps_run"] == 5 and len(doc["worst_rows"]) == 5
    assert doc["beta"] == pytest.approx(doc["worst_rows"][0]["beta_row"], rel=1e-12)


def test_mdp_certified_closed_form(capsys, files):
    """One state, two heads, K = 2 I, rho = (1/2, 1/2): beta = 1 - alpha (1 - gamma) = 0.75."""
    code, out, _ = _run(capsys, ["ntk", "model", f"{files}/models.py:linear_one_state", "--mdp",
                                 str(files / "one.yaml"), "--alpha", "0.5", "--json"])
    doc = json.loads(out)
    assert code == 0 and doc["verdict"] == "certified" and doc["beta_exact"] == "3/4"
    cert = files / "cert.json"
    code, out, _ = _run(capsys, ["ntk", "model", f"{files}/models.py:linear_one_state", "--mdp",
                                 str(files / "one.yaml"), "--alpha", "0.5", "--json",
                                 "--save-certificate", str(cert)])
    assert code == 0 and json.loads(out)["certificate_file"] == str(cert)
    code, out, _ = _run(capsys, ["verify", str(cert)])
    assert code == 0 and "certified" in out
    code, out, _ = _run(capsys, ["ntk", "model", f"{files}/models.py:linear_one_state", "--mdp",
                                 str(files / "one.yaml"), "--alpha", "0.5", "--train", "5"])
    assert code == 0 and "certified" in out and "did not diverge" in out
    code, out, _ = _run(capsys, ["ntk", "model", f"{files}/models.py:linear_one_state", "--mdp",
                                 str(files / "one.yaml"), "--alpha", "0.5", "--method", "ntvp", "--json"])
    assert code == 0 and json.loads(out)["beta_exact"] == "3/4"


def test_buffer_text(capsys, files):
    code, out, _ = _run(capsys, ["ntk", "model", f"{files}/models.py:dqn", "--buffer",
                                 str(files / "buf.npz"), "--gamma", "0.9", "--n-states", "16"])
    assert code == 1 and "Worst rows" in out and "buf.npz" in out


@pytest.mark.parametrize("argv, words", [
    (["{d}/models.py:dqn", "--env", "FrozenLake-v1"], "--gamma is required"),
    (["{d}/models.py:nope", "--env", "FrozenLake-v1", "--gamma", "0.9"], "defines no 'nope'"),
    (["{d}/models.py:not_a_model", "--env", "FrozenLake-v1", "--gamma", "0.9"], "expected a torch.nn.Module"),
    (["{d}/missing.py:dqn", "--env", "FrozenLake-v1", "--gamma", "0.9"], "no such file"),
    (["{d}/models.py", "--env", "FrozenLake-v1", "--gamma", "0.9"], "FILE.py:OBJECT"),
    (["{d}/models.py:dqn", "--env", "FrozenLake-v1", "--gamma", "1.5"], "gamma"),
    (["{d}/models.py:dqn", "--buffer", "{d}/nothere.npz", "--gamma", "0.9"], "no such file"),
    (["{d}/models.py:dqn", "--mdp", "seed-sls"], "fits neither shape"),
    (["{d}/models.py:dqn", "--buffer", "{d}/buf.npz", "--gamma", "0.9", "--n-states", "3"], "outside"),
])
def test_bad_input_exit_2(capsys, files, argv, words):
    code, out, err = _run(capsys, ["ntk", "model", *[a.format(d=files) for a in argv]])
    assert code == 2 and words in err and "Traceback" not in err


def test_registry_command(files):
    from certify.commands import get_command

    doc = get_command("ntk_model").run(model=f"{files}/models.py:linear_one_state",
                                       mdp=str(files / "one.yaml"), alpha=0.5)
    assert doc["verdict"] == "certified" and doc["beta_exact"] == "3/4"


def test_rho_and_state_features_files(capsys, files):
    """The classic chain (features 1 and 2, rho = (0.9, 0.1)) with Q = w x, w = 1: K = [[1, 2],
    [2, 4]] and the expected update multiplies w by 1.68 (alpha = 1), so it diverges."""
    (files / "chain.py").write_text(
        "import torch\n\nnet = torch.nn.Linear(1, 1, bias=False)\n"
        "with torch.no_grad():\n    net.weight.fill_(1.0)\n")
    (files / "chain.yaml").write_text(
        "name: chain\ngamma: 0.9\nP: [[[0.0, 1.0]], [[0.0, 1.0]]]\nR: [[0.0], [0.0]]\n")
    np.save(files / "x.npy", np.array([[1.0], [2.0]]))
    np.save(files / "rho.npy", np.array([0.9, 0.1]))
    code, out, _ = _run(capsys, ["ntk", "model", f"{files}/chain.py:net", "--mdp", str(files / "chain.yaml"),
                                 "--state-features", str(files / "x.npy"), "--rho", str(files / "rho.npy"),
                                 "--kind", "multi-head", "--alpha", "1", "--train", "100", "--json"])
    doc = json.loads(out)
    assert code == 1 and doc["training"]["diverged"] and doc["training"]["steps_run"] == 52
    assert doc["kernel"]["diag_max"] == 4.0 and not doc["condition_17"]["holds"]
