"""The LaTeX section of one computation of a claims file, for every command of
:data:`certify.commands.COMMANDS`.

A command's output is a JSON document (the one of ``certify <command> --json``).  This
module typesets it generically, so that every command a claim can name is reportable:

* a booktabs table (``longtable``, so it may break across pages) of the recorded scalar
  fields under their dotted names (numbers with :data:`~certify.report.latex.RATE_DIGITS`
  digits, verdicts, short texts, short numeric vectors); long exact fractions, matrices and
  long lists are left to the JSON output and counted;
* list items carrying a ``name`` (e.g. the conditions of ``sa_check``) as one row each with
  their status;
* the certificates found in the document: a mapping whose ``kind`` is a registered
  certificate kind.  When it carries its ``witness`` the certificate is rebuilt with
  :func:`certify.certificates.base.certificate_from_dict`, re-verified exactly now, and its
  own ``to_latex()`` paragraph is printed with the verdict of that re-check (a tampered
  witness is reported as refused, never as certified).  Without a witness (e.g. the summary
  certificates of ``qlearning`` and ``jsr``) its recorded claim and verdict are printed and
  marked as recorded.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from certify.formatting import side_of_key
from certify.report.check_latex import GREEK, text_latex
from certify.report.latex import RATE_DIGITS, Latex, escape, num, render, vector

MAX_ROWS = 50
"""Rows of the field table per computation; the rest are counted (they are in the JSON)."""
MAX_TEXT = 200
"""Longer strings are shortened with an ellipsis."""
MAX_VECTOR = 8
"""Numeric lists up to this length are printed as vectors."""
MAX_ITEMS = 4
"""Items of a list of mappings (without names) flattened into the table."""
FORMULA_KEYS = ("formula", "claim", "reason", "evidence", "relation")
"""Text fields whose ASCII formulas are typeset (:func:`certify.report.check_latex.text_latex`)."""
_FRACTION = re.compile(r"^-?\d+/\d+$")
LOOKS_LIKE_FORMULA = re.compile(r"<=|>=|!=|\|\||_inf\b|\^| [<>=] |\b(?:" + "|".join(GREEK) + r")\b")
"""A text field matching this holds an ASCII formula and is typeset like a formula key's."""


@dataclass(frozen=True)
class Row:
    """One line of the field table: the dotted field name and its typeset value."""

    field: Latex
    value: Latex
    path: str = ""
    raw: object = None


TIMING_KEYS = ("timings", "seconds", "elapsed", "wall_time")
"""A field is a timing when one of its dotted path's parts is one of these (the claims report
moves timings to its appendix: they vary between runs and decide no verdict)."""


def is_timing(path: str) -> bool:
    """Whether the dotted field name ``path`` (``direct_jsr.timings.search_s``) is a timing."""
    parts = re.split(r"[.\[\]: ]+", path)
    return any(p in TIMING_KEYS or p.endswith("_seconds") for p in parts)


def path_tex(path: str) -> Latex:
    """A dotted field name in typewriter type, breakable after dots and underscores."""
    t = re.sub(r"\.(?=[A-Za-z\\])", r".\\allowbreak{}", escape(path))  # not inside a number
    t = t.replace(r"\_", r"\_\allowbreak{}")
    return Latex(r"\texttt{" + t + "}")


_MODE = {"upper": "up", "lower": "down", "value": "nearest"}


def _value_tex(v: object, key: str = "") -> Latex | None:
    """Typeset a scalar or short vector; None when it belongs to the JSON only.  A float
    field is rounded the safe way for its name (:func:`certify.formatting.side_of_key`)."""
    if v is None:
        return Latex("--")
    if isinstance(v, bool):
        return escape(str(v).lower())
    if isinstance(v, int):
        return num(v)
    if isinstance(v, float):
        if math.isnan(v):
            return Latex("--")  # no value (e.g. the upper end of a method that gives none)
        return num(v, RATE_DIGITS, _MODE[side_of_key(key)])
    if isinstance(v, str):
        if _FRACTION.match(v):
            return Latex(r"$" + v.replace("/", r"/\allowbreak{}") + "$") if len(v) <= 24 else None
        if any(len(tok) > 40 for tok in v.split()):
            return None  # a long formula or number: it would not fit a line
        text = v if len(v) <= MAX_TEXT else v[:MAX_TEXT].rsplit(" ", 1)[0] + " ..."
        if re.split(r"[.\[\]: ]+", key)[-1] in FORMULA_KEYS or LOOKS_LIKE_FORMULA.search(text):
            return text_latex(text)  # its ASCII formulas typeset (<= as \le, ...)
        return escape(text)
    if isinstance(v, list) and 0 < len(v) <= MAX_VECTOR and all(
            isinstance(x, (int, float)) and not isinstance(x, bool) for x in v):
        if all(math.isfinite(float(x)) for x in v):
            return vector(v, RATE_DIGITS if len(v) <= 4 else 6)
    return None


def _is_certificate(v: object, kinds: set[str]) -> bool:
    return isinstance(v, dict) and v.get("kind") in kinds and (
        "witness" in v or "claim" in v or "verdict" in v)


