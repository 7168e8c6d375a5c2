"""Sweep output files: rows streamed as they finish, and read back for ``--resume``.

Formats, chosen by the extension: ``.csv`` (a header line, then one line a row),
``.jsonl`` (JSON Lines, one object a row) and ``.parquet`` (needs pyarrow, the sweep extra:
rows stream to the journal ``NAME.parquet.jsonl``, which ``--resume`` reads, and the Parquet
file is written from it when the sweep ends).  Every row carries the grid hash in its ``grid``
column, so ``--resume`` can refuse a file written by a different grid.  Each row is written
and flushed as soon as its cell finishes: a crash or Ctrl-C loses no finished row, and a
line cut short by a crash is dropped on resume (that cell runs again).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from certify.errors import InvalidInput
from certify.sweep.grid import Grid

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".parquet": "parquet"}


def journal(path: Path) -> Path:
    """Where the rows of a Parquet output stream to (JSON Lines) before the file is written."""
    return path.with_name(path.name + ".jsonl")


def output_format(path: Path) -> str:
    """The format named by the extension of ``path`` (``.parquet`` also needs pyarrow).

    Raises
    ------
    InvalidInput
        The extension is not one of :data:`FORMATS` (the message names it and them).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        what = f"unknown output extension {path.suffix!r}" if suffix else "no output extension"
        raise InvalidInput(f"{path}: {what}; expected one of {', '.join(FORMATS)}")
    if suffix == ".parquet":
        from certify.extras import require

        require("pyarrow", "sweep")
    return FORMATS[suffix]


RETRYABLE = "retryable: "
"""Prefix of the error of a cell failed by the infrastructure (a lost worker or scheduler,
cancellation): ``--resume`` runs such a cell again."""


def is_retryable(row: dict[str, Any]) -> bool:
    """True for a row whose cell failed by the infrastructure, not by its own computation."""
    err = row.get("error")
    return isinstance(err, str) and err.startswith(RETRYABLE)


def _complete_text(path: Path) -> str:
    """The file's text up to its last complete row; a cut-off last row is removed from disk.

    A row is complete when it ends with a newline and, in CSV, when it parses to as many
    fields as the header (a row cut just after a newline inside a quoted error text ends
    with a newline but leaves a quote open).  So a cut at any byte is detected."""
    from certify.safeio import decode_text

    raw = path.read_bytes()
    text = decode_text(raw, str(path))
    keep = _complete_prefix(text, path)
    if keep != len(text):
        text = text[:keep]
        path.write_text(text)
    return text


def _complete_prefix(text: str, path: Path) -> int:
    """The length of the longest prefix of ``text`` made of complete rows."""
    end = text.rfind("\n") + 1
    if output_format(path) != "csv" or end == 0:
        return end
    lines = text[:end].splitlines(keepends=True)
    consumed = 0
    pos = [0]

    def feed():
        for line in lines:
            pos[0] += len(line)
            yield line

    reader = csv.reader(feed())
    try:
        header = next(reader)
    except StopIteration:
        return 0
    consumed = pos[0]
    for row in reader:
        if len(row) != len(header):
            break
        consumed = pos[0]
    return consumed


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of an existing output file (CSV values are strings, empty for missing)."""
    fmt = output_format(path)
    if fmt == "parquet":
        path, fmt = journal(path), "jsonl"
        if not path.exists():
            return []
    text = _complete_text(path)
    if not text.strip():
        return []
    first = text.lstrip()[:1]
    if fmt == "csv":
        if first in "{[":
            raise InvalidInput(f"{path}: the file holds JSON, not CSV as its extension says; "
                               "name it .jsonl or choose another output")
        return list(csv.DictReader(io.StringIO(text)))
    rows = []
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"{path}: line {i} is not JSON ({exc.msg}); a .jsonl file holds one "
                               "JSON object a line (is it CSV? name it .csv)") from exc
        if not isinstance(row, dict):
            raise InvalidInput(f"{path}: line {i} is not a JSON object")
        rows.append(row)
    return rows


def finished_cells(path: Path, grid: Grid) -> dict[str, dict[str, Any]]:
    """Rows already in ``path`` by cell hash; refuse a file written by another grid."""
    rows = read_rows(path)
    for i, row in enumerate(rows, 1):
        if set(row) != set(grid.columns):
            raise InvalidInput(f"{path}: cannot resume: row {i} has columns {sorted(row)}, this grid "
                               f"writes {sorted(grid.columns)}; the file was written by a different "
                               "grid (write to a new file)")
        if str(row["grid"]) != grid.hash:
            raise InvalidInput(f"{path}: cannot resume: the file was written by grid {row['grid']}, "
                               f"this grid is {grid.hash} (the command, the recorded fields or the "
                               "cells differ); write to a new file")
    if output_format(path) == "csv":
        rows = typed_rows(rows, grid)
    done: dict[str, dict[str, Any]] = {}
    for r in rows:  # a later row of a cell replaces an earlier one; retryable rows run again
        if is_retryable(r):
            done.pop(str(r["cell"]), None)
        else:
            done[str(r["cell"])] = r
    return done


_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?inf|nan")
TEXT_COLUMNS = ("cell", "grid", "command", "verdict", "error")
"""Columns that are text whatever they look like (a cell hash may be all digits)."""


def csv_value(text: str) -> Any:
    """A CSV field back as the value that was written: "" is None, "True"/"False" bools,
    Python's int and float reprs numbers (exact: ``repr`` round-trips), anything else text."""
    if text == "":
        return None
    if text in ("True", "False"):
        return text == "True"
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


