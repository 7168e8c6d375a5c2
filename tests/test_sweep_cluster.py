"""certify sweep on a real dask.distributed LocalCluster with 2 worker processes.

One cluster serves the whole module; the CLI reaches it through ``--scheduler``.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from certify.cli import main
from certify.sweep import grid_from_dict, load_grid, run_sweep
from certify.sweep.cell import run_cell
from certify.sweep.output import read_rows

distributed = pytest.importorskip("distributed")

GRID = {"command": "qlearning",
        "problems": [{"garnet": {"states": [3, 4], "actions": 2, "branching": 2, "seeds": "0..1"}}],
        "alpha": [0.5, 1.0, 1.5],  # 1.5 is out of range: those cells fail, the rest complete
        "cqlf": False,
        "record": ["direct_jsr.upper", "row_sum_rate", "direct_jsr.certificate.verdict"]}
N_CELLS = 12
N_FAILED = 4


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=logging.ERROR)
    c = distributed.Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


@pytest.fixture(scope="module")
def reference():
    """Every cell run serially in this process, without Dask."""
    g = grid_from_dict(GRID)
    return g, [run_cell(c, g.record, g.axes, g.hash, None, tuple(g.axis_columns))[0] for c in g.cells]


def strip(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "wall_time"}


def test_local_cluster_rows_and_failing_cells(client, reference, tmp_path):
    g, ref = reference
    assert len(client.scheduler_info()["workers"]) == 2
    res = run_sweep(g, tmp_path / "out.jsonl", client=client)
    assert (res.ran, res.skipped, res.failed, res.workers) == (N_CELLS, 0, N_FAILED, 2)
    rows = read_rows(tmp_path / "out.jsonl")
    assert sorted(r["index"] for r in rows) == list(range(N_CELLS))
    by_cell = {r["cell"]: r for r in rows}
    assert [strip(by_cell[c.hash]) for c in g.cells] == [strip(r) for r in ref]
    failed = [r for r in rows if r["error"]]
    assert len(failed) == N_FAILED and all(r["alpha"] == 1.5 for r in failed)
    assert all("alpha = 1.5" in r["error"] for r in failed)
    assert all(r["verdict"] == "certified" for r in rows if not r["error"])
    assert res.verdicts == {"certified": N_CELLS - N_FAILED, "failed": N_FAILED}


def test_cli_through_scheduler_address(client, reference, tmp_path, capsys):
    g, ref = reference
    grid = tmp_path / "grid.yaml"
    grid.write_text(yaml.safe_dump(GRID))
    out = tmp_path / "out.csv"
    code = main(["sweep", str(grid), "-o", str(out), "--scheduler", client.scheduler.address,
                 "--json", "--plot", str(tmp_path / "fig.png")])
    assert code == 1  # a cell failed
    doc = json.loads(capsys.readouterr().out)
    assert (doc["cells"], doc["ran"], doc["failed"], doc["grid"]) == (N_CELLS, N_CELLS, N_FAILED, g.hash)
    rows = {r["cell"]: r for r in read_rows(out)}
    for c, r in zip(g.cells, ref, strict=True):
        assert rows[c.hash]["direct_jsr.upper"] == ("" if r["error"] else repr(r["direct_jsr.upper"]))
    assert (tmp_path / "fig.png").stat().st_size > 1000


def test_interrupted_sweep_resumes_without_recomputing(client, tmp_path):
    grid = dict(GRID, alpha=[0.5, 1.0])
    g = grid_from_dict(grid)
    full = tmp_path / "full.csv"
    run_sweep(g, full, client=client)
    lines = full.read_text().splitlines(keepends=True)
    kept = lines[:4]  # header + 3 finished rows, then a crash in the middle of the 4th
    part = tmp_path / "part.csv"
    part.write_text("".join(kept) + lines[4][:20])
    res = run_sweep(g, part, client=client, resume=True)
    assert (res.skipped, res.ran, res.failed) == (3, len(g.cells) - 3, 0)
    text = part.read_text()
    assert text.startswith("".join(kept))  # finished rows untouched (same wall times)
    rows = read_rows(part)
    assert sorted(r["cell"] for r in rows) == sorted(c.hash for c in g.cells)
    ref = {r["cell"]: r for r in read_rows(full)}
    assert all({**r, "wall_time": 0} == {**ref[r["cell"]], "wall_time": 0} for r in rows)
    again = run_sweep(g, part, client=client, resume=True)  # nothing left to do: no cluster use
    assert (again.skipped, again.ran, again.workers) == (len(g.cells), 0, 0)
    assert part.read_text() == text


def test_a_cell_equals_certify_qlearning_alone(client, tmp_path):
    g = load_grid(_write(tmp_path, dict(GRID, alpha=0.5, problems=[{"builtin": "seed-sls"}],
                                        record=["direct_jsr.upper", "direct_jsr.lower", "row_sum_rate",
                                                "direct_jsr.policy", "q_star"])))
    res = run_sweep(g, tmp_path / "one.jsonl", client=client)
    row = read_rows(tmp_path / "one.jsonl")[0]
    assert res.ran == 1 and row["error"] is None
    proc = subprocess.run([sys.executable, "-m", "certify", "qlearning", "seed-sls", "--alpha", "0.5",
                           "--cqlf", "no", "--json"], capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    alone = json.loads(proc.stdout)
    assert row["direct_jsr.upper"] == alone["direct_jsr"]["upper"]
    assert row["direct_jsr.lower"] == alone["direct_jsr"]["lower"]
    assert row["row_sum_rate"] == alone["row_sum_rate"]
    assert json.loads(row["direct_jsr.policy"]) == alone["direct_jsr"]["policy"]
    assert json.loads(row["q_star"]) == alone["q_star"]
    assert row["verdict"] == alone["verdict"]


def _write(folder: Path, data: dict) -> Path:
    path = folder / "grid.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_ctrl_c_keeps_finished_rows_and_resume_completes(client, tmp_path):
    g = grid_from_dict(dict(GRID, alpha=[0.5, 1.0]))
    out = tmp_path / "rows.jsonl"
    seen: list[str] = []

    def interrupt_after_two(row: dict) -> None:
        seen.append(row["cell"])
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(g, out, client=client, on_row=interrupt_after_two)
    assert [r["cell"] for r in read_rows(out)] == seen  # both rows were on disk before the stop
    res = run_sweep(g, out, client=client, resume=True)
    assert (res.skipped, res.ran) == (2, len(g.cells) - 2)
    rows = read_rows(out)
    assert sorted(r["cell"] for r in rows) == sorted(c.hash for c in g.cells)
    assert [r["cell"] for r in rows[:2]] == seen


def test_undeclared_command_fields_checked_on_the_first_cell(client, tmp_path, monkeypatch):
    import certify.sweep.fields as fields
    import certify.sweep.run as run
    from certify.errors import UnknownName

    monkeypatch.setattr(fields, "DECLARED_FIELDS", {})
    monkeypatch.setattr(run, "DECLARED_FIELDS", {})
    g = grid_from_dict(dict(GRID, alpha=0.5, record=["row_sum_rate", "direct_jsr.uper"]))
    with pytest.raises(UnknownName) as err:
        run_sweep(g, tmp_path / "rows.csv", client=client)
    msg = str(err.value)
    assert "unknown fields ['direct_jsr.uper']" in msg and "'direct_jsr.upper'" in msg


def test_default_local_cluster_from_the_cli(tmp_path, capsys):
    grid = _write(tmp_path, dict(GRID, alpha=0.5, problems=[{"builtin": "seed-sls"},
                                                             {"garnet": {"states": 3, "actions": 2,
                                                                         "branching": 2, "seeds": 0}}]))
    out = tmp_path / "rows.csv"
    assert main(["sweep", str(grid), "-o", str(out), "--workers", "2"]) == 0
    text = capsys.readouterr().out
    assert "certified" in text and "2 workers" in text
    rows = read_rows(out)
    assert [r["mdp"] for r in sorted(rows, key=lambda r: int(r["index"]))] == ["seed-sls", "garnet:3:2:2:0"]
    assert all(r["verdict"] == "certified" and r["error"] == "" for r in rows)
