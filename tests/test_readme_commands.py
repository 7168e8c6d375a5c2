"""The README's commands are extracted mechanically (tools/readme_commands.py) and run from a
wheel by tools/wheel_check.py (``make wheel-check``); here: the README keeps to the rules."""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("readme_commands", ROOT / "tools" / "readme_commands.py")
rc = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("readme_commands", rc)  # dataclasses look their module up
_spec.loader.exec_module(rc)
README = (ROOT / "README.md").read_text()


def test_every_command_is_run_or_marked():
    assert rc.unmarked_commands(README) == []


def test_commands_use_packaged_names_not_source_paths():
    files, cmds = rc.commands(README)
    assert len(cmds) >= 40
    texts = [c.text for c in cmds if not c.script]
    assert all(t.startswith(("certify ", "python ", "pytest ")) for t in texts)
    for folder in ("examples/families", "examples/claims", "examples/sweeps", "benchmarks/"):
        assert not any(folder in t for t in texts), folder
    assert "certify jsr golden" in texts
    assert any(t.startswith("certify check --example ") for t in texts)
    assert any(t.startswith("certify sweep --example ") for t in texts)
    assert set(files) == {"my_mdp.yaml"} and "gamma: 0.9" in files["my_mdp.yaml"]


def test_quick_start_comes_first():
    """pip install, then the Python quick start, then the contributors' make commands."""
    assert README.index("pip install certify") < README.index("from certify import") \
        < README.index("make demo")
    first = next(c for c in rc.commands(README)[1])
    assert first.script and "analyze_qlearning" in first.text


def test_parser_rules():
    text = (
        "```console\n"
        "certify a --x '# not a comment'   # prose\n"
        "certify b  # exit 1: refused\n"
        "\n"
        "```\n"
        "<!-- not run: needs a cluster -->\n"
        "```\n"
        "certify c --scheduler tcp://HOST:8786\n"
        "```\n"
        "```\n"
        "certify d\n"
        "```\n"
        "```yaml f.yaml\n"
        "a: 1\n"
        "```\n"
        "```python\n"
        "print(1)\n"
        "```\n"
    )
    files, cmds = rc.commands(text)
    assert files == {"f.yaml": "a: 1\n"}
    assert [(c.text, c.expect, c.script) for c in cmds] == [
        ("certify a --x '# not a comment'", 0, False), ("certify b", 1, False),
        ("print(1)\n", 0, True)]
    assert rc.unmarked_commands(text) == ["README.md:11: certify d"]
