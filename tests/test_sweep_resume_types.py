"""Rows read back from a CSV output for ``--resume`` have the values that were written
(issue 19, item 4: a resumed sweep's table and DataFrame must not mix text and numbers)."""

from __future__ import annotations

import pytest

from certify.sweep.cell import run_cell
from certify.sweep.grid import grid_from_dict
from certify.sweep.output import RowWriter, csv_value, finished_cells
from certify.sweep.run import SweepResult

GRID = {"command": "qlearning",
        "problems": [{"garnet": {"states": 3, "actions": 2, "branching": 2, "seeds": [0, 4]}},
                     {"builtin": "seed-sls"}],
        "alpha": [0.5, 1.5],  # 1.5 is out of range: an error row
        "cqlf": False, "record": ["direct_jsr.upper", "row_sum_rate", "direct_jsr.certificate.verdict"]}


@pytest.fixture(scope="module")
def grid_rows():
    g = grid_from_dict(GRID)
    return g, [run_cell(c, g.record, g.axes, g.hash, None, tuple(g.axis_columns))[0] for c in g.cells]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_resumed_rows_equal_the_written_rows(grid_rows, tmp_path, suffix):
    g, rows = grid_rows
    assert any(r["error"] for r in rows) and any(r["mdp.states"] is None for r in rows)
    out = tmp_path / f"rows{suffix}"
    with RowWriter(out, g.columns, append=False) as w:
        for r in rows:
            w.write(r)
    back = finished_cells(out, g)
    assert [back[r["cell"]] for r in rows] == rows  # the same values and types


def test_resumed_dataframe_is_numeric(grid_rows, tmp_path):
    pytest.importorskip("pandas")
    g, rows = grid_rows
    out = tmp_path / "rows.csv"
    with RowWriter(out, g.columns, append=False) as w:
        w.write(rows[0])
    kept = finished_cells(out, g)[rows[0]["cell"]]
    df = SweepResult(g, str(out), 1, len(rows) - 1, 0, (kept, *rows[1:]), 0.0, 1).to_dataframe()
    for col in ("alpha", "direct_jsr.upper", "row_sum_rate", "wall_time"):
        assert df[col].dtype.kind == "f", col
    assert str(df["mdp.states"].dtype) == "Int64" and df["mdp.states"].isna().sum() == 2
    assert df["mdp.seed"].dropna().tolist() == [0, 0, 4, 4]


def test_csv_value():
    assert [csv_value(t) for t in ["", "True", "3", "-2", "0.1", "1e-05", "inf", "seed-sls", "1/3"]] == \
        [None, True, 3, -2, 0.1, 1e-05, float("inf"), "seed-sls", "1/3"]
