"""Running a grid on dask.distributed and streaming its rows to a file.

Without a scheduler address, :func:`run_sweep` starts a ``LocalCluster`` of worker
*processes* with one thread each (``n_workers`` = the number of cores unless given), so
cells run in parallel without sharing the GIL.  With ``scheduler="tcp://host:8786"`` it
connects to an existing Dask cluster (``dask scheduler`` / ``dask worker``, or any Dask
deployment); the workers need certify installed, and nothing else: problem files travel
with their cells.

Cells are submitted at once and collected with ``as_completed``; each row is written and
flushed as soon as its cell finishes.  A cell whose worker dies becomes a row with the error.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from certify.errors import InvalidInput, found
from certify.extras import require
from certify.sweep.cell import run_cell
from certify.sweep.fields import DECLARED_FIELDS, unknown_fields_error
from certify.sweep.grid import Grid
from certify.sweep.output import RowWriter, finished_cells, journal, output_format
from certify.sweep.table import unpack_axes
from certify.verdict import Verdict

DEFAULT_CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a scheduler given by address before giving up (exit code 2)."""
NO_WORKER_ENV = "CERTIFY_SWEEP_NO_WORKER_SECONDS"
DEFAULT_NO_WORKER_SECONDS = 30.0
"""A sweep with cells left and no live worker (or no scheduler) for this long stops with
exit code 2; its finished rows are on disk and ``--resume`` continues it."""


def no_worker_seconds() -> float:
    """The watchdog delay in force (:data:`NO_WORKER_ENV`, else the default)."""
    raw = os.environ.get(NO_WORKER_ENV, "").strip()
    try:
        value = float(raw) if raw else DEFAULT_NO_WORKER_SECONDS
    except ValueError:
        raise InvalidInput(f"{NO_WORKER_ENV}={raw!r}: expected a positive number of seconds"
                           ) from None
    if not value > 0:
        raise InvalidInput(f"{NO_WORKER_ENV}={raw!r}: expected a positive number of seconds")
    return value


@dataclass(frozen=True)
class SweepResult:
    """What a sweep did: counts, verdicts, and the rows of every cell (kept and new).

    Attributes
    ----------
    grid : Grid
    output : str
        The rows file.
    skipped, ran, failed : int
        Cells already in ``output``, run now, and failed.
    rows : tuple of dict
        Every row (kept and new).
    seconds : float
    workers : int
    scheduler : str or None
        The address of the scheduler the cells ran on (None: nothing ran).
    """

    grid: Grid
    output: str
    skipped: int
    ran: int
    failed: int
    rows: tuple[dict[str, Any], ...]
    seconds: float
    workers: int
    scheduler: str | None = None

    @property
    def verdicts(self) -> dict[str, int]:
        """Number of rows per verdict; failed cells count as "failed"."""
        c = Counter("failed" if r.get("error") else str(r.get("verdict")) for r in self.rows)
        return dict(sorted(c.items()))

    @property
    def verdict(self) -> Verdict:
        """Certified when every cell ran and certified; refuted when any cell refuted."""
        v = self.verdicts
        if v.get(Verdict.REFUTED.value):
            return Verdict.REFUTED
        return Verdict.CERTIFIED if set(v) <= {Verdict.CERTIFIED.value} else Verdict.INCONCLUSIVE

    def to_dataframe(self):
        """The rows as a pandas DataFrame (needs the sweep extra: ``pip install certify[sweep]``).

        Returns
        -------
        pandas.DataFrame
            One row per cell; the columns of :attr:`Grid.columns`: the cell's identity, one
            column per grid axis (a Garnet problem also unpacked into ``mdp.states``,
            ``mdp.actions``, ``mdp.branching``, ``mdp.seed``: integers, missing for other
            problems), the verdict, one column per recorded field, the error and the wall time.

        Examples
        --------
        >>> from certify.sweep import load_grid, run_sweep        # doctest: +SKIP
        >>> df = run_sweep(load_grid("grid.yaml"), "rates.csv").to_dataframe()  # doctest: +SKIP
        >>> df.groupby("alpha")["direct_jsr.upper"].max()          # doctest: +SKIP
        """
        from certify.sweep.table import to_dataframe

        return to_dataframe(self.rows, self.grid.columns)

    def to_dict(self) -> dict[str, Any]:
        return {"grid": self.grid.hash, "grid_file": self.grid.source, "command": self.grid.command,
                "output": self.output, "cells": len(self.grid.cells), "skipped": self.skipped,
                "ran": self.ran, "failed": self.failed, "verdicts": self.verdicts,
                "workers": self.workers, "scheduler": self.scheduler,
                "seconds": round(self.seconds, 3),
                "verdict": self.verdict.value}


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None,
                connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
                scheduler_file: str | Path | None = None) -> Iterator[Any]:
    """A Client to ``scheduler`` (or the one of ``scheduler_file``, or of
    ``DASK_SCHEDULER_ADDRESS``: :mod:`certify.sweep.scheduler`), or to a new LocalCluster of
    ``workers`` processes."""
    from certify.extras import require

    distributed = require("distributed", "sweep")
    Client, LocalCluster = distributed.Client, distributed.LocalCluster

    if not connect_timeout > 0:
        raise InvalidInput(f"--connect-timeout: expected a positive number of seconds, found "
                           f"{connect_timeout}")
    from certify.sweep.scheduler import locate_scheduler

    # Dask's conventions: --scheduler, --scheduler-file, DASK_SCHEDULER_ADDRESS
    scheduler, origin = locate_scheduler(scheduler, scheduler_file, wait=connect_timeout)
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=f"{connect_timeout}s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise InvalidInput(f"{origin}: no Dask scheduler answered within "
                               f"{connect_timeout:g} s ({type(exc).__name__}: {exc}); expected the "
                               "address of a running `dask scheduler`, e.g. tcp://host:8786") from exc
        quiet = _quiet_distributed_logs()
        try:
            yield client
        finally:
            client.close()
            quiet()
        return
    n = workers or os.cpu_count() or 1
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        yield client


