"""The smooth CLI: JSON contract, exit codes, plug-ins, commands registry."""

import json

from certify.cli import main
from certify.commands import get_command


def test_json_contract(capsys):
    assert main(["smooth", "seed-sls", "--operator", "lse", "--temperature", "2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["operator"] == "lse" and doc["temperature"] == 2.0
    assert doc["sup_norm_modulus"]["value"] == 0.9 and doc["sup_norm_modulus"]["verdict"] == "certified"
    assert doc["p_norm"]["p"] == 10 and doc["p_norm"]["verdict"] == "certified"
    assert len(doc["p_norm"]["weights"]) == 4 and doc["p_norm"]["decay_rate"] > 0
    assert doc["p_norm"]["modulus"] < 1 and len(doc["fixed_point"]) == 2


def test_boltzmann_exit_1_with_invariant_set(capsys):
    assert main(["smooth", "seed-sls", "--operator", "boltzmann", "--temperature", "2", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["sup_norm_modulus"]["verdict"] == "refuted"
    assert doc["invariant_set"]["norm"] == "sup" and doc["invariant_set"]["radius"] > 0


def test_bad_input_exit_2(capsys):
    for argv in (["--operator", "nope", "--temperature", "1"], ["--temperature", "0"],
                 ["--temperature", "-3"], ["--temperature", "1", "--p", "7"],
                 ["--temperature", "1", "--p", "0"]):
        assert main(["smooth", "seed-sls", *argv]) == 2
        err = capsys.readouterr().err
        assert "error" in err and "Traceback" not in err


def test_commands_registry_matches_cli(capsys):
    doc = get_command("smooth").run(mdp="seed-sls", operator="mellowmax", temperature=3.0)
    assert doc["verdict"] == "certified" and doc["p_norm"]["p"] == 10


def test_simulate_plugin(capsys):
    code = main(["simulate", "smooth-qlearning", "seed-sls", "--operator", "mellowmax",
                 "--temperature", "5", "--alpha", "0.1", "--runs", "8", "--steps", "500", "--json"])
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["errors"]["mean"][-1] < doc["errors"]["mean"][0]


def test_crossval_plugin(capsys):
    code = main(["crossval", "smooth", "seed-sls", "--operator", "lse", "--temperature", "2",
                 "--runs", "8", "--steps", "500", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["verdict"] == "consistent"