def typed_rows(rows: list[dict[str, Any]], grid: Grid) -> list[dict[str, Any]]:
    """CSV rows (all text) typed again, so that resumed rows match new ones (a DataFrame of
    a resumed sweep has numeric columns): the index, axes, unpacked axes and seed come from
    the grid's cell itself, :data:`TEXT_COLUMNS` stay text (empty is None), the recorded
    fields and the wall time go through :func:`csv_value`."""
    from certify.sweep.table import unpack_axes

    cells = {c.hash: c for c in grid.cells}
    out = []
    for row in rows:
        new = {k: (None if v in ("", None) else v) if k in TEXT_COLUMNS
               else csv_value(v) if isinstance(v, str) else v for k, v in row.items()}
        cell = cells.get(str(row.get("cell")))
        if cell is not None:
            new.update({"index": cell.index, "cell_seed": cell.seed})
            new.update({a: cell.params[a] for a in grid.axes})
            new.update(unpack_axes(cell.params, grid.axis_columns))
        out.append(new)
    return out


def _csv_header(path: Path, columns: list[str]) -> list[str]:
    """The header of an existing CSV output: rows appended to it follow its column order (a
    grid whose one-value axes were reordered has the same hash but another column order)."""
    with path.open(newline="") as fh:
        header = next(csv.reader(fh), [])
    if set(header) != set(columns):
        raise InvalidInput(f"{path}: cannot append: its header has columns {sorted(header)}, this "
                           f"grid writes {sorted(columns)}; write to a new file")
    return header


class RowWriter:
    """Append rows to a CSV or JSON Lines file, flushing after each one."""

    def __init__(self, path: Path, columns: list[str], append: bool):
        self.parquet: Path | None = None
        if output_format(path) == "parquet":
            self.parquet, path = path, journal(path)
        self.path = path
        self.columns = columns
        self.format = output_format(path)
        fresh = not (append and path.exists() and path.stat().st_size > 0)
        order = columns if fresh or self.format != "csv" else _csv_header(path, columns)
        self._fh = path.open("w" if fresh else "a", newline="")
        self._csv = None
        if self.format == "csv":
            self._csv = csv.DictWriter(self._fh, fieldnames=order, lineterminator="\n")
            if fresh:
                self._csv.writeheader()
                self._fh.flush()

    def write(self, row: dict[str, Any]) -> None:
        if self._csv is not None:
            self._csv.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in self.columns})
        else:
            self._fh.write(json.dumps({k: row.get(k) for k in self.columns}, default=str) + "\n")
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()
        if self.parquet is not None:
            from certify.sweep.table import write_parquet

            write_parquet(read_rows(self.path), self.columns, self.parquet)

    def __enter__(self) -> RowWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
