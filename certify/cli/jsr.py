"""``certify jsr FAMILY``: certified bounds on the joint spectral radius of a matrix family."""

from __future__ import annotations

import argparse
import math

from certify.cli.common import (
    add_json_flag,
    add_save_certificates_option,
    check_certificates_folder,
    console,
    emit,
    escape,
    nonneg_int,
    real,
    table,
    verdict_text,
    write_certificates,
)
from certify.exact.printing import fmt_lower, fmt_upper


def register(sub: argparse._SubParsersAction) -> None:

    from certify.jsr_methods import DEFAULT_METHODS, METHODS

    p = sub.add_parser("jsr", help="lower and upper JSR bounds with certificates",
                       description="Bracket the joint spectral radius of a finite family of "
                                   "real square matrices; every bound is re-checked exactly. "
                                   "FAMILY is a packaged gallery name (`certify jsr golden`; "
                                   "`certify examples` lists them) or a file: JSON "
                                   "{\"matrices\": [...]} or NPZ with 'matrices' (m, n, n). "
                                   "Complex entries are refused: write a complex matrix "
                                   "as the real block [[Re, -Im], [Im, Re]].")
    p.add_argument("family", metavar="FAMILY",
                   help="a gallery name (see `certify examples`) or a family file (.json, .npz)")
    p.add_argument("--methods", default=None,
                   help=f"comma-separated, from {', '.join(METHODS)} (':k' sets a length); "
                        f"default {','.join(DEFAULT_METHODS)}")
    p.add_argument("--budget", type=real, default=30.0, help="wall-clock seconds (default 30)")
    p.add_argument("--seed", type=nonneg_int, default=0, help="random seed >= 0 (recorded)")
    p.add_argument("--progress", choices=("none", "json"), default="none",
                   help="'json': one JSON line on stderr after each stage (bracket, elapsed s)")
    add_save_certificates_option(p)
    add_json_flag(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from certify.errors import InvalidFamily
    from certify.jsr.bounds import analyze_jsr

    if Path(args.family).is_dir():  # guard: the family loader would raise IsADirectoryError
        raise InvalidFamily(f"FAMILY: {args.family!r} is a folder; expected a .json or .npz file")
    check_certificates_folder(args.save_certificates)
    res = analyze_jsr(args.family, args.methods, args.budget, args.seed,
                     progress=_json_progress if getattr(args, "progress", "none") == "json" else None)
    if args.save_certificates is not None:
        write_certificates(args.save_certificates,
                           [(f"{i:02d}-{c.side}-{c.certificate.kind}", c.certificate, c.check)
                            for i, c in enumerate(res.certificates)])
    return emit(res.to_dict(), lambda: render(res), args.json, [res.verdict])


def _json_progress(event: dict) -> None:
    """One progress line on stderr (stdout stays the result document)."""
    import json
    import sys

    print(json.dumps(event), file=sys.stderr, flush=True)


def _bound_text(rec) -> str:
    """A lower bound printed rounded down, an upper (or exact) bound rounded up."""
    if rec.side == "lower":
        return fmt_lower(rec.bound, 15)
    return fmt_upper(rec.bound, 15) if math.isfinite(rec.bound) else "-"


def render(res) -> None:
    rows = [[c.side, _bound_text(c), c.certificate.kind, c.method, verdict_text(c.check.verdict)]
            for c in res.certificates]
    console.print(table("JSR certificates", ["side", "bound", "kind", "method", "verdict"], rows))
    tag = " (exact value proved)" if res.exact else ""
    lo = fmt_lower(res.lower, 15) if math.isfinite(res.lower) else "-"
    up = fmt_upper(res.upper, 15) if math.isfinite(res.upper) else "-"
    console.print(f"JSR in [{lo}, {up}]{tag}; best product word {list(res.word)}; {res.seconds:.2f} s")
    for n in res.notes:
        console.print(f"[yellow]note:[/] {escape(str(n))}")
    console.print(f"verdict: {verdict_text(res.verdict)}")


def run_jsr(family, methods=None, budget: float = 30.0) -> dict:
    """The document of ``certify jsr --json`` (see :func:`certify.jsr.commands.run_jsr`)."""
    from certify.jsr.commands import run_jsr as run

    return run(family, methods, budget)
