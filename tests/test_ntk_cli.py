"""End-to-end: `certify ntk check|network|sweep`, file formats, exit codes, the registry."""

from __future__ import annotations

import json

import numpy as np
import pytest

from certify.cli import main
from certify.commands import get_command


def _run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path):
    np.save(tmp_path / "I.npy", np.eye(4))
    np.save(tmp_path / "rho.npy", np.array([0.1, 0.2, 0.3, 0.4]))
    np.savez(tmp_path / "both.npz", K=np.eye(4), rho=np.array([0.1, 0.2, 0.3, 0.4]))
    np.savetxt(tmp_path / "K.csv", np.array([[2.0, 0.5], [0.5, 2.0]]), delimiter=",")
    np.savetxt(tmp_path / "rho.csv", np.array([[0.5, 0.5]]), delimiter=",")
    (tmp_path / "Kq.json").write_text(json.dumps({"K": [["2", "1/2"], ["1/2", "2"]]}))
    (tmp_path / "rq.json").write_text(json.dumps(["1/2", "1/2"]))
    (tmp_path / "big.json").write_text(json.dumps([[3]]))
    (tmp_path / "one.json").write_text(json.dumps([1]))
    (tmp_path / "asym.json").write_text(json.dumps([[1, 0.5], [0.2, 1]]))
    (tmp_path / "rect.json").write_text(json.dumps([[1, 0.5, 0], [0.2, 1, 0]]))
    (tmp_path / "bad.json").write_text("[[1, 2],")
    (tmp_path / "K.txt").write_text("1")
    return tmp_path


def test_check_tabular_npy(capsys, files):
    code, out, _ = _run(capsys, ["ntk", "check", str(files / "I.npy"), "--rho", str(files / "rho.npy"),
                                 "--gamma", "0.9", "--alpha", "0.5", "--json"])
    doc = json.loads(out)
    assert code == 0 and doc["verdict"] == "certified"
    assert doc["beta"] == pytest.approx(1 - 0.5 * 0.1 * 0.1, abs=1e-15)  # 1 - alpha (1-g) rho_min
    assert doc["condition_16"]["worst_row"] == 3 and doc["condition_17"]["worst_row"] == 0
    assert doc["row_ratio"] == [0.0] * 4


def test_check_formats_agree(capsys, files):
    docs = []
    for k, r in (("K.csv", "rho.csv"), ("Kq.json", "rq.json")):
        code, out, _ = _run(capsys, ["ntk", "check", str(files / k), "--rho", str(files / r),
                                     "--gamma", "0.2", "--alpha", "0.5", "--json"])
        docs.append(json.loads(out))
        assert code == 0
    # hand value: a = 1, o = 1/4, beta = 1 - 0.8 * 0.5 + 1.2 * 0.5 * 0.25 = 0.75 (gamma 0.2 as double)
    assert docs[0]["beta"] == pytest.approx(0.75, abs=1e-15)
    assert docs[1]["beta_exact"] == docs[0]["beta_exact"]
    npz = str(files / "both.npz")
    code, out, _ = _run(capsys, ["ntk", "check", npz, "--rho", npz, "--gamma", "0.9", "--alpha", "0.5"])
    assert code == 0 and "certified" in out


def test_check_hypotheses_fail_exit_1(capsys, files):
    code, out, _ = _run(capsys, ["ntk", "check", str(files / "big.json"), "--rho", str(files / "one.json"),
                                 "--gamma", "0.1", "--alpha", "0.5", "--json"])
    doc = json.loads(out)
    assert code == 1 and doc["status"] == "hypotheses fail" and doc["beta"] == pytest.approx(0.65)


def test_check_save_certificate_and_verify(capsys, files, tmp_path):
    cert = tmp_path / "c.json"
    code, _, _ = _run(capsys, ["ntk", "check", str(files / "Kq.json"), "--rho", str(files / "rq.json"),
                               "--gamma", "0.2", "--alpha", "0.5", "--save-certificate", str(cert)])
    assert code == 0
    code, out, _ = _run(capsys, ["verify", str(cert), "--json"])
    assert code == 0 and json.loads(out)[0]["kind"] == "ntk-theorem2"


@pytest.mark.parametrize("kernel, rho, gamma, alpha, words", [
    ("asym.json", "rq.json", "0.5", "0.1", "not symmetric: max |K_ij - K_ji| = 0.3"),
    ("rect.json", "rq.json", "0.5", "0.1", "square"),
    ("I.npy", "rq.json", "0.5", "0.1", "length n = 4"),
    ("Kq.json", "rho.npy", "0.5", "0.1", "length n = 2"),
    ("Kq.json", "big.json", "0.5", "0.1", "rho"),
    ("Kq.json", "rq.json", "1.5", "0.1", "gamma = 1.5"),
    ("Kq.json", "rq.json", "0.5", "-1", "alpha = -1.0"),
    ("bad.json", "rq.json", "0.5", "0.1", "malformed JSON"),
    ("K.txt", "rq.json", "0.5", "0.1", "unsupported suffix"),
    ("missing.npy", "rq.json", "0.5", "0.1", "no such file"),
])
def test_check_bad_input_exit_2(capsys, files, kernel, rho, gamma, alpha, words):
    code, out, err = _run(capsys, ["ntk", "check", str(files / kernel), "--rho", str(files / rho),
                                   "--gamma", gamma, "--alpha", alpha])
    assert code == 2
    assert words in err and "Traceback" not in err


def test_network_json(capsys):
    code, out, _ = _run(capsys, ["ntk", "network", "seed-sls", "--width", "16", "--depth", "1",
                                 "--activation", "tanh", "--alpha", "0.01", "--probes", "20",
                                 "--iterations", "5", "--json"])
    doc = json.loads(out)
    assert code in (0, 1)
    assert doc["network"]["n_params"] == 16 * 5 + 17
    assert doc["empirical_lipschitz"]["ratio"] <= doc["beta"] * (1 + 1e-12)
    assert doc["u3_iteration"]["holds"]


def test_network_bad_mdp_exit_2(capsys):
    code, _, err = _run(capsys, ["ntk", "network", "no-such-mdp", "--alpha", "0.1"])
    assert code == 2 and "unknown built-in problem" in err


def test_sweep_tiny_with_plot(capsys, tmp_path):
    png = tmp_path / "ntk.png"
    code, out, _ = _run(capsys, ["ntk", "sweep", "seed-sls", "--widths", "8,16", "--depths", "1,2",
                                 "--activations", "relu,tanh,sin", "--alpha", "0.01",
                                 "--plot", str(png), "--json"])
    doc = json.loads(out)
    assert code in (0, 1) and len(doc["rows"]) == 12
    assert png.stat().st_size > 1000
    assert {r["activation"] for r in doc["rows"]} == {"relu", "tanh", "sin"}
    code, out, _ = _run(capsys, ["ntk", "sweep", "seed-sls", "--widths", "8", "--depths", "1",
                                 "--activations", "relu", "--alpha", "0.01"])
    assert "NTK sweep" in out


def test_sweep_bad_activation_exit_2(capsys):
    code, _, err = _run(capsys, ["ntk", "sweep", "seed-sls", "--alpha", "0.1", "--activations", "gelu",
                                 "--widths", "4", "--depths", "1"])
    assert code == 2 and "gelu" in err


def test_registry_ntk_check(files):
    doc = get_command("ntk_check").run(kernel=str(files / "I.npy"), rho=str(files / "rho.npy"),
                                       gamma=0.9, alpha=0.5)
    assert doc["verdict"] == "certified" and doc["beta"] == pytest.approx(0.995, abs=1e-15)