def _walk(doc: dict, prefix: str, kinds: set[str], rows: list[Row], certs: list[tuple[str, dict]],
          skipped: list[str]) -> None:
    for key, v in doc.items():
        path = f"{prefix}{key}"
        if _is_certificate(v, kinds):
            certs.append((path, v))
        elif isinstance(v, dict):
            _walk(v, path + ".", kinds, rows, certs, skipped)
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            _walk_items(v, path, kinds, rows, certs, skipped)
        elif v is not None:  # null fields (not applicable) are left out
            t = _value_tex(v, path)
            if t is None:
                skipped.append(path)
            else:
                rows.append(Row(path_tex(path), t, path, v))


def _walk_items(items: list[dict], path: str, kinds: set[str], rows: list[Row],
                certs: list[tuple[str, dict]], skipped: list[str]) -> None:
    for i, item in enumerate(items):
        if _is_certificate(item, kinds):
            certs.append((f"{path}[{i}]", item))
        elif isinstance(item.get("name"), str):
            status = item.get("status", item.get("verdict", item.get("holds")))
            t = _value_tex(status)
            rows.append(Row(path_tex(f"{path}: {item['name']}"), t if t is not None else Latex("--"),
                            f"{path}: {item['name']}"))
        elif i < MAX_ITEMS:
            _walk(item, f"{path}[{i}].", kinds, rows, certs, skipped)
        else:
            skipped.append(f"{path}[{i}]")


def document_fields(doc: dict) -> tuple[list[Row], list[tuple[str, dict]], list[str]]:
    """(table rows, certificates as (path, mapping), names of fields left to the JSON)."""
    from certify.certificates.base import certificate_kinds

    rows: list[Row] = []
    certs: list[tuple[str, dict]] = []
    skipped: list[str] = []
    _walk(doc, "", set(certificate_kinds()), rows, certs, skipped)
    return rows, certs, skipped


def certificate_paragraph(path: str, data: dict) -> dict:
    """Title, LaTeX text, verdict and its source ("re-checked now" or "recorded") of one
    certificate found at ``path`` of a command's output."""
    from certify.certificates.base import certificate_from_dict
    from certify.errors import CertifyError

    kind = str(data.get("kind"))
    title = Latex(f"Certificate {escape(kind)} at " + path_tex(path))
    if "witness" in data:
        try:
            cert = certificate_from_dict(data)
            check = cert.verify()
        except CertifyError as exc:
            return {"title": title, "text": escape(f"The recorded witness is malformed: {exc}"),
                    "verdict": "refused", "source": "re-checked now", "reason": ""}
        return {"title": title, "text": Latex(cert.to_latex()), "verdict": check.verdict.value,
                "source": "exact check re-run from the witness", "reason": text_latex(check.reason)}
    if data.get("claim_latex"):
        text = Latex("Claim: $" + str(data["claim_latex"]) + "$.")
    elif data.get("claim"):
        text = Latex("Claim: " + text_latex(data["claim"]) + ".")
    else:
        text = Latex("")
    if isinstance(data.get("bound"), (int, float)):
        side = {"lower": "down", "upper": "up", "exact": "up"}.get(str(data.get("side")))
        # side unknown: the recorded double itself, in its shortest exact decimal (no rounding)
        shown = (num(data["bound"], RATE_DIGITS, side) if side is not None
                 else num(Fraction(repr(float(data["bound"]))), 17))
        text = Latex(text + " Bound: " + shown + ".")
    return {"title": title, "text": text, "verdict": str(data.get("verdict", "--")),
            "source": "recorded by the command (no witness in its output)",
            "reason": text_latex(data.get("reason", "") or "")}


def _params_tex(params: dict) -> Latex:
    from pathlib import Path

    parts = []
    for k, v in params.items():
        if isinstance(v, str) and Path(v).is_absolute():
            v = Path(v).name  # never print this machine's folders into a report
        parts.append(r"\texttt{" + escape(k) + "} = " + (num(v, RATE_DIGITS) if isinstance(v, float)
                                                        else r"\texttt{" + escape(v) + "}"))
    return Latex(", ".join(parts) or "no parameters")


def computation_body(index: int, command: str, params: dict, doc: dict, claim_names: list[str],
                     key: str) -> str:
    """A ``\\subsection`` for the output ``doc`` of ``command`` run with ``params``: its
    parameters, verdict and certificates (the recorded fields are in the appendix,
    :func:`computation_fields`)."""
    _, certs, _ = document_fields(doc)
    return render("computation.tex.j2", index=index, command=command, params=_params_tex(params),
                  claims=Latex("; ".join(r"``" + text_latex(n) + "''" for n in claim_names)),
                  verdict=str(doc.get("verdict", "--")), key=f"{key}:computation-{index}",
                  certificates=[certificate_paragraph(p, c) for p, c in certs])


def computation_fields(index: int, command: str, doc: dict, key: str) -> tuple[str, list[Row]]:
    """The appendix table of the recorded fields of one computation, without its timings,
    and the timing rows (for the appendix's table of timings)."""
    rows, _, skipped = document_fields(doc)
    timings = [r for r in rows if is_timing(r.path)]
    rows = [r for r in rows if not is_timing(r.path)]
    shown, extra = rows[:MAX_ROWS], len(rows) - MAX_ROWS
    tex = render("computation_fields.tex.j2", index=index, command=command, rows=shown,
                 more=max(extra, 0), skipped=len(skipped), key=f"{key}:computation-{index}")
    return tex, timings
