"""Certificates saved by the commands re-check from the files alone; forged ones do not."""

import json
from pathlib import Path

from certify.cli import main

GOLDEN = str(Path(__file__).parent.parent / "certify" / "data" / "families" / "golden.json")


def test_jsr_certificates_saved_and_reverified(tmp_path, capsys):
    assert main(["jsr", GOLDEN, "--save-certificates", str(tmp_path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    files = sorted(tmp_path.glob("*.json"))
    assert len(files) == len(doc["certificates"]) >= 2
    assert main(["verify", *map(str, files), "--json"]) == 0
    capsys.readouterr()
    # forge the lower bound: claim more than the product word proves (phi ~ 1.618)
    lower = next(f for f in files if "-lower-" in f.name)
    cert = json.loads(lower.read_text())
    cert["witness"]["bound"] = "17/10"
    lower.write_text(json.dumps(cert))
    assert main(["verify", str(lower)]) == 1


def test_save_certificates_creates_its_folder_and_refuses_a_file(tmp_path, capsys):
    folder = tmp_path / "new" / "certs"
    assert main(["jsr", GOLDEN, "--save-certificates", str(folder)]) == 0
    assert sorted(p.suffix for p in folder.iterdir()) and all(p.suffix == ".json" for p in folder.iterdir())
    capsys.readouterr()
    (tmp_path / "file").write_text("x")
    assert main(["jsr", GOLDEN, "--save-certificates", str(tmp_path / "file")]) == 2
    assert "is a file; expected a folder" in capsys.readouterr().err


def test_solver_failure_exits_1_not_2(monkeypatch, capsys):
    """A numerical method that fails makes the check inconclusive (exit 1), not bad input."""
    import certify.algorithms.qlearning.analysis as ql
    from certify.errors import SolverError

    def boom(*args, **kwargs):
        raise SolverError("policy iteration did not converge in 1 iterations")

    monkeypatch.setattr(ql, "analyze_qlearning", boom)
    assert main(["qlearning", "seed-sls", "--alpha", "0.5"]) == 1
    err = capsys.readouterr().err
    assert "inconclusive" in err and "Traceback" not in err