def _quiet_distributed_logs() -> Callable[[], None]:
    """Silence distributed's loggers (a lost scheduler logs tracebacks on stderr; the sweep
    reports it in one line); returns the function that restores their levels."""
    names = ("distributed", "distributed.client", "distributed.core", "distributed.comm",
             "distributed.batched", "tornado.application")
    saved = {n: logging.getLogger(n).level for n in names}
    for n in names:
        logging.getLogger(n).setLevel(logging.CRITICAL + 1)
    # distributed's gather tasks cancelled with a lost worker are reported by asyncio when
    # they are garbage-collected, possibly after the sweep: this one stays quiet
    logging.getLogger("asyncio").setLevel(logging.CRITICAL + 1)

    def restore() -> None:
        for n, level in saved.items():
            logging.getLogger(n).setLevel(level)

    return restore


def _n_workers(client: Any) -> int:
    return len(client.scheduler_info().get("workers", {}))


def _live_workers(client: Any) -> int:
    """The number of live workers, 0 when the scheduler does not answer."""
    try:
        if getattr(client, "status", "running") != "running":
            return 0
        info = client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.workers))
        return int(info)
    except Exception:  # noqa: BLE001 - a lost scheduler counts as no worker
        return 0


def run_sweep(grid: Grid, output: str | Path, *, client: Any = None, scheduler: str | None = None,
              workers: int | None = None, resume: bool = False, overwrite: bool = False,
              cell_timeout: float | None = None,
              connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
              scheduler_file: str | Path | None = None,
              on_start: Callable[[int, int], None] | None = None,
              on_row: Callable[[dict[str, Any]], None] | None = None) -> SweepResult:
    """Run every cell of ``grid`` not yet in ``output``; stream the rows to ``output``.

    Each cell (one problem x one combination of the other axes) calls the registry function
    of the grid's command, as ``certify COMMAND --json`` would, and yields one row; rows are
    written as they finish, so an interrupted sweep loses no finished row.

    Parameters
    ----------
    grid : Grid
        From :func:`load_grid`.
    output : str or Path
        The rows file (``.csv``, ``.jsonl`` or ``.parquet``).
    client : distributed.Client, optional
        Use this client (and leave it open); otherwise connect to ``scheduler`` or start a
        LocalCluster of ``workers`` processes.
    scheduler : str, optional
        Address of a Dask scheduler.
    workers : int, optional
        Processes of the LocalCluster.
    resume : bool
        Skip the cells whose hash is already in ``output`` (which must have been written by
        the same grid); without it an existing ``output`` is refused unless ``overwrite``.
    overwrite : bool
        Replace an existing ``output``.
    cell_timeout : float, optional
        Seconds a cell may run; it then runs in a child process killed at the deadline.
    connect_timeout : float
        Seconds to wait for ``scheduler``.
    scheduler_file : str or Path, optional
        A Dask scheduler file (``dask scheduler --scheduler-file FILE``) instead.  Without
        either, ``DASK_SCHEDULER_ADDRESS`` (Dask's ``scheduler-address`` setting) is used if
        set, else a LocalCluster is started.
    on_start, on_row : callable, optional
        Called with (number of cells, number skipped) before running, and with each new row
        (progress display).

    Returns
    -------
    SweepResult
        Counts, verdicts and every row; ``to_dataframe()`` gives the rows as a DataFrame.

    Raises
    ------
    InvalidInput
        ``grid`` is not a Grid, ``output`` cannot be written or has an unknown suffix, an
        existing ``output`` without ``resume`` or ``overwrite``.
    InfrastructureError
        No scheduler or no live worker (the finished rows stay on disk for ``resume``).
    """
    if not isinstance(grid, Grid):
        raise InvalidInput(f"grid: expected a Grid (certify.sweep.load_grid(path)), found "
                           f"{found(grid)}")
    from certify.argcheck import check_count, check_flag

    resume, overwrite = check_flag(resume, "resume"), check_flag(overwrite, "overwrite")
    workers = None if workers is None else check_count(workers, "workers")
    if client is None:
        require("distributed", "sweep")  # before any output or progress is written
    output = Path(output)
    output_format(output)
    if not output.parent.is_dir():
        raise InvalidInput(f"{output}: the folder {str(output.parent)!r} does not exist; create it "
                           "first (nothing was run)")
    if output.is_dir():
        raise InvalidInput(f"{output} is a folder; expected an output file (.csv, .jsonl or .parquet)")
    from certify.outputs import check_writable

    check_writable(output.parent, output, "-o")
    if cell_timeout is not None and not cell_timeout > 0:
        raise InvalidInput(f"--cell-timeout: expected a positive number of seconds, found {cell_timeout}")
    done: dict[str, dict[str, Any]] = {}
    stream = journal(output) if output_format(output) == "parquet" else output  # where rows go
    if stream.exists() and resume:
        done = finished_cells(output, grid)
    elif (stream.exists() or output.exists()) and not overwrite:
        raise InvalidInput(f"{output}: the file exists; use --resume to continue that sweep or "
                           "--overwrite to replace it")
    todo = [c for c in grid.cells if c.hash not in done]
    if on_start is not None:
        on_start(len(grid.cells), len(grid.cells) - len(todo))
    t0 = time.perf_counter()
    new_rows: list[dict[str, Any]] = []
    n_workers = 0
    address: str | None = None
    if todo:
        with _client(client, scheduler, workers, connect_timeout, scheduler_file) as cl:
            n_workers = _n_workers(cl)
            address = getattr(getattr(cl, "scheduler", None), "address", None)
            with RowWriter(output, grid.columns, append=resume) as writer:
                new_rows = _collect(cl, grid, todo, cell_timeout, writer, on_row)
            n_workers = max(n_workers, _n_workers(cl))  # workers may join after the start (cached info)
    elif stream != output and not output.exists():  # every row in the journal, no Parquet yet
        from certify.sweep.output import read_rows
        from certify.sweep.table import write_parquet

        write_parquet(read_rows(output), grid.columns, output)  # (a stop before it was written)
    rows = {**done, **{r["cell"]: r for r in new_rows}}
    ordered = tuple(rows[c.hash] for c in grid.cells if c.hash in rows)
    return SweepResult(grid, str(output), len(done), len(new_rows),
                       sum(1 for r in new_rows if r.get("error")), ordered,
                       time.perf_counter() - t0, n_workers, address)


