"""Finding a Dask scheduler by Dask's conventions (issue 19, item 4): --scheduler, then
--scheduler-file, then DASK_SCHEDULER_ADDRESS; none of them: a local cluster."""

from __future__ import annotations

import json

import pytest

from certify.cli import main
from certify.errors import InvalidInput
from certify.sweep.scheduler import resolve_scheduler


def test_resolution_order(tmp_path, monkeypatch):
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    import dask.config

    with dask.config.set({"scheduler-address": None}):
        assert resolve_scheduler() is None
    f = tmp_path / "sched.json"
    f.write_text(json.dumps({"type": "Scheduler", "address": "tcp://10.0.0.5:8786"}))
    assert resolve_scheduler(scheduler_file=f) == "tcp://10.0.0.5:8786"
    assert resolve_scheduler("tcp://a:1") == "tcp://a:1"
    with dask.config.set({"scheduler-address": "tcp://from-config:8786"}):
        assert resolve_scheduler() == "tcp://from-config:8786"
        assert resolve_scheduler("tcp://a:1") == "tcp://a:1"
    with pytest.raises(InvalidInput, match="not both"):
        resolve_scheduler("tcp://a:1", f)
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(InvalidInput, match="no 'address'"):
        resolve_scheduler(scheduler_file=tmp_path / "bad.json")


def test_cli_scheduler_file_is_used(tmp_path, capsys):
    from pathlib import Path

    grid = Path(__file__).resolve().parents[1] / "certify" / "data" / "sweeps" / "small.yaml"
    f = tmp_path / "sched.json"
    f.write_text(json.dumps({"address": "tcp://127.0.0.1:9"}))  # nothing listens on port 9
    code = main(["sweep", str(grid), "-o", str(tmp_path / "o.csv"), "--scheduler-file", str(f),
                 "--connect-timeout", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "tcp://127.0.0.1:9" in err and "Traceback" not in err
    missing = main(["sweep", str(grid), "-o", str(tmp_path / "o.csv"), "--scheduler-file",
                    str(tmp_path / "none.json"), "--connect-timeout", "0.2"])
    assert missing == 2 and "no such file after waiting 0.2 s" in capsys.readouterr().err


def test_scheduler_file_is_waited_for(tmp_path, monkeypatch):
    """As Dask's Client(scheduler_file=...): a file written after the client starts (a batch
    job starting scheduler and client together) is waited for; a half-written one is read
    again."""
    import threading

    f = tmp_path / "later.json"
    with pytest.raises(InvalidInput, match="no such file"):
        resolve_scheduler(scheduler_file=f)  # no wait asked: refused at once
    writer = threading.Timer(0.3, lambda: f.write_text(json.dumps({"address": "tcp://h:1"})))
    writer.start()
    try:
        assert resolve_scheduler(scheduler_file=f, wait=30) == "tcp://h:1"
    finally:
        writer.cancel()
    half = tmp_path / "half.json"
    half.write_text("")
    reads = iter(['{"address": "tcp://h', "{}", json.dumps({"address": "tcp://h:2"})])
    monkeypatch.setattr(type(half), "read_text", lambda self, *a, **k: next(reads))
    assert resolve_scheduler(scheduler_file=half) == "tcp://h:2"  # third read: complete
