"""Grid files: validation, expansion to cells, content hashes and per-cell seeds.

A grid file is YAML::

    command: qlearning                 # a name in certify.commands.COMMANDS
    problems:                          # the problem axis (the command's ``mdp`` parameter)
      - garnet: {states: [10, 50], actions: 4, branching: 3, seeds: "0..49"}
      - file: mdps/*.yaml              # glob relative to the grid file
      - builtin: seed-sls              # a name or a list of names
    alpha: [0.05, 0.1, 0.2]            # any other key is an axis over a command parameter
    record: [direct_jsr.upper, row_sum_rate]

The grid is the product problems x axis_1 x axis_2 ... in the order written.  An axis is a
scalar (one value), a non-empty list, or an integer range ``"A..B"`` (both ends included).

Each cell has a content hash: SHA-256 of the command, its parameters and, for problems read
from files, the file's bytes, so a cell keeps its hash when the grid file is reformatted or
reordered, and changes it when the problem file changes.  The grid hash is the hash of the
command, the recorded fields and the ordered cell hashes; ``--resume`` compares it.  The
per-cell seed is the first 32 bits of the cell hash with the top bit cleared; it is passed
as ``seed`` to commands that take one (unless the grid sets ``seed`` itself) and is written in
every row.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from certify.errors import InvalidInput, UnknownName
from certify.sweep.problems import PROBLEM_PARAMETER, expand_problems

RESERVED = ("command", "problems", "record")
_RANGE = re.compile(r"^\s*[+-]?[\w.]*\.\.[+-]?[\w.]*\s*$")
_INT_RANGE = re.compile(r"^\s*([+-]?\d+)\s*\.\.\s*([+-]?\d+)\s*$")


def digest(obj: Any) -> str:
    """First 16 hex digits of SHA-256 of the canonical JSON of ``obj``."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Cell:
    """One point of the grid: a command with plain parameters.

    ``files`` maps a parameter to ``(file name, bytes)`` for problems read from files: the
    bytes travel with the cell, so workers on other hosts need no shared file system.
    """

    index: int
    command: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    hash: str = ""
    seed: int = 0


@dataclass(frozen=True)
class Grid:
    """A validated grid: the cells in order, the recorded fields, the grid hash."""

    command: str
    cells: tuple[Cell, ...]
    record: tuple[str, ...]
    axes: tuple[str, ...]
    hash: str
    source: str = ""

    @property
    def columns(self) -> list[str]:
        """The row columns, in order (see :func:`certify.sweep.cell.run_cell`)."""
        return (["cell", "grid", "index", "command", *self.axes, *self.axis_columns, "cell_seed",
                 "verdict", *self.record, "error", "wall_time"])

    @property
    def axis_columns(self) -> list[str]:
        """Packed axes unpacked, one column each (``mdp.states`` ... for Garnet problems)."""
        from certify.sweep.table import axis_columns

        return axis_columns(self.axes, (c.params for c in self.cells))


def parse_range(text: str, where: str) -> list[int]:
    """``"A..B"`` -> [A, A+1, ..., B]; a malformed range raises InvalidInput."""
    m = _INT_RANGE.match(text)
    if not m:
        raise InvalidInput(f"{where}: malformed range {text!r}; expected INT..INT with integer "
                           "ends, e.g. \"0..49\"")
    from certify.limits import check

    a, b = int(m.group(1)), int(m.group(2))
    check("grid_cells", b - a + 1, f"{where}: range {text.strip()!r}")
    if a > b:
        raise InvalidInput(f"{where}: range {text!r} is empty (start {a} > end {b}); expected "
                           "START..END with START <= END")
    return list(range(a, b + 1))


def axis_values(value: Any, where: str) -> list[Any]:
    """The values of one axis: a scalar, a non-empty list, or an integer range string."""
    if isinstance(value, str) and _RANGE.match(value) and ".." in value:
        return parse_range(value, where)
    if isinstance(value, list):
        if not value:
            raise InvalidInput(f"{where}: empty axis []; expected at least one value")
        out = []
        for v in value:
            if isinstance(v, dict | list):
                raise InvalidInput(f"{where}: axis values must be scalars, found {v!r}")
            out.extend(parse_range(v, where) if isinstance(v, str) and ".." in v
                       and _RANGE.match(v) else [v])
        return out
    if isinstance(value, dict):
        raise InvalidInput(f"{where}: expected a value, a list or a range \"A..B\", found a "
                           f"mapping {value!r}")
    if value is None:
        raise InvalidInput(f"{where}: empty axis (no value); expected a value, a list or a "
                           "range \"A..B\"")
    return [value]


