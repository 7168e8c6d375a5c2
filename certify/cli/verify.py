"""``certify verify CERT.json``: re-check a saved certificate from the file alone."""

from __future__ import annotations

import argparse

from rich.markup import escape

from .common import add_json_flag, console, emit, verdict_text


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="re-check saved certificates exactly")
    p.add_argument("files", nargs="+", metavar="CERT.json")
    add_json_flag(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..certificates import load_certificate
    from ..errors import CertifyError

    out = []
    for f in args.files:
        try:
            cert = load_certificate(f)
        except CertifyError as exc:
            if f in str(exc):
                raise
            raise type(exc)(f"{f}: {exc}") from None
        res = cert.verify()
        out.append({"file": f, "kind": cert.kind, "claim": cert.claim(),
                    "verdict": res.verdict, "reason": res.reason})
    def render() -> None:
        for o in out:
            console.print(f"{escape(str(o['file']))}: {escape(o['claim'])} -> "
                          f"{verdict_text(o['verdict'])} ({escape(str(o['reason']))})")

    return emit(out, render, args.json, [o["verdict"] for o in out])
