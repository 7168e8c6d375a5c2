"""How a ``certify`` run ends: exit codes that mean one thing, one-line errors, crash logs.

Exit codes (for every command):

====  =====================================================================================
0     the command ran and every asked-for check certified
1     a check was refuted or inconclusive (a numerical solver that failed is inconclusive)
2     bad input or usage, an input over a limit of :mod:`certify.limits`, an output that
      cannot be written, a missing TeX engine (one line on stderr, no traceback)
3     internal error: an unexpected exception, i.e. a bug in certify.  One line on stderr
      says so and names a crash-log file holding the traceback; ``--debug`` (anywhere on
      the command line) or ``CERTIFY_DEBUG=1`` prints the traceback instead
130   interrupted (SIGINT, Ctrl-C)
143   terminated (SIGTERM)
====  =====================================================================================

Under ``--json`` an error is also a JSON document on stdout:
``{"error": {"kind": ..., "message": ..., "exit_code": ...}}``.  Because every exit path
unwinds through Python (SIGTERM is turned into an exception), ``finally`` blocks run and
temporary folders are removed on every exit, signals included.
"""

from __future__ import annotations

import argparse
import datetime
import errno
import json
import os
import signal
import sys
import tempfile
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

EXIT_CERTIFIED = 0
EXIT_NOT_CERTIFIED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143

DEBUG_FLAG = "--debug"
DEBUG_ENV = "CERTIFY_DEBUG"
CRASH_DIR_ENV = "CERTIFY_CRASH_DIR"
"""Folder of crash logs (default: the system's temporary folder)."""

_MAX_MESSAGE = 600
"""A message longer than this is cut (a 10^5-character value must not flood the terminal)."""


_STREAM_ERRNOS = (errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EBADF, errno.EDQUOT)
"""errno values of a failed write to standard output (a full disk, a closed pipe)."""


class Terminated(BaseException):
    """Raised in the main thread when the process receives SIGTERM (so cleanup runs)."""


_JSON_ERRORS: list[bool] = [False]
"""Whether the running command line has ``--json`` (set by :func:`run_command`), so that
argparse's usage errors are also printed as the JSON error document."""


class OneLineParser(argparse.ArgumentParser):
    """An argparse parser whose usage errors are one line (argparse prints the whole usage,
    5-8 lines): ``certify jsr: error: MESSAGE (see `certify jsr --help`)``, exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        text = _suggest_choice(" ".join(str(message).split()))
        if _JSON_ERRORS[0]:  # --json: a usage error is a JSON document too (as every error)
            _write_json_error("usage", text, EXIT_BAD_INPUT)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {text} (see `{self.prog} --help`)\n")


def _suggest_choice(text: str) -> str:
    """argparse's "invalid choice: 'x' (choose from ...)" with the close names suggested."""
    import re

    m = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", text)
    if m is None:
        return text
    from certify.errors import did_you_mean

    choices = [c.strip().strip("'") for c in m.group(2).split(",")]
    hint = did_you_mean(m.group(1), choices)
    return text[: m.end(1) + 1] + hint + text[m.end(1) + 1:] if hint else text


def _one_line_warning(command: str) -> Callable[..., None]:
    """A ``warnings.showwarning`` that prints ``certify CMD: warning: MESSAGE`` on one line
    (Python's own prints the file path of certify's source and the line of code)."""

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        stream = file if file is not None else sys.stderr
        try:
            stream.write(f"certify {command}: warning: {one_line(str(message))}\n")
        except (OSError, ValueError):
            pass

    return show


def full_command(command: str, argv: Sequence[str]) -> str:
    """The command's words as typed, for the error prefix: ``pg tabular`` rather than the
    group ``pg`` when ``command`` is a group and its sub-command follows it in ``argv``."""
    from certify.commands.registry import group_commands

    leaves = {c.leaf for c in group_commands(command)} if command else set()
    if leaves and command in argv:
        i = list(argv).index(command)
        if i + 1 < len(argv) and argv[i + 1] in leaves:
            return f"{command} {argv[i + 1]}"
    return command


def one_line(text: str) -> str:
    """``text`` on one line, cut at :data:`_MAX_MESSAGE` characters."""
    flat = " ".join(str(text).split()) if "\n" in str(text) else str(text)
    return flat if len(flat) <= _MAX_MESSAGE else flat[: _MAX_MESSAGE - 15] + " ... (cut)"


def debug_requested(argv: Sequence[str]) -> bool:
    return DEBUG_FLAG in argv or os.environ.get(DEBUG_ENV, "") not in ("", "0")