def load_grid(path: str | Path) -> Grid:
    """Read and validate a grid file (see the module docstring).

    Parameters
    ----------
    path : str or Path
        The grid file.
    """
    from certify.safeio import load_yaml, read_text

    path = Path(path)
    data = load_yaml(read_text(path, "grid file"), str(path))
    return grid_from_dict(data, base=path.parent, source=str(path))


def grid_from_dict(data: Any, base: Path = Path("."), source: str = "grid") -> Grid:
    """Validate a grid mapping and expand it to cells; file globs are relative to ``base``."""
    from certify.commands import COMMANDS, get_command
    from certify.sweep.fields import check_record

    if not isinstance(data, dict):
        raise InvalidInput(f"{source}: expected a mapping with keys {list(RESERVED)} and axes; "
                           f"found {type(data).__name__}")
    if "command" not in data:
        raise InvalidInput(f"{source}: missing key 'command'; valid commands are {sorted(COMMANDS)}")
    name = data["command"]
    if name == "sweep":
        raise InvalidInput(f"{source}: command 'sweep' cannot run inside a sweep")
    command = get_command(str(name))
    valid = command.parameters()
    axes = [k for k in data if k not in RESERVED]
    unknown = [k for k in axes if k not in valid or k == PROBLEM_PARAMETER]
    if unknown:
        raise UnknownName(f"{source}: unknown keys {unknown}; valid keys are {list(RESERVED)} and "
                          f"the parameters of {name!r} as axes: "
                          f"{[p for p in valid if p != PROBLEM_PARAMETER]}")
    record = data.get("record", [])
    if isinstance(record, str):
        record = [record]
    if not isinstance(record, list) or not all(isinstance(r, str) for r in record):
        raise InvalidInput(f"{source}: record must be a list of dotted field names, found {record!r}")
    check_record(command.name, record)
    values: list[list[Any]] = []
    names: list[str] = []
    if PROBLEM_PARAMETER in valid:
        if "problems" not in data:
            raise InvalidInput(f"{source}: missing key 'problems' (command {name!r} takes a problem "
                               f"as parameter {PROBLEM_PARAMETER!r})")
        names.append(PROBLEM_PARAMETER)
        values.append(expand_problems(data["problems"], base, f"{source}: problems"))
    elif "problems" in data:
        raise InvalidInput(f"{source}: command {name!r} takes no problem; its parameters are {valid}")
    for k in axes:
        names.append(k)
        values.append(axis_values(data[k], f"{source}: {k}"))
    from certify.limits import check_product

    check_product("grid_cells", tuple(len(v) for v in values), source)
    cells = _expand(command.name, names, values, "seed" in valid and "seed" not in axes)
    return Grid(command.name, cells, tuple(record), tuple(names),
                digest({"command": command.name, "record": record,
                        "cells": [c.hash for c in cells]}), source)


def _expand(command: str, names: list[str], values: list[list[Any]], pass_seed: bool
            ) -> tuple[Cell, ...]:
    cells: list[Cell] = []
    seen: dict[str, int] = {}
    for i, combo in enumerate(itertools.product(*values)):
        params: dict[str, Any] = {}
        files: dict[str, tuple[str, bytes]] = {}
        ident: dict[str, Any] = {}
        for n, v in zip(names, combo, strict=True):
            if isinstance(v, tuple):  # a problem file: (shown name, file name, bytes)
                params[n] = v[0]
                files[n] = (v[1], v[2])
                ident[n] = {"file": v[1], "sha256": hashlib.sha256(v[2]).hexdigest()}
            else:
                params[n] = v
                ident[n] = v
        h = digest({"command": command, "params": ident})
        if h in seen:
            raise InvalidInput(f"cell {i} {params} repeats cell {seen[h]}; remove the duplicate "
                               "entry from the grid")
        seen[h] = i
        seed = int(h[:8], 16) & 0x7FFFFFFF
        if pass_seed:
            params["seed"] = seed
        cells.append(Cell(i, command, params, files, h, seed))
    return tuple(cells)
