"""The one command registry (certify.commands) and the parsers the CLI builds from it."""

import argparse

import pytest

from certify.cli import build_parser
from certify.cli.crossval import plugins
from certify.commands import ALIASES, COMMANDS, GROUPS, REGISTRY, get_command
from certify.errors import UnknownName

API_ONLY = {"gallery"}
"""Registry entries with no command line of their own (the gallery is a test fixture)."""


def _subparsers(p: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for a in p._actions:
        if isinstance(a, argparse._SubParsersAction):
            return dict(a.choices)
    return {}


def _cli_commands() -> dict[str, argparse.ArgumentParser]:
    """Every leaf command of the built parser, by its spelling ("sa check"), plus the
    routed ``crossval KEY`` plug-ins."""
    out = {}

    def walk(p, path):
        subs = _subparsers(p)
        if not subs:
            out[" ".join(path)] = p
        for name, sp in subs.items():
            walk(sp, [*path, name])

    walk(build_parser(), [])
    for key, mod in plugins().items():
        out[f"crossval {key}"] = mod.build_parser()
    return out


def test_every_registry_entry_has_a_parser():
    cli = _cli_commands()
    for cmd in REGISTRY:
        if cmd.name in API_ONLY:
            assert cmd.cli is None and cmd.target is not None
            continue
        assert cmd.name in cli, cmd.name


def test_every_cli_command_is_in_the_registry():
    names = {c.name for c in REGISTRY}
    missing = sorted(set(_cli_commands()) - names)
    assert missing == []
    assert len(_cli_commands()) == len(REGISTRY) - len(API_ONLY) == 36


@pytest.mark.parametrize("plugin", ["qlearning", "smooth", "td", "pg"])
def test_every_simulated_algorithm_is_registered(plugin):
    """Each simulator plug-in's ALGOS are registry entries ``simulate ALGO`` (a simulator
    added to a plug-in but not to the registry would have no command)."""
    import importlib

    algos = importlib.import_module(f"certify.cli.simulate_{plugin}").ALGOS
    assert {f"simulate {a}" for a in algos} <= {c.name for c in REGISTRY}


def test_names_are_unique_and_groups_known():
    names = [c.name for c in REGISTRY]
    assert len(names) == len(set(names))
    assert not set(ALIASES) & set(names)
    assert {c.group for c in REGISTRY if c.group} == set(GROUPS)


def test_parsers_dispatch_to_the_registered_spelling():
    p = build_parser()
    args = p.parse_args(["sa", "check", "gtd2", "boyan-chain", "--exponents", "0.6,0.8"])
    assert args.handler.__module__ == "certify.cli.sa"
    args = p.parse_args(["simulate", "tdc-m3", "boyan-chain"])
    assert args.algo == "tdc-m3" and args.handler.__module__ == "certify.cli.simulate_td"


@pytest.mark.parametrize(("alias", "name"), [("sa_check", "sa check"), ("pg_tabular", "pg tabular"),
                                             ("ntk_model", "ntk model"),
                                             ("smooth_crossval", "crossval smooth"),
                                             ("jsr_gallery", "gallery")])
def test_old_names_are_aliases(alias, name):
    assert get_command(alias) is get_command(name) is COMMANDS[name]
    assert get_command(alias).target == COMMANDS[name].target


def test_cli_only_and_unknown_names_are_refused():
    with pytest.raises(UnknownName, match="valid commands are"):
        get_command("verify")
    with pytest.raises(UnknownName, match="unknown command 'sa-check'"):
        get_command("sa-check")


def test_registry_imports_neither_cli_nor_numpy():
    import subprocess
    import sys

    code = ("import sys, certify.commands as c; c.get_command('sa_check'); "
            "print(sorted(m for m in sys.modules if m.startswith(('certify.cli', 'numpy'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_simulate_plugins_match_the_registry():
    """Each simulate plug-in's ALGOS are exactly its registry entries (in order)."""
    import importlib

    from certify.commands import group_commands

    by_module: dict[str, list[str]] = {}
    for cmd in group_commands("simulate"):
        by_module.setdefault(cmd.cli.partition(":")[0], []).append(cmd.leaf)
    for mod, algos in by_module.items():
        assert tuple(algos) == importlib.import_module(mod).ALGOS, mod


def test_claims_accept_the_canonical_name_and_the_alias(tmp_path):
    """A claims file may name a command as on the command line or by its old name."""
    from certify.claims import load_claims, run_claims

    body = ("claims:\n"
            "  - name: canonical\n"
            "    sa check: {algorithm: gtd2, problem: boyan-chain, exponents: '0.6,0.8'}\n"
            "  - name: alias\n"
            "    sa_check: {algorithm: gtd2, problem: boyan-chain, exponents: '0.6,0.8'}\n")
    path = tmp_path / "c.yaml"
    path.write_text(body)
    claims = load_claims(path).claims
    assert [c.command for c in claims] == ["sa check", "sa_check"]
    assert get_command(claims[0].command) is get_command(claims[1].command)
    run = run_claims(path)
    docs = list(run.documents.values())
    assert len(docs) == 1 and docs[0]["verdict"] == "certified"  # one computation, run once
    assert [o.status for o in run.outcomes] == ["pass", "pass"]


def test_commands_has_its_own_help():
    """`help(certify.COMMANDS)` showed the docstring of Python's dict; it explains the table
    and lists every command with its summary, and stays a dict for existing callers."""
    import pydoc

    import certify

    text = pydoc.render_doc(certify.COMMANDS, renderer=pydoc.plaintext)
    assert "claims files and sweeps can name" in text and "get_command" in text
    assert "dict() -> new empty dictionary" not in text.split("Method resolution order")[0]
    for name, cmd in COMMANDS.items():
        assert f"``{name}``: {cmd.summary}" in text
    assert isinstance(COMMANDS, dict) and COMMANDS["qlearning"] is get_command("qlearning")
