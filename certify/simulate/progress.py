"""A progress bar for long simulations that appears only once a run has taken a while.

The bar is drawn by rich on **stderr** (never on stdout, so ``--json`` output stays one clean
document) and only after ``delay`` seconds, so short runs print nothing.  Callers decide
whether a bar is wanted at all: :func:`want_progress` says yes only for a human reading a
terminal (no ``--json``, stdout and stderr both terminals).
"""

from __future__ import annotations

import sys
import time

DELAY_S = 1.0


def want_progress(as_json: bool = False) -> bool:
    """True when a progress bar helps: not ``--json`` and stdout and stderr are terminals."""
    return (not as_json) and sys.stdout.isatty() and sys.stderr.isatty()


class DelayedProgress:
    """Count work done and show a rich bar once more than ``delay`` seconds have passed.

    Parameters
    ----------
    total : int
        Units of work (sample-updates) of the whole simulation.
    description : str
    delay : float
        Seconds before the bar appears; a run that finishes sooner shows nothing.
    """

    def __init__(self, total: int, description: str = "simulating", delay: float = DELAY_S):
        self.total = int(total)
        self.description = description
        self.delay = float(delay)
        self.done = 0
        self.start = time.perf_counter()
        self._bar = None
        self._task = None

    @property
    def shown(self) -> bool:
        return self._bar is not None

    def advance(self, amount: int) -> None:
        self.done += int(amount)
        if self._bar is None and time.perf_counter() - self.start > self.delay:
            from rich.console import Console
            from rich.progress import Progress

            self._bar = Progress(console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task(self.description, total=self.total)
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __enter__(self) -> DelayedProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
