"""Sweep rows as a tidy table (issue 19, item 4): one column per grid axis (Garnet problems
unpacked), SweepResult.to_dataframe(), Parquet output when pyarrow is installed."""

from __future__ import annotations

import sys

import pytest

from certify.extras import MissingExtra, available
from certify.sweep.cell import run_cell
from certify.sweep.grid import grid_from_dict
from certify.sweep.output import RowWriter, journal, read_rows
from certify.sweep.run import SweepResult
from certify.sweep.table import axis_columns, unpack_axes

GRID = {"command": "qlearning",
        "problems": [{"garnet": {"states": 3, "actions": 2, "branching": 2, "seeds": [0, 4]}},
                     {"builtin": "seed-sls"}],
        "alpha": 0.5, "cqlf": False, "record": ["direct_jsr.upper", "row_sum_rate"]}
UNPACKED = ["mdp.states", "mdp.actions", "mdp.branching", "mdp.seed"]


def test_unpack_garnet_names():
    assert axis_columns(["mdp", "alpha"], [{"mdp": "garnet:10:4:3:0"}]) == UNPACKED
    assert axis_columns(["mdp"], [{"mdp": "seed-sls"}]) == []
    assert axis_columns(["alpha"], [{"alpha": 0.5}]) == []
    assert unpack_axes({"mdp": "garnet:100:4:3:7"}, UNPACKED) == dict(zip(UNPACKED, [100, 4, 3, 7],
                                                                           strict=True))
    assert unpack_axes({"mdp": "seed-sls"}, UNPACKED) == dict.fromkeys(UNPACKED)


@pytest.fixture(scope="module")
def result():
    g = grid_from_dict(GRID)
    rows = tuple(run_cell(c, g.record, g.axes, g.hash, None, tuple(g.axis_columns))[0]
                 for c in g.cells)
    return SweepResult(g, "unused.jsonl", 0, len(rows), 0, rows, 0.0, 0)


def test_rows_have_one_column_per_axis(result):
    g = result.grid
    assert [c for c in g.columns if c.startswith("mdp.")] == UNPACKED
    for row in result.rows:
        assert set(row) == set(g.columns) and row["error"] is None
    garnets = [r for r in result.rows if str(r["mdp"]).startswith("garnet")]
    assert [(r["mdp.states"], r["mdp.actions"], r["mdp.branching"], r["mdp.seed"])
            for r in garnets] == [(3, 2, 2, 0), (3, 2, 2, 4)]
    assert result.rows[-1]["mdp"] == "seed-sls" and result.rows[-1]["mdp.states"] is None


def test_to_dataframe(result, monkeypatch):
    if not available("pandas"):
        with pytest.raises(MissingExtra, match=r"certify\[sweep\]"):
            result.to_dataframe()
        return
    df = result.to_dataframe()
    assert list(df.columns) == result.grid.columns and len(df) == 3
    assert list(df["mdp.seed"].iloc[:2]) == [0, 4]
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingExtra, match=r"certify\[sweep\]"):
        result.to_dataframe()


def test_parquet_output(result, tmp_path):
    out = tmp_path / "rows.parquet"
    cols = result.grid.columns
    if not available("pyarrow"):
        with pytest.raises(MissingExtra, match=r"certify\[sweep\]"):
            RowWriter(out, cols, append=False)
        return
    with RowWriter(out, cols, append=False) as w:
        for r in result.rows:
            w.write(r)
    assert journal(out).exists() and len(read_rows(out)) == 3  # resume reads the journal
    import pyarrow.parquet as pq

    table = pq.read_table(out)
    assert table.column_names == cols and table.num_rows == 3
    assert table.column("mdp.states").to_pylist() == [3, 3, None]
