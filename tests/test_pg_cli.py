"""End to end: certify pg, the simulate / crossval plug-ins, commands, proof."""

import json
import subprocess
import sys

import pytest

from certify.cli import main
from certify.commands import get_command

BANDIT = "gamma: 0.0\nP: [[[1.0], [1.0]]]\nR: [[1.0, 0.0]]\n"


@pytest.fixture
def bandit_file(tmp_path):
    p = tmp_path / "bandit.yaml"
    p.write_text(BANDIT)
    return str(p)


def test_tabular_json(bandit_file, capsys):
    code = main(["pg", "tabular", bandit_file, "--tau", "0.5", "--steps", "50", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["verdict"] == "certified"
    e = 2.718281828459045 ** 2  # pi* = (e^2, 1)/(e^2 + 1) for r = (1, 0), tau = 1/2
    assert doc["pi_star"][0][0] == pytest.approx(e / (e + 1), rel=1e-12)
    assert doc["q_star"] == [[1.0, 0.0]] and doc["rate"] < 1


def test_meanfield_json_exit_codes(bandit_file, capsys):
    assert main(["pg", "meanfield", bandit_file, "--tau", "0.1", "--sigma", "1", "--kappa",
                 "50", "--width", "2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"kappa", "sigma", "c2_bound", "l_bound", "beta", "verdict"} <= set(doc)
    assert doc["beta"] > 0 and doc["verdict"] == "certified"
    assert main(["pg", "meanfield", bandit_file, "--tau", "0.1", "--sigma", "1", "--kappa",
                 "1"]) == 1
    assert "not a refutation" in capsys.readouterr().out.replace("\n", " ")


@pytest.mark.parametrize("extra", [["--tau", "0"], ["--tau", "0.1", "--mu", "0.5,0.6"],
                                   ["--tau", "-1", "--sigma", "1", "--kappa", "1"]])
def test_bad_input_exit_2(bandit_file, extra, capsys):
    kind = "meanfield" if "--sigma" in extra else "tabular"
    assert main(["pg", kind, bandit_file, *extra]) == 2  # in process: no traceback possible
    assert ("mu" if "--mu" in extra else "tau") in capsys.readouterr().err


def test_bad_sigma_exit_2(bandit_file, capsys):
    assert main(["pg", "meanfield", bandit_file, "--tau", "0.1", "--sigma", "0", "--kappa",
                 "1"]) == 2
    assert "sigma" in capsys.readouterr().err


def test_simulate_plugin(bandit_file, tmp_path, capsys):
    import argparse

    from certify.cli import simulate_pg

    p = argparse.ArgumentParser()
    simulate_pg.add_arguments(p, "pg")
    png = tmp_path / "pg.png"
    args = p.parse_args([bandit_file, "--tau", "0.5", "--sigma", "0.5", "--kappa", "1",
                         "--particles", "40", "--steps", "60", "--eta", "0.05", "--plot",
                         str(png), "--json"])
    assert simulate_pg.run(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert png.stat().st_size > 0 and len(doc["values"]) == 60
    assert doc["value_final"] <= doc["v_star"] + 1e-12  # V* is the max over all policies


def test_crossval_plugin(bandit_file, capsys):
    from certify.cli import crossval_pg

    assert crossval_pg.KEY == "pg"
    args = crossval_pg.build_parser().parse_args(
        [bandit_file, "--tau", "0.1", "--sigma", "1", "--kappa", "50", "--width", "2",
         "--particles", "32", "--steps", "100", "--json"])
    assert crossval_pg.run(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["empirical_rate"] >= doc["beta"] > 0 and doc["violations"] == 0


def test_commands_registry(bandit_file):
    doc = get_command("pg_meanfield").run(mdp=bandit_file, tau=0.1, sigma=1.0, kappa=50.0,
                                          width=2)
    assert doc["verdict"] == "certified"
    tab = get_command("pg_tabular").run(mdp=bandit_file, tau=0.5, steps=20)
    assert tab["verdict"] == "certified"


def test_proof_runs():
    r = subprocess.run([sys.executable, "-m", "certify.proofs.pg_constants"], capture_output=True,
                       text=True)
    assert r.returncode == 0 and r.stdout.count("proved") == 7
