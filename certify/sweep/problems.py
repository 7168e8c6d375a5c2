"""The problem axis of a grid: Garnet families, files (globs) and built-in names.

Each entry of ``problems:`` is a mapping with exactly one of the keys

``garnet: {states, actions, branching, seeds}``
    every combination, as built-in names ``garnet:S:A:branching:seed``
    (:func:`certify.mdp.builtins.garnet`); each value is an integer, a list or a range
    ``"A..B"``.  Out-of-range combinations (branching > states) fail in their cell, not here.
``file: GLOB`` (or a list of globs)
    files matched relative to the grid file's folder, sorted; a glob matching nothing is an
    error.  A file value is ``(shown name, file name, bytes)``: the bytes travel with the cell.
``builtin: NAME`` (or a list)
    built-in problems (``certify examples``), checked here.
"""

from __future__ import annotations

import glob
import itertools
from pathlib import Path
from typing import Any

from certify.errors import InvalidInput, UnknownName

PROBLEM_PARAMETER = "mdp"
"""The command parameter the ``problems`` axis fills."""
GARNET_KEYS = ("states", "actions", "branching", "seeds")
KINDS = ("garnet", "file", "builtin")


def expand_problems(entries: Any, base: Path, where: str) -> list[Any]:
    """All problem values of the ``problems`` list, in the order written."""
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list) or not entries:
        raise InvalidInput(f"{where}: expected a non-empty list of entries, each one of "
                           f"{{garnet: ...}}, {{file: GLOB}}, {{builtin: NAME}}; found {entries!r}")
    out: list[Any] = []
    for i, entry in enumerate(entries):
        w = f"{where}[{i}]"
        if not isinstance(entry, dict) or len(entry) != 1 or next(iter(entry)) not in KINDS:
            raise InvalidInput(f"{w}: expected a mapping with exactly one key out of {list(KINDS)}, "
                               f"found {entry!r}")
        kind, value = next(iter(entry.items()))
        out.extend({"garnet": _garnet, "file": _files, "builtin": _builtins}[kind](value, base, w))
    return out


def _ints(value: Any, where: str) -> list[int]:
    from certify.sweep.grid import axis_values

    vals = axis_values(value, where)
    bad = [v for v in vals if isinstance(v, bool) or not isinstance(v, int)]
    if bad:
        raise InvalidInput(f"{where}: expected integers, found {bad[0]!r}")
    return vals


def _garnet(spec: Any, base: Path, where: str) -> list[str]:
    if not isinstance(spec, dict):
        raise InvalidInput(f"{where}.garnet: expected a mapping with keys {list(GARNET_KEYS)}, "
                           f"found {spec!r}")
    unknown = sorted(set(spec) - set(GARNET_KEYS))
    missing = [k for k in GARNET_KEYS if k not in spec]
    if unknown or missing:
        raise InvalidInput(f"{where}.garnet: unknown keys {unknown}, missing keys {missing}; "
                           f"expected exactly {list(GARNET_KEYS)}")
    lists = [_ints(spec[k], f"{where}.garnet.{k}") for k in GARNET_KEYS]
    from certify.limits import check_product

    check_product("grid_cells", tuple(len(v) for v in lists), f"{where}.garnet")
    return [f"garnet:{s}:{a}:{b}:{seed}" for s, a, b, seed in itertools.product(*lists)]


def _files(spec: Any, base: Path, where: str) -> list[tuple[str, str, bytes]]:
    pats = spec if isinstance(spec, list) else [spec]
    if not pats or not all(isinstance(p, str) and p for p in pats):
        raise InvalidInput(f"{where}.file: expected a glob or a list of globs, found {spec!r}")
    out = []
    for pat in pats:
        full = pat if Path(pat).is_absolute() else str(base / pat)
        matches = sorted(Path(m) for m in glob.glob(full) if Path(m).is_file())
        if not matches:
            raise InvalidInput(f"{where}.file: {pat!r} matches no file (relative to {base})")
        for m in matches:
            shown = pat if not glob.has_magic(pat) else str(Path(pat).parent / m.name)
            from certify.safeio import read_bytes

            out.append((shown, m.name, read_bytes(m, "problem file")))
    return out


def _builtins(spec: Any, base: Path, where: str) -> list[str]:
    from certify.mdp.builtins import builtin_names, is_builtin

    names = spec if isinstance(spec, list) else [spec]
    if not names:
        raise InvalidInput(f"{where}.builtin: empty axis []; expected at least one name")
    for n in names:
        if not isinstance(n, str) or not is_builtin(n):
            raise UnknownName(f"{where}.builtin: unknown built-in problem {n!r}; valid names are "
                              f"{', '.join(builtin_names())}")
    return list(names)