@contextmanager
def _client(client: Any, scheduler: str | None, workers: int | None,
            connect_timeout: float, scheduler_file: str | Path | None = None) -> Iterator[Any]:
    if client is not None:
        yield client
    else:
        with dask_client(scheduler, workers, connect_timeout, scheduler_file) as c:
            yield c


def _collect(client: Any, grid: Grid, todo: list, timeout: float | None, writer: RowWriter,
             on_row: Callable[[dict[str, Any]], None] | None) -> list[dict[str, Any]]:
    from certify.extras import require

    require("distributed", "sweep")

    unpacked = tuple(grid.axis_columns)
    futures = {client.submit(run_cell, c, grid.record, grid.axes, grid.hash, timeout, unpacked,
                             pure=False): c for c in todo}
    check_fields = grid.command not in DECLARED_FIELDS and bool(grid.record)
    rows: list[dict[str, Any]] = []
    try:
        patience = no_worker_seconds()
        for fut in _completed(client, futures, patience, len(todo), writer):
            try:
                # a finished cell whose worker died before its result was fetched would wait
                # for a recomputation that may never come: bounded, then a retryable row
                row, fields = fut.result(timeout=patience)
            except Exception as exc:  # noqa: BLE001 - a lost worker fails its cell, not the sweep
                row, fields = _lost_cell(futures[fut], grid, exc), None
            if check_fields and row["error"] is None:
                check_fields = False
                if fields is not None:
                    unknown = [r for r in grid.record if r not in fields]
                    raise unknown_fields_error(grid.command, unknown, fields)
            writer.write(row)
            rows.append(row)
            if on_row is not None:
                on_row(row)
    finally:
        client.cancel(list(futures))
    return rows


