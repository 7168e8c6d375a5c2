"""Shared driver of the proofs: print each checked step, exit non-zero on any failure."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable


def run(title: str, steps: Callable[[], Iterable[tuple[str, bool]]]) -> None:
    """Evaluate ``steps`` (pairs of description and truth), print them and exit 0 or 1."""
    print(f"Lemma: {title}")
    failed = 0
    try:
        for text, ok in steps():
            print(f"  [{'ok' if ok else 'FAILED'}] {text}")
            failed += not ok
    except Exception as exc:  # a crashing proof is a failed proof
        print(f"  [FAILED] {type(exc).__name__}: {exc}")
        failed += 1
    print("PROVED" if not failed else f"NOT PROVED ({failed} step(s) failed)")
    sys.exit(1 if failed else 0)
