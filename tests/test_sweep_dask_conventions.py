"""`certify sweep` on an existing Dask cluster found by Dask's own conventions (issue 19,
item 4): a scheduler file written by the scheduler itself (``--scheduler-file``) and the
``DASK_SCHEDULER_ADDRESS`` environment variable.  The cells must run on that cluster: its
scheduler counts one ``run_cell`` task per cell, and a local fallback is made impossible
(``distributed.LocalCluster`` raises once the test's own cluster is up).  The rows come out
one column per grid axis, as Parquet and as a DataFrame."""

from __future__ import annotations

import json

import pytest

from certify.cli import main
from certify.sweep import grid_from_dict, run_sweep

distributed = pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

GRID = {"command": "qlearning",
        "problems": [{"garnet": {"states": 3, "actions": 2, "branching": 2, "seeds": "0..1"}}],
        "alpha": [0.5, 1.0], "cqlf": False, "record": ["direct_jsr.upper", "row_sum_rate"]}
N_CELLS = 4


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """One in-process worker with one thread; the scheduler writes its own scheduler file."""
    sched_file = tmp_path_factory.mktemp("dask") / "scheduler.json"
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=":0",
                                  scheduler_kwargs={"scheduler_file": str(sched_file)}) as c:
        yield c, sched_file


@pytest.fixture
def no_fallback(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the sweep started a local cluster instead of using the given one")

    monkeypatch.setattr(distributed, "LocalCluster", refuse)
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)


def _cells_run(cluster) -> int:
    """run_cell tasks the cluster's scheduler has seen finish (in memory, then forgotten)."""
    prefix = cluster.scheduler.task_prefixes.get("run_cell")
    return 0 if prefix is None else int(prefix.state_counts["memory"])


@pytest.fixture
def grid_file(tmp_path):
    path = tmp_path / "grid.yaml"
    path.write_text(json.dumps(GRID))  # JSON is YAML
    return path


def test_scheduler_file(cluster, no_fallback, grid_file, tmp_path, capsys):
    c, sched_file = cluster
    assert json.loads(sched_file.read_text())["address"] == c.scheduler_address
    before = _cells_run(c)
    out = tmp_path / "rows.parquet"
    code = main(["sweep", str(grid_file), "--scheduler-file", str(sched_file), "-o", str(out), "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["ran"] == N_CELLS and doc["workers"] == 1
    assert doc["scheduler"] == c.scheduler_address  # the output says where the cells ran
    assert _cells_run(c) - before == N_CELLS
    import pyarrow.parquet as pq

    table = pq.read_table(out)  # one column per axis, the Garnet's quantities unpacked
    assert table.num_rows == N_CELLS
    assert {"mdp", "alpha", "mdp.states", "mdp.actions", "mdp.branching", "mdp.seed"} <= set(
        table.column_names)
    assert sorted(zip(table.column("mdp.seed").to_pylist(), table.column("alpha").to_pylist(),
                      strict=True)) == [(0, 0.5), (0, 1.0), (1, 0.5), (1, 1.0)]
    assert set(table.column("mdp.states").to_pylist()) == {3}


def test_environment_variable(cluster, no_fallback, grid_file, tmp_path, monkeypatch, capsys):
    c, _ = cluster
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", c.scheduler_address)
    before = _cells_run(c)
    assert main(["sweep", str(grid_file), "-o", str(tmp_path / "rows.csv"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["workers"] == 1
    assert _cells_run(c) - before == N_CELLS
    # the Python API follows the same conventions; its result is a tidy DataFrame
    before = _cells_run(c)
    res = run_sweep(grid_from_dict(GRID), tmp_path / "api.jsonl")
    assert _cells_run(c) - before == N_CELLS and res.workers == 1
    assert res.scheduler == c.scheduler_address
    df = res.to_dataframe()
    assert len(df) == N_CELLS and list(df["mdp.states"]) == [3] * N_CELLS
    assert df["direct_jsr.upper"].between(0, 1).all()


def test_api_scheduler_file(cluster, no_fallback, tmp_path):
    c, sched_file = cluster
    before = _cells_run(c)
    res = run_sweep(grid_from_dict(GRID), tmp_path / "rows.csv", scheduler_file=sched_file)
    assert res.ran == N_CELLS and _cells_run(c) - before == N_CELLS


def test_stale_environment_variable_is_named(grid_file, tmp_path, monkeypatch, capsys):
    """A DASK_SCHEDULER_ADDRESS pointing nowhere: exit 2 naming the variable (the user gave no
    --scheduler)."""
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://127.0.0.1:9")  # nothing listens on 9
    code = main(["sweep", str(grid_file), "-o", str(tmp_path / "o.csv"), "--connect-timeout", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "DASK_SCHEDULER_ADDRESS" in err and "--scheduler " not in err
    assert "Traceback" not in err


def test_parquet_written_on_resume_when_only_the_journal_is_left(cluster, no_fallback, tmp_path):
    """A sweep stopped after its last row but before the Parquet file was written: --resume
    has no cell to run and still writes the file from the journal."""
    import pyarrow.parquet as pq

    c, _ = cluster
    out = tmp_path / "rows.parquet"
    run_sweep(grid_from_dict(GRID), out, scheduler=c.scheduler_address)
    first = pq.read_table(out)
    out.unlink()
    res = run_sweep(grid_from_dict(GRID), out, scheduler=c.scheduler_address, resume=True)
    assert (res.skipped, res.ran) == (N_CELLS, 0)
    assert pq.read_table(out).equals(first)