@contextmanager
def sigterm_as_exception() -> Iterator[None]:
    """Turn SIGTERM into :class:`Terminated` while the block runs (main thread only, and only
    when nobody else installed a handler)."""
    import threading

    if threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    def _raise(signum: int, frame: object) -> None:
        raise Terminated()

    signal.signal(signal.SIGTERM, _raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def write_crash_log(argv: Sequence[str], exc: BaseException) -> Path | None:
    """Write the traceback of ``exc`` with the command line to a new log file; its path, or
    None when no log could be written."""
    folder = Path(os.environ.get(CRASH_DIR_ENV) or tempfile.gettempdir())
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        fd, name = tempfile.mkstemp(prefix=f"certify-crash-{stamp}-", suffix=".log", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f"certify {_version()} on Python {sys.version.split()[0]}\n")
            fh.write("command line: certify " + " ".join(map(str, argv)) + "\n\n")
            fh.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        return Path(name)
    except OSError:
        return None


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("certify")
    except PackageNotFoundError:
        return "unknown"


def _report(command: str, kind: str, message: str, code: int, as_json: bool,
            prefix: str = "error") -> int:
    """Print the one-line message (and the JSON document under --json); return ``code``."""
    line = one_line(message)
    if as_json:
        _write_json_error(kind, line, code)
    print(f"certify {command}: {prefix}: {line}".replace("certify : ", "certify: "),
          file=sys.stderr)
    return code


def _write_json_error(kind: str, message: str, code: int) -> None:
    """The ``{"error": {...}}`` document of a failed ``--json`` run, on stdout."""
    try:
        sys.stdout.write(json.dumps({"error": {"kind": kind, "message": one_line(message),
                                               "exit_code": code}}, indent=2) + "\n")
        sys.stdout.flush()
    except OSError:
        _silence_stdout()


def _silence_stdout() -> None:
    """Point stdout at /dev/null after a write to it failed (e.g. ``> /dev/full``), so the
    interpreter's final flush does not print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _flush_stdout() -> None:
    try:
        sys.stdout.flush()
    except OSError as exc:
        _silence_stdout()
        raise StdoutError(exc) from exc


class StdoutError(Exception):
    """Standard output cannot be written (a full disk, a closed pipe)."""

    def __init__(self, exc: OSError):
        super().__init__(exc.strerror or str(exc))


def run_command(parser: argparse.ArgumentParser, argv: Sequence[str] | None,
                dispatch: Callable[[argparse.Namespace], int | None]) -> int:
    """Parse ``argv`` and run ``dispatch(args)``; map every way it can end to an exit code
    (see the module docstring).  Never lets an exception escape, except SystemExit from
    argparse's ``--help``/``--version``/usage errors."""
    from certify.errors import BudgetExhausted, CertifyError, InputTooLarge, SolverError, TeXNotFound

    raw = list(sys.argv[1:] if argv is None else argv)
    debug = debug_requested(raw)
    args_list = [a for a in raw if a != DEBUG_FLAG]
    as_json = "--json" in args_list
    command = ""
    _JSON_ERRORS[0] = as_json
    try:
        with sigterm_as_exception():
            args = parser.parse_args(args_list)
            command = full_command(str(getattr(args, "command", "") or ""), args_list)
            with warnings.catch_warnings():
                warnings.simplefilter("default")
                warnings.showwarning = _one_line_warning(command)
                code = dispatch(args)
            _flush_stdout()
            return int(code or 0)
    except SystemExit as exc:  # argparse (--help, usage errors) or a nested parser
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated:
        print("terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except SolverError as exc:
        if isinstance(exc, TeXNotFound):  # the environment lacks a tool the user asked for
            return _report(command, "missing_tool", str(exc), EXIT_BAD_INPUT, as_json)
        # a numerical method failed: the asked-for check is inconclusive, not bad input
        return _report(command, "inconclusive", str(exc), EXIT_NOT_CERTIFIED, as_json,
                       prefix="inconclusive")
    except CertifyError as exc:
        kind = ("input_too_large" if isinstance(exc, InputTooLarge) else
                "budget_exhausted" if isinstance(exc, BudgetExhausted) else "bad_input")
        if debug:
            traceback.print_exc()
        return _report(command, kind, str(exc), EXIT_BAD_INPUT, as_json)
    except StdoutError as exc:
        return _report(command, "output", f"cannot write standard output ({exc})",
                       EXIT_BAD_INPUT, False)
    except RecursionError:
        # only input drives recursion this deep (nesting is capped by certify.limits first)
        return _report(command, "input_too_large", "the input is nested too deeply to process "
                       "(lower its nesting, see CERTIFY_MAX_DEPTH)", EXIT_BAD_INPUT, as_json)
    except MemoryError:
        return _report(command, "input_too_large", "out of memory: the input is too large for "
                       "this machine (the CERTIFY_MAX_* limits bound the input sizes)",
                       EXIT_BAD_INPUT, as_json)
    except OSError as exc:
        if exc.filename is None and exc.errno in _STREAM_ERRNOS:
            _silence_stdout()  # standard output is full or closed: say so on stderr
            return _report(command, "output", f"cannot write standard output "
                           f"({exc.strerror or exc})", EXIT_BAD_INPUT, False)
        if exc.filename is None:
            return _internal(command, raw, exc, debug, as_json)
        # a file certify must read or write: the environment, not certify, is at fault
        return _report(command, "output", f"{exc.filename}: {exc.strerror or exc}",
                       EXIT_BAD_INPUT, as_json)
    except Exception as exc:  # noqa: BLE001 - the one place an unexpected error is caught
        return _internal(command, raw, exc, debug, as_json)
    finally:
        _JSON_ERRORS[0] = False


def _internal(command: str, argv: Sequence[str], exc: BaseException, debug: bool,
              as_json: bool) -> int:
    what = f"{type(exc).__name__}: {exc}"
    if debug:
        traceback.print_exception(type(exc), exc, exc.__traceback__)
        where = "the traceback is above"
    else:
        log = write_crash_log(argv, exc)
        where = (f"the traceback is in {log}" if log is not None
                 else "rerun with --debug for the traceback")
    return _report(command, "internal_error", f"internal error (a bug in certify; please "
                   f"report it): {one_line(what)[:300]}; {where}", EXIT_INTERNAL, as_json)
