"""Helpers shared by the sub-commands: argument types, output, exit codes."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Iterable
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from certify.errors import InvalidInput
from certify.verdict import Evidence, Verdict, combine

if TYPE_CHECKING:
    from rich.table import Table


class _LazyConsole:
    """A rich Console created on first use, so that parsing and ``--help`` never import rich."""

    def __init__(self, stderr: bool = False) -> None:
        object.__setattr__(self, "_stderr", stderr)
        object.__setattr__(self, "_real", None)

    def _console(self):
        if self._real is None:
            # emoji=False: ":100:" in a user's name ("garnet:100:4:3:0") stays text, not an emoji
            real_console = _safe_console_class()(stderr=self._stderr, emoji=False)
            if not self._stderr and not real_console.is_terminal:
                real_console.width = 160  # piped or captured: do not squeeze tables
            object.__setattr__(self, "_real", real_console)
        return self._real

    @property
    def real(self):
        """The rich Console itself (for rich objects that take a ``console=``)."""
        return self._console()

    def __enter__(self):
        return self._console().__enter__()

    def __exit__(self, *exc: object) -> Any:
        return self._console().__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._console(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._console(), name, value)


console: Any = _LazyConsole()
err_console: Any = _LazyConsole(stderr=True)


def escape(text: str) -> str:
    """User text made safe for rich markup (``[``, ``:emoji:`` ...), rich imported on first use."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def _safe_console_class():
    """A rich Console that prints text whose square brackets are not valid markup (user text
    such as a problem named "[/bold]") literally instead of raising MarkupError."""
    from rich.console import Console
    from rich.errors import MarkupError

    class SafeConsole(Console):
        def print(self, *objects: Any, **kwargs: Any) -> None:  # type: ignore[override]
            try:
                super().print(*objects, **kwargs)
            except MarkupError:
                super().print(*(_literal(o) for o in objects), **kwargs)

    return SafeConsole


def _literal(obj: Any) -> Any:
    """``obj`` with the markup of its strings (and of a table's cells and title) escaped."""
    from rich.markup import escape as rich_escape
    from rich.table import Table

    if isinstance(obj, str):
        return rich_escape(obj)
    if isinstance(obj, Table):
        for col in obj.columns:
            col._cells = [rich_escape(c) if isinstance(c, str) else c for c in col._cells]
            if isinstance(col.header, str):
                col.header = rich_escape(col.header)
        if isinstance(obj.title, str):
            obj.title = rich_escape(obj.title)
        if isinstance(obj.caption, str):
            obj.caption = rich_escape(obj.caption)
    return obj


def add_json_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")


def problem_spec(text: str) -> str:
    """argparse type of an MDP / PROBLEM argument: a file or a built-in name, passed on as is.

    Guard: a Garnet name with a negative seed is refused here (the Garnet builder hands the
    seed to numpy, which raises a bare ValueError for it)."""
    parts = text.split(":")
    if parts[0] == "garnet" and len(parts) == 5 and not Path(text).exists():
        try:
            seed = int(parts[4])
        except ValueError:
            return text  # the loader explains the Garnet form
        if seed < 0:
            raise argparse.ArgumentTypeError(f"{text!r}: the Garnet seed must be an integer >= 0, "
                                             f"found {seed}")
    return text


def add_problem_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("mdp", metavar="MDP", type=problem_spec,
                   help="a file (.yaml, .json, .npz) or a built-in name (see `certify examples`)")


PLOT_SUFFIXES: tuple[str, ...] = (".png", ".pdf", ".svg", ".eps", ".jpg", ".jpeg")
"""Figure formats accepted by ``--plot`` (all written by matplotlib)."""


def check_output_options(args: argparse.Namespace) -> None:
    """Refuse a ``--plot`` or ``--save-certificate`` file that cannot be written (its folder is
    missing, it is a folder, or a figure has an unknown suffix) before any computation runs."""
    plot, cert = getattr(args, "plot", None), getattr(args, "save_certificate", None)
    if plot is None and cert is None:
        return  # the report package (jinja2, matplotlib) is imported only when needed
    from certify.report.build import check_output_path

    if plot is not None:
        check_output_path(plot, PLOT_SUFFIXES, "--plot")
    if cert is not None:
        check_output_path(cert, None, "--save-certificate")


def add_save_certificates_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--save-certificates", metavar="DIR", type=Path,
                   help="write every certificate as JSON into the folder DIR "
                        "(re-check them later with `certify verify DIR/*.json`)")


def check_certificates_folder(folder: Path | None) -> None:
    """Create the --save-certificates folder (and its parents) before any work is done; refuse
    a path that is an existing file or cannot be created."""
    if folder is None:
        return
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(f"--save-certificates: {str(folder)!r} is a file; expected a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(f"--save-certificates: cannot create the folder {str(folder)!r} "
                           f"({exc.strerror})") from None
    from certify.outputs import check_writable

    check_writable(folder, None, "--save-certificates")


