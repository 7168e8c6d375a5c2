"""``certify verify CERT.json``: re-check a saved certificate from the file alone."""

from __future__ import annotations

import argparse

from .common import add_json_flag, console, exit_code, print_json, verdict_text


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="re-check saved certificates exactly")
    p.add_argument("files", nargs="+", metavar="CERT.json")
    add_json_flag(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..certificates import load_certificate

    out = []
    for f in args.files:
        cert = load_certificate(f)
        res = cert.verify()
        out.append({"file": f, "kind": cert.kind, "claim": cert.claim(),
                    "verdict": res.verdict, "reason": res.reason})
    if args.json:
        print_json(out)
    else:
        for o in out:
            console.print(f"{o['file']}: {o['claim']} -> {verdict_text(o['verdict'])} "
                          f"({o['reason']})")
    return exit_code([o["verdict"] for o in out])
