"""Running one cell on a worker: the command through the registry, one row back.

:func:`run_cell` is what a Dask worker executes.  It calls the same function as the CLI
(:data:`certify.commands.COMMANDS`), so a cell's document equals ``certify <command> --json``
on the same parameters.  Any exception becomes the row's ``error`` ("Type: message"), so one
bad cell never stops the sweep.

With a timeout the command runs in a child process (``python -m certify.sweep.cell``) that
is killed when the time is up: a Python thread cannot be stopped, and a child process works
under any Dask deployment.  The child costs one interpreter start per cell, so timeouts are
meant for cells that take seconds or more.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from certify.sweep.fields import cell_value, field_paths, is_missing, lookup
from certify.sweep.grid import Cell
from certify.sweep.table import unpack_axes


def _materialise(cell: Cell, folder: Path) -> dict[str, Any]:
    params = dict(cell.params)
    for name, (fname, data) in cell.files.items():
        target = folder / name
        target.mkdir()
        (target / fname).write_bytes(data)
        params[name] = str(target / fname)
    return params


def _in_process(command: str, params: dict[str, Any]) -> dict:
    from certify.cli.common import to_jsonable
    from certify.commands import get_command

    return to_jsonable(get_command(command).run(**params))


class _ChildError(Exception):
    """The command failed in the child process; the message is already "Type: message"."""


def _in_child(command: str, params: dict[str, Any], timeout: float) -> dict:
    proc = subprocess.run([sys.executable, "-m", "certify.sweep.cell"],
                          input=json.dumps({"command": command, "params": params}),
                          capture_output=True, text=True, timeout=timeout, check=False)
    out = json.loads(proc.stdout) if proc.stdout.strip() else {}
    if proc.returncode != 0 or "error" in out:
        last = proc.stderr.strip().splitlines()[-1:]
        raise _ChildError(out.get("error") or (last[0] if last else
                                               f"child process exited with code {proc.returncode}"))
    return out["document"]


def run_cell(cell: Cell, record: tuple[str, ...], axes: tuple[str, ...], grid_hash: str,
             timeout: float | None = None, axis_columns: tuple[str, ...] = ()
             ) -> tuple[dict[str, Any], list[str] | None]:
    """Run ``cell``; return its row and, when recorded fields are absent, the valid fields.

    The row has the columns of :attr:`certify.sweep.grid.Grid.columns`.
    """
    row: dict[str, Any] = {"cell": cell.hash, "grid": grid_hash, "index": cell.index,
                           "command": cell.command}
    row.update({a: cell.params[a] for a in axes})
    row.update(unpack_axes(cell.params, axis_columns))
    row["cell_seed"] = cell.seed
    row["verdict"] = None
    row.update({r: None for r in record})
    row["error"] = None
    fields: list[str] | None = None
    t0 = time.perf_counter()
    try:
        from certify.outputs import temp_folder

        with temp_folder("certify-cell-") as tmp:
            params = _materialise(cell, tmp)
            doc = (_in_child(cell.command, params, timeout) if timeout is not None
                   else _in_process(cell.command, params))
        row["verdict"] = cell_value(lookup(doc, "verdict"))
        values = [lookup(doc, r) for r in record]
        row.update({r: cell_value(v) for r, v in zip(record, values, strict=True)})
        if any(is_missing(v) for v in values):
            fields = field_paths(doc)
    except subprocess.TimeoutExpired:
        row["error"] = f"Timeout: the cell ran longer than --cell-timeout {timeout:g} s"
    except _ChildError as exc:
        row["error"] = str(exc)
    except Exception as exc:  # noqa: BLE001 - a failing cell becomes a row, never a crash
        row["error"] = f"{type(exc).__name__}: {exc}"
    row["wall_time"] = round(time.perf_counter() - t0, 6)
    return row, fields


def _child_main() -> int:
    req = json.loads(sys.stdin.read())
    try:
        doc = _in_process(req["command"], req["params"])
    except Exception as exc:  # noqa: BLE001 - reported to the parent as the cell's error
        sys.stdout.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
        return 1
    sys.stdout.write(json.dumps({"document": doc}))
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
