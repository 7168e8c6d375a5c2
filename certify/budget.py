"""A hard stop for exact routines that cannot check a budget themselves.

Exact steps on user data (sympy's root counting, characteristic polynomials with
thousand-digit coefficients, Fraction elimination) may run far past a command's budget
inside one library call, where no loop of certify's can look at the clock.
:func:`hard_deadline` arms a real-time timer (``SIGALRM``) that raises :class:`OutOfTime`
in the main thread at the deadline; the caller drops the interrupted step.  This is sound:
a step that is stopped accepts no certificate (certificates are recorded only after their
exact check returns).  Off the main thread, or where ``setitimer`` does not exist, the
block runs without a hard stop (the routines' own deadline checks still apply).
Nested blocks keep the earliest deadline and re-arm the outer timer on exit.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class OutOfTime(BaseException):
    """Raised by :func:`hard_deadline` when the deadline passes inside its block.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` inside a
    library swallows it and carries on with a half-done computation."""


def stopped_by_deadline(exc: BaseException) -> bool:
    """True for :class:`OutOfTime`, or for the SystemError Python raises when the timer
    fired inside a function called from C code (the OutOfTime is then its context)."""
    seen = 0
    while exc is not None and seen < 100_000:
        if isinstance(exc, OutOfTime):
            return True
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
        seen += 1
    return False


_DEADLINES: list[float] = []
"""The deadlines of the open :func:`hard_deadline` blocks, innermost last."""
REPEAT = 0.1
"""Seconds between repeated alarms once a deadline has passed: a library that swallows one
OutOfTime (a broad ``except`` around a C call that saw a SystemError) gets the next one."""


def _raise(signum: int, frame: object) -> None:
    if _DEADLINES and time.perf_counter() >= min(_DEADLINES) - 1e-3:
        raise OutOfTime()


def _arm() -> None:
    if _DEADLINES:
        delay = max(min(_DEADLINES) - time.perf_counter(), 1e-3)
        signal.setitimer(signal.ITIMER_REAL, delay, REPEAT)
    else:
        signal.setitimer(signal.ITIMER_REAL, 0)


@contextmanager
def hard_deadline(deadline: float | None) -> Iterator[None]:
    """Raise :class:`OutOfTime` in the block once ``time.perf_counter()`` passes
    ``deadline`` (None: no limit), and again every :data:`REPEAT` seconds until the block
    is left."""
    if (deadline is None or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return
    outermost = not _DEADLINES
    previous = signal.getsignal(signal.SIGALRM) if outermost else None
    if outermost and signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield  # someone else's timer is running: do not take it over
        return
    if outermost:
        signal.signal(signal.SIGALRM, _raise)
    _DEADLINES.append(deadline)
    try:
        _arm()
        yield
    finally:
        _DEADLINES.pop()
        _arm()  # the outer deadline, or off
        if outermost:
            signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