def write_certificates(folder: Path, items: Iterable[tuple[str, Any, Any]]) -> list[Path]:
    """Write ``(name, certificate, check)`` triples as ``folder/name.json`` (skipping None),
    all or nothing (:func:`certify.outputs.write_files_atomic`)."""
    from certify.outputs import write_files_atomic

    files = {f"{name}.json": json.dumps(to_jsonable(cert.to_dict(check)))
             for name, cert, check in items if cert is not None}
    return write_files_atomic(folder, files)


def add_sampling_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sampling", metavar="FILE|uniform|markov", default=None,
                   help="sampling distribution: 'uniform', 'markov' (one trajectory of the "
                        "problem's behaviour policy, else the uniform policy), or a YAML/JSON "
                        "file with 'd' or 'behaviour' (default: the problem's own, else uniform)")


def _int_at_least(text: str, low: int, what: str) -> int:
    try:
        v = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected {what}, found {text!r}") from exc
    if v < low:
        raise argparse.ArgumentTypeError(f"expected {what}, found {v}")
    return v


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    return _int_at_least(text, 1, "a positive integer")


def nonneg_int(text: str) -> int:
    """argparse type: an integer >= 0."""
    return _int_at_least(text, 0, "an integer >= 0")


def real(text: str) -> float:
    """argparse type: a finite real number (range checks belong to the API)."""
    try:
        v = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a number, found {text!r}") from exc
    if not math.isfinite(v):
        raise argparse.ArgumentTypeError(f"expected a finite number, found {text!r}")
    return v


def load_problem_and_sampling(args: argparse.Namespace, positive: bool = True):
    """The problem named by ``args.mdp`` and the sampling model from ``--sampling``."""
    from certify.mdp.io import load_problem_with_sampling

    return load_problem_with_sampling(args.mdp, getattr(args, "sampling", None), positive)


def to_jsonable(obj: Any) -> Any:
    """Convert numpy arrays, Fractions, Verdicts and dataclass-likes for json.dumps."""
    np = sys.modules.get("numpy")  # no numpy object can exist before numpy is imported
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        if all(type(v) is float or type(v) is int for v in obj):  # fast path: plain numbers
            return [v if type(v) is int or math.isfinite(v) else None for v in obj]
        return [to_jsonable(v) for v in obj]
    if np is not None and isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if np is not None and isinstance(obj, np.generic):
        return to_jsonable(obj.item())
    if isinstance(obj, Verdict):
        return obj.value
    if isinstance(obj, Fraction):
        return str(obj)
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def print_json(doc: Any) -> None:
    sys.stdout.write(json.dumps(to_jsonable(doc), indent=2) + "\n")


def emit(doc: Any, render: Callable[[], None], as_json: bool, verdicts: Iterable[Verdict | str]) -> int:
    """The end of every command: print ``doc`` as JSON or call ``render()``, then return the
    exit code of ``verdicts`` (0 when all certified, else 1)."""
    if as_json:
        print_json(doc)
    else:
        render()
    return exit_code(verdicts)


def exit_code(verdicts: Iterable[Verdict | str]) -> int:
    """0 when every check certified, 1 otherwise."""
    return 0 if combine(list(verdicts)) is Verdict.CERTIFIED else 1


VERDICT_STYLE = {"certified": "green", "refuted": "red", "inconclusive": "yellow",
                 "consistent": "green", "violated": "red", "loose": "yellow"}


def verdict_text(v: Verdict | Evidence | str) -> str:
    """A verdict (certified / refuted / inconclusive) or a cross-validation outcome
    (consistent / violated / inconclusive), coloured."""
    word = str(v.value if isinstance(v, Verdict | Evidence) else v)
    if word not in VERDICT_STYLE:
        raise ValueError(f"not a verdict: {v!r}")
    return f"[{VERDICT_STYLE[word]}]{word}[/]"


def evidence_exit_code(outcome: Evidence | str) -> int:
    """0 when a cross-validation is consistent, else 1."""
    return 0 if Evidence(outcome) is Evidence.CONSISTENT else 1


def table(title: str, columns: list[str], rows: list[list[Any]]) -> Table:
    from rich.table import Table

    t = Table(title=title, title_justify="left")
    for c in columns:
        t.add_column(c)
    for r in rows:
        t.add_row(*[str(x) for x in r])
    return t


def fmt(x: float | None, digits: int = 10, mode: str = "nearest") -> str:
    """A number for a table.  Certified bounds must say which way to round: ``mode="up"``
    for an upper bound, ``"down"`` for a lower bound (see :mod:`certify.exact.printing`)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    if mode == "nearest":
        return f"{x:.{digits}g}"
    from certify.exact.printing import safe_round

    return str(safe_round(x, "upper" if mode == "up" else "lower", digits))