def _completed(client: Any, futures: dict, patience: float, n_cells: int, writer: RowWriter
               ) -> Iterator[Any]:
    """The futures as they complete, with a watchdog: when no worker is alive (or the
    scheduler is gone) for ``patience`` seconds while cells remain, stop with
    :class:`InfrastructureError`."""
    from distributed import as_completed

    from certify.errors import InfrastructureError

    ac = as_completed(futures)
    done = 0
    idle_since: float | None = None
    last_check = 0.0
    while done < n_cells:
        batch = ac.next_batch(block=False)
        if batch:
            idle_since = None
            for fut in batch:
                done += 1
                yield fut
            continue
        now = time.monotonic()
        if now - last_check >= min(1.0, patience / 4):
            last_check = now
            if _live_workers(client) > 0:
                idle_since = None
            elif idle_since is None:
                idle_since = now
            elif now - idle_since > patience:
                raise InfrastructureError(
                    f"no live Dask worker (or no scheduler) for {patience:g} s with "
                    f"{n_cells - done} of {n_cells} cells left; the finished rows are in "
                    f"{writer.path}: start workers and rerun with --resume (set {NO_WORKER_ENV} "
                    "to wait longer)")
        time.sleep(0.05)


def _lost_cell(cell: Any, grid: Grid, exc: BaseException) -> dict[str, Any]:
    """The row of a cell whose future failed: run_cell never raises, so the failure is the
    infrastructure's (a lost worker or scheduler, cancellation): marked retryable."""
    from certify.sweep.output import RETRYABLE

    row = {k: None for k in grid.columns}
    row.update({"cell": cell.hash, "grid": grid.hash, "index": cell.index, "command": cell.command,
                "cell_seed": cell.seed,
                "error": f"{RETRYABLE}{type(exc).__name__}: {exc}".strip()})
    row.update({a: cell.params[a] for a in grid.axes})
    row.update(unpack_axes(cell.params, grid.axis_columns))
    return row


def sweep_command(grid: str, output: str, scheduler: str | None = None, workers: int | None = None,
                  resume: bool = False, overwrite: bool = False,
                  cell_timeout: float | None = None,
                  scheduler_file: str | None = None) -> dict[str, Any]:
    """The ``sweep`` command as a function of plain parameters (claims files, reports).

    Returns :meth:`SweepResult.to_dict`, the document of ``certify sweep --json``.
    """
    from certify.sweep.grid import load_grid

    return run_sweep(load_grid(grid), output, scheduler=scheduler, workers=workers, resume=resume,
                     overwrite=overwrite, cell_timeout=cell_timeout,
                     scheduler_file=scheduler_file).to_dict()
