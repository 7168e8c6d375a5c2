"""certify sweep --scheduler against `dask scheduler` and `dask worker` run as separate
processes on loopback (random free ports, bounded waits, always killed at the end)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from certify.cli import main
from certify.sweep import grid_from_dict
from certify.sweep.cell import run_cell
from certify.sweep.output import read_rows

distributed = pytest.importorskip("distributed")

GRID = {"command": "qlearning",
        "problems": [{"garnet": {"states": [3, 4], "actions": 2, "branching": 2, "seeds": "0..1"}}],
        "alpha": [0.5, 1.0],
        "cqlf": False,
        "record": ["direct_jsr.upper", "row_sum_rate", "direct_jsr.certificate.verdict"]}
WAIT = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dask() -> list[str]:
    exe = Path(sys.executable).with_name("dask")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("dask")
    if found is None:
        pytest.skip("the dask command is not installed")
    return [found]


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in reversed(procs):
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in reversed(procs):
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=10)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    log = tmp_path_factory.mktemp("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs: list[subprocess.Popen] = []
    try:
        procs.append(subprocess.Popen(
            [*_dask(), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            stdout=(log / "scheduler.log").open("w"), stderr=subprocess.STDOUT, start_new_session=True))
        procs.append(subprocess.Popen(
            [*_dask(), "worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
             "--host", "127.0.0.1"],
            stdout=(log / "worker.log").open("w"), stderr=subprocess.STDOUT, start_new_session=True))
        deadline = time.monotonic() + WAIT
        ready = False
        while time.monotonic() < deadline and not ready:
            if any(p.poll() is not None for p in procs):
                break
            try:
                with distributed.Client(address, timeout="2s") as c:
                    ready = len(c.scheduler_info()["workers"]) >= 1
            except OSError:
                pass
            if not ready:
                time.sleep(0.5)
        if not ready:
            pytest.fail("dask scheduler/worker did not start within "
                        f"{WAIT:g} s: {(log / 'worker.log').read_text()[-2000:]}")
        yield address
    finally:
        _stop(procs)


def test_same_rows_through_a_separate_scheduler_and_worker(scheduler, tmp_path, capsys):
    g = grid_from_dict(GRID)
    ref = {c.hash: run_cell(c, g.record, g.axes, g.hash, None, tuple(g.axis_columns))[0] for c in g.cells}
    grid = tmp_path / "grid.yaml"
    grid.write_text(yaml.safe_dump(GRID))
    out = tmp_path / "rows.jsonl"
    assert main(["sweep", str(grid), "-o", str(out), "--scheduler", scheduler, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["cells"], doc["ran"], doc["failed"], doc["workers"]) == (8, 8, 0, 1)
    rows = read_rows(out)
    assert len(rows) == len(g.cells)
    for r in rows:
        assert {**r, "wall_time": 0} == {**ref[r["cell"]], "wall_time": 0}
