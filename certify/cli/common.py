"""Helpers shared by the sub-commands: argument types, output, exit codes."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from ..errors import InvalidInput
from ..verdict import Evidence, Verdict, combine


class _SafeConsole(Console):
    """A rich Console that prints text whose square brackets are not valid markup (user text
    such as a problem named "[/bold]") literally instead of raising MarkupError."""

    def print(self, *objects: Any, **kwargs: Any) -> None:  # type: ignore[override]
        from rich.errors import MarkupError

        try:
            super().print(*objects, **kwargs)
        except MarkupError:
            super().print(*(_literal(o) for o in objects), **kwargs)


def _literal(obj: Any) -> Any:
    """``obj`` with the markup of its strings (and of a table's cells and title) escaped."""
    from rich.markup import escape

    if isinstance(obj, str):
        return escape(obj)
    if isinstance(obj, Table):
        for col in obj.columns:
            col._cells = [escape(c) if isinstance(c, str) else c for c in col._cells]
            if isinstance(col.header, str):
                col.header = escape(col.header)
        if isinstance(obj.title, str):
            obj.title = escape(obj.title)
        if isinstance(obj.caption, str):
            obj.caption = escape(obj.caption)
    return obj


console = _SafeConsole()
if not console.is_terminal:  # piped or captured: do not squeeze tables into 80 columns
    console.width = 160
err_console = _SafeConsole(stderr=True)


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
    from ..report.build import check_output_path

    if getattr(args, "plot", None) is not None:
        check_output_path(args.plot, PLOT_SUFFIXES, "--plot")
    if getattr(args, "save_certificate", None) is not None:
        check_output_path(args.save_certificate, None, "--save-certificate")


def add_save_certificates_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--save-certificates", metavar="DIR", type=Path,
                   help="write every certificate as JSON into the folder DIR "
                        "(re-check them later with `certify verify DIR/*.json`)")


def check_certificates_folder(folder: Path | None) -> None:
    """Refuse a --save-certificates folder that does not exist, before any work is done."""
    if folder is not None and not folder.is_dir():
        raise InvalidInput(f"--save-certificates: {str(folder)!r} is not an existing folder")
    if folder is not None:
        from ..outputs import check_writable

        check_writable(folder, None, "--save-certificates")


def write_certificates(folder: Path, items: Iterable[tuple[str, Any, Any]]) -> list[Path]:
    """Write ``(name, certificate, check)`` triples as ``folder/name.json`` (skipping None),
    all or nothing (:func:`certify.outputs.write_files_atomic`)."""
    from ..outputs import write_files_atomic

    files = {f"{name}.json": json.dumps(to_jsonable(cert.to_dict(check)))
             for name, cert, check in items if cert is not None}
    return write_files_atomic(folder, files)


def add_sampling_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sampling", metavar="FILE|uniform", default=None,
                   help="sampling distribution: 'uniform', or a YAML/JSON file with 'd' or "
                        "'behaviour' (default: the problem's own, else uniform)")


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
    from ..mdp.io import load_problem_with_sampling

    return load_problem_with_sampling(args.mdp, getattr(args, "sampling", None), positive)


def to_jsonable(obj: Any) -> Any:
    """Convert numpy arrays, Fractions, Verdicts and dataclass-likes for json.dumps."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, np.generic):
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
                 "consistent": "green", "violated": "red"}


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
    t = Table(title=title, title_justify="left")
    for c in columns:
        t.add_column(c)
    for r in rows:
        t.add_row(*[str(x) for x in r])
    return t


def fmt(x: float | None, digits: int = 10, mode: str = "nearest") -> str:
    """A number for a table.  Certified bounds must say which way to round: ``mode="up"``
    for an upper bound, ``"down"`` for a lower bound (see :mod:`certify.numfmt`)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    if mode == "nearest":
        return f"{x:.{digits}g}"
    from ..numfmt import decimal_digits

    return decimal_digits(x, digits, mode)  # type: ignore[arg-type]
