"""``certify sweep GRID.yaml -o results.csv [--scheduler ADDRESS]``: grids on Dask.

Exit codes: 0 every cell ran (whatever its verdict; the verdicts are data, counted in the
summary; add ``--require-certified`` to also ask for every cell to be certified), 1 a cell
failed (its row holds the error), 2 bad input (grid, output, unreachable scheduler).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from certify.cli.common import add_json_flag, console, emit, err_console, escape, positive_int, real, table


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sweep", help="run a grid of problems and parameters on Dask",
                       description="Run every cell of GRID (a YAML grid file) through the named "
                                   "command, on a local Dask cluster (one worker process per "
                                   "core) or on an existing cluster (--scheduler), streaming one "
                                   "row per cell to OUTPUT (.csv, .jsonl or .parquet).")
    p.add_argument("grid", metavar="GRID", type=Path, nargs="?", default=None,
                   help="grid file (YAML), or the name of a packaged grid")
    p.add_argument("--example", metavar="NAME",
                   help="a packaged grid instead: small (8 cells), garnet_alpha (100 cells)")
    p.add_argument("-o", "--output", type=Path, required=True,
                   help="output file: .csv, .jsonl or .parquet (rows are written as cells finish)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="address of a running Dask scheduler, e.g. tcp://host:8786 (default: "
                        "start a local cluster)")
    p.add_argument("--scheduler-file", metavar="FILE", type=Path,
                   help="a Dask scheduler file (from `dask scheduler --scheduler-file FILE`); "
                        "without --scheduler or this, DASK_SCHEDULER_ADDRESS is used if set")
    p.add_argument("--workers", type=positive_int, help="local cluster size (default: cores)")
    p.add_argument("--connect-timeout", type=real, default=10.0, metavar="SECONDS",
                   help="how long to wait for --scheduler (default 10)")
    p.add_argument("--cell-timeout", type=real, metavar="SECONDS",
                   help="stop a cell after this long and record it as failed (runs each cell in "
                        "a child process)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--resume", action="store_true",
                      help="skip the cells already in OUTPUT (written by the same grid)")
    mode.add_argument("--overwrite", action="store_true", help="replace an existing OUTPUT")
    p.add_argument("--plot", type=Path, metavar="FILE",
                   help="also draw certified rate against alpha, one line per problem size")
    p.add_argument("--require-certified", action="store_true",
                   help="exit 1 unless every cell is certified (default: only failed cells)")
    add_json_flag(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from certify.report.build import check_output_path
    from certify.sweep import load_grid, run_sweep
    from certify.sweep.output import output_format
    from certify.verdict import Verdict

    output_format(args.output)  # an unknown suffix: exit 2 before the grid, cluster or progress bar
    check_output_path(args.output, None, "-o")  # guard: a missing folder failed after the cluster started
    from certify.data import from_arguments

    grid = load_grid(from_arguments("sweeps", args.grid, args.example, "GRID"))
    from certify.extras import require

    require("distributed", "sweep")  # a missing extra: one line, before the progress bar
    from certify.sweep.scheduler import resolve_scheduler

    # a bad file: exit 2 before starting; a missing one is waited for, as Dask's client does
    resolve_scheduler(args.scheduler, args.scheduler_file, wait=args.connect_timeout)
    with Progress(TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console.real, transient=args.json) as progress:
        task = progress.add_task("cells", total=len(grid.cells))

        def start(total: int, skipped: int) -> None:
            progress.update(task, total=total, completed=skipped)

        res = run_sweep(grid, args.output, scheduler=args.scheduler,
                        scheduler_file=args.scheduler_file, workers=args.workers,
                        resume=args.resume, overwrite=args.overwrite, cell_timeout=args.cell_timeout,
                        connect_timeout=args.connect_timeout, on_start=start,
                        on_row=lambda row: progress.advance(task))
    if args.plot is not None:
        from certify.sweep.plot import plot_sweep

        plot_sweep(res.rows, args.plot)
    doc = res.to_dict()
    doc["plot"] = str(args.plot) if args.plot is not None else None
    failed = any(r.get("error") for r in res.rows)
    outcome = (Verdict.INCONCLUSIVE if failed else
               res.verdict if args.require_certified else Verdict.CERTIFIED)
    return emit(doc, lambda: render(res, args.plot), args.json, [outcome])


def render(res, plot: Path | None) -> None:
    from certify.data import shown_path

    d = res.to_dict()
    shown = shown_path("sweeps", d["grid_file"])  # --example NAME: the file's name, not site-packages
    console.print(f"[bold]sweep {escape(shown)}[/] (grid {d['grid']}, command {d['command']}): "
                  f"{d['cells']} cells, {d['ran']} ran, {d['skipped']} skipped (already in "
                  f"{d['output']}), {d['failed']} failed this run; {d['workers']} workers"
                  f"{' (scheduler ' + escape(d['scheduler']) + ')' if d.get('scheduler') else ''}, "
                  f"{d['seconds']:.1f} s")
    console.print(table("Cells by verdict", ["verdict", "cells"],
                        [[k, v] for k, v in d["verdicts"].items()]))
    errors = [r for r in res.rows if r.get("error")]
    if errors:
        console.print(table(f"Failed cells ({len(errors)}; first 10)", ["index", "cell", "error"],
                            [[r["index"], r["cell"], r["error"]] for r in errors[:10]]))
    if plot is not None:
        console.print(f"figure written to {plot}")
    console.print(f"rows written to {d['output']}")
