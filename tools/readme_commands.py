"""The commands of README.md, extracted mechanically so the README and its check cannot drift.

Rules (a test holds the README to them):

* a fenced block tagged ``console`` is run line by line, in order, in one work folder shared by
  the whole README (so ``--save-certificates certs/`` then ``certify verify certs/*.json``
  works); a trailing ``# ...`` comment is prose, except ``# exit N`` (or ``# exit N: why``),
  which names the expected exit code (default 0);
* a fenced ``python`` block is run as a script in that folder;
* a fenced block whose info string names a file (```yaml my_mdp.yaml) is written to that
  file in the work folder before anything runs: the README gives the user that file;
* any block right after a line ``<!-- not run: REASON -->`` is skipped (install lines,
  templates with your own files or a cluster address); every other fenced block that holds a
  ``certify`` / ``python`` / ``pytest`` command line must be one of the run kinds above.

Run ``python tools/readme_commands.py`` to list what would run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

COMMAND_START = ("certify ", "python ", "python3 ", "pytest ", "pip ")
_EXIT = re.compile(r"^exit\s+(\d+)\b")


@dataclass
class Block:
    """One fenced block of the README."""

    line: int  # 1-based line of the opening fence
    info: str  # the fence's info string ("console", "yaml my_mdp.yaml", ...)
    text: str
    skip_reason: str | None = None

    @property
    def language(self) -> str:
        return self.info.split()[0] if self.info.split() else ""

    @property
    def filename(self) -> str | None:
        parts = self.info.split()
        return parts[1] if len(parts) > 1 else None


@dataclass
class Command:
    """One command line of a ``console`` block, or one ``python`` block (``script``)."""

    line: int
    text: str
    expect: int = 0
    script: bool = False
    notes: list[str] = field(default_factory=list)


def blocks(readme: str) -> list[Block]:
    """Every fenced block of ``readme`` with its info string and skip marker.

    Parameters
    ----------
    readme : str
        The Markdown text.
    """
    out: list[Block] = []
    lines = readme.splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^```(.*)$", lines[i])
        if m:
            start, info = i, m.group(1).strip()
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            k = start - 1
            while k >= 0 and not lines[k].strip():
                k -= 1
            skip = re.match(r"^<!--\s*not run:\s*(.*?)\s*-->$", lines[k].strip()) if k >= 0 else None
            out.append(Block(start + 1, info, "\n".join(lines[start + 1:j]) + "\n",
                             skip.group(1) if skip else None))
            i = j + 1
        else:
            i += 1
    return out


def _strip_comment(line: str) -> tuple[str, str]:
    """A shell line split into (command, trailing comment), quotes respected."""
    quote = None
    for pos, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (pos == 0 or line[pos - 1].isspace()):
            return line[:pos].rstrip(), line[pos + 1:].strip()
    return line.rstrip(), ""


def commands(readme: str) -> tuple[dict[str, str], list[Command]]:
    """The files to write and the commands to run, in README order.

    Parameters
    ----------
    readme : str
        The Markdown text.

    Returns
    -------
    files, commands
        ``files`` maps a file name to its content (blocks whose info string names a file).
    """
    files: dict[str, str] = {}
    cmds: list[Command] = []
    for b in blocks(readme):
        if b.skip_reason is not None:
            continue
        if b.filename is not None:
            files[b.filename] = b.text
        elif b.language == "console":
            for n, raw in enumerate(b.text.splitlines(), start=b.line + 1):
                cmd, comment = _strip_comment(raw)
                if not cmd:
                    continue
                m = _EXIT.search(comment)
                cmds.append(Command(n, cmd, int(m.group(1)) if m else 0))
        elif b.language == "python":
            cmds.append(Command(b.line, b.text, 0, script=True))
    return files, cmds


def unmarked_commands(readme: str) -> list[str]:
    """Command lines in blocks that are neither run nor marked ``<!-- not run: ... -->``."""
    bad = []
    for b in blocks(readme):
        if b.skip_reason is not None or b.language in ("console", "python") or b.filename:
            continue
        for n, raw in enumerate(b.text.splitlines(), start=b.line + 1):
            if raw.lstrip().startswith(COMMAND_START):
                bad.append(f"README.md:{n}: {raw.strip()}")
    return bad


def main() -> int:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    files, cmds = commands(readme)
    for name in files:
        print(f"write {name}")
    for c in cmds:
        head = "python <<script>>" if c.script else c.text
        print(f"README.md:{c.line}: {head}" + (f"   [exit {c.expect}]" if c.expect else ""))
    for b in unmarked_commands(readme):
        print(f"UNMARKED {b}")
    return 1 if unmarked_commands(readme) else 0


if __name__ == "__main__":
    raise SystemExit(main())
