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
])
def test_misspelled_name_suggests_close_names(argv, hint, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
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
