"""``certify check CLAIMS.yaml [--junit out.xml] [--json]``: CI checks of theory claims."""

from __future__ import annotations

import argparse
from pathlib import Path

from certify.cli.common import add_json_flag, console, err_console, escape, print_json, table


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="check the claims of a claims file (exit 0 iff all hold)",
                       description="Run every claim of CLAIMS (YAML: a 'claims' list of "
                                   "{name, <command>: {params}, assert, allow_inconclusive}) "
                                   "and exit 0 only if every claim holds.")
    p.add_argument("claims", metavar="CLAIMS.yaml", nargs="?", default=None,
                   help="the claims file (or the name of a packaged one)")
    p.add_argument("--example", metavar="NAME",
                   help="a packaged claims file instead: seed-000-smooth ... seed-004-pg, "
                        "jsr-golden, false-claim (`seed-002` is enough; `certify examples`)")
    p.add_argument("--junit", metavar="OUT.xml", type=Path,
                   help="also write a JUnit XML report for CI systems")
    p.add_argument("--allow-sweeps", action="store_true",
                   help="let sweep claims start a Dask cluster (refused by default: a claims "
                        "file may come from an untrusted pull request)")
    p.add_argument("--scratch", metavar="DIR", type=Path,
                   help="the only folder claims may write to (sweep outputs, certificates); "
                        "default: a new temporary folder, reported at the end")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="the Dask scheduler of sweep claims (a claims file cannot name one)")
    add_json_flag(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from certify.claims import junit_xml, run_claims
    from certify.claims.sandbox import Sandbox
    from certify.errors import InvalidInput
    from certify.report.build import check_output_path, write_atomic

    if args.junit is not None:
        check_output_path(args.junit, (".xml",), "--junit")
    if args.scratch is not None and not args.scratch.is_dir():
        raise InvalidInput(f"--scratch: {str(args.scratch)!r} is not an existing folder")
    from certify.data import from_arguments

    claims = from_arguments("claims", args.claims, args.example, "CLAIMS.yaml")
    res = run_claims(claims, Sandbox(args.scratch, args.allow_sweeps, args.scheduler))
    if args.junit is not None:
        write_atomic(args.junit, junit_xml(res))
    if args.json:
        print_json(res.to_dict())
    else:
        render(res)
    if res.errors:
        first = res.errors[0]
        raise InvalidInput(first.message + (f" (and {len(res.errors) - 1} more errors)"
                                            if len(res.errors) > 1 else ""))
    return 0 if res.passed else 1


_STYLE = {"pass": "green", "fail": "red", "error": "magenta"}


def _shown_path(path) -> str:
    """A claims file as the user named it; a packaged one (`--example NAME`) by its file name,
    as the report's caption has it, not by its path inside site-packages."""
    from certify.data import shown_path

    return shown_path("claims", path)


def render(res) -> None:
    rows = []
    for o in res.outcomes:
        # a float bound is rounded the safe way for its field name (numfmt.side_of_key)
        from certify.claims.files import show_value

        vals = "\n".join(escape(f"{k} = {show_value(v, k)}") for k, v in o.values.items())
        rows.append([escape(o.claim.name), o.claim.command, vals or "-", o.verdict or "-",
                     f"[{_STYLE[o.status]}]{o.status}[/]", f"{o.seconds:.2f} s"])
    console.print(table(f"Claims of {escape(_shown_path(res.file.path))}",
                        ["claim", "command", "computed values", "verdict", "holds", "time"], rows))
    for o in res.outcomes:
        if o.status == "fail":
            err_console.print(f"[red]FAILED[/] {escape(str(o.claim.where))}: {escape(o.claim.name)}: "
                              f"{escape(str(o.message))}")
    n = len(res.outcomes)
    ok = sum(o.passed for o in res.outcomes)
    console.print(f"{ok} of {n} claims hold ({res.seconds:.2f} s)")
    if res.scratch:
        console.print(f"files written by the claims are in {res.scratch}", markup=False)
