"""Sweep rows as a tidy table: one column per grid axis, a DataFrame, a Parquet file.

A Garnet problem is one value of the ``mdp`` axis, written ``garnet:S:A:branching:seed``;
tables want one column per quantity, so rows also carry ``mdp.states``, ``mdp.actions``,
``mdp.branching`` and ``mdp.seed`` (empty for the non-Garnet problems of the same grid).
pandas and pyarrow come with the ``sweep`` extra (:mod:`certify.extras`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from certify.extras import require
from certify.sweep.problems import PROBLEM_PARAMETER

GARNET_FIELDS = ("states", "actions", "branching", "seed")


def _garnet_parts(value: Any) -> list[int] | None:
    if isinstance(value, str) and value.startswith("garnet:"):
        parts = value.split(":")[1:]
        if len(parts) == len(GARNET_FIELDS) and all(p.lstrip("-").isdigit() for p in parts):
            return [int(p) for p in parts]
    return None


def axis_columns(axes: Sequence[str], values: Iterable[dict[str, Any]]) -> list[str]:
    """The unpacked columns of the packed axes: ``mdp.states`` ... when any cell's problem is
    a Garnet (``values`` are the cells' parameters)."""
    if PROBLEM_PARAMETER not in axes:
        return []
    if any(_garnet_parts(v.get(PROBLEM_PARAMETER)) is not None for v in values):
        return [f"{PROBLEM_PARAMETER}.{f}" for f in GARNET_FIELDS]
    return []


def unpack_axes(params: dict[str, Any], columns: Sequence[str]) -> dict[str, Any]:
    """The values of the unpacked ``columns`` for one cell (None where they do not apply)."""
    if not columns:
        return {}
    parts = _garnet_parts(params.get(PROBLEM_PARAMETER))
    return {c: (None if parts is None else parts[i]) for i, c in enumerate(columns)}


def to_dataframe(rows: Sequence[dict[str, Any]], columns: Sequence[str]):
    """A pandas DataFrame of ``rows`` with ``columns`` in order (needs the sweep extra).  The
    unpacked Garnet columns are integers with missing values (pandas' ``Int64``), as in the
    Parquet file, not floats with NaN for the non-Garnet problems."""
    pd = require("pandas", "sweep")
    df = pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=list(columns))
    for c in (f"{PROBLEM_PARAMETER}.{f}" for f in GARNET_FIELDS):
        if c in df.columns:
            df[c] = df[c].astype("Int64")
    return df


def write_parquet(rows: Sequence[dict[str, Any]], columns: Sequence[str], path: Path) -> None:
    """Write ``rows`` as a Parquet file (needs pyarrow, in the sweep extra).  A column whose
    values mix types (a number in one cell, a string in another) is stored as strings."""
    pa = require("pyarrow", "sweep")
    pq = require("pyarrow.parquet", "sweep")
    data: dict[str, list[Any]] = {c: [r.get(c) for r in rows] for c in columns}
    arrays = {}
    for c, vals in data.items():
        try:
            arrays[c] = pa.array(vals)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arrays[c] = pa.array([None if v is None else str(v) for v in vals])
    pq.write_table(pa.table(arrays), str(path))
