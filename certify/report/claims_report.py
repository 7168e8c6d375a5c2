"""The LaTeX report of a claims file, for a paper's appendix: one booktabs table of the claims
with their assertions, computed values, verdicts and outcomes, then one subsection per distinct
computation typesetting its output and its certificates
(:mod:`certify.report.command_section`, any command of :data:`certify.commands.COMMANDS`)."""

from __future__ import annotations

from collections.abc import Sequence

from certify.formatting import side_of_key
from certify.report.check_latex import text_latex
from certify.report.command_section import computation_body, computation_fields, path_tex
from certify.report.latex import Latex, escape, num, render
from certify.report.references import COMMAND_PAPER, references_tex

TABLE_WIDTHS = (0.22, 0.33, 0.27, 0.18)
"""Fractions of the line width of the claims table's columns (claim, assertion, computed
values, verdict and outcome); each column is that fraction less its two \\tabcolsep, so the
table is never wider than the line."""


def _value(v: object, key: str = "") -> Latex:
    """A computed value of a claim; a float bound is rounded the safe way for its field."""
    if isinstance(v, bool):
        return escape(str(v).lower())  # as the JSON and the appendix table write it
    if isinstance(v, float):
        if v != v:
            return Latex("--")  # NaN: no value
        return num(v, 10, {"upper": "up", "lower": "down"}.get(side_of_key(key), "nearest"))
    return escape(repr(v) if isinstance(v, str) else v)


def _paper(command: str) -> str:
    """The key of the paper behind ``command``, spelled canonically or by an older alias
    (``ntk_check`` is ``ntk check``: the bibliography of seed 001's claims was empty)."""
    from certify.commands.registry import canonical_name

    return COMMAND_PAPER.get(canonical_name(command).split()[0], "")


def _key(run) -> str:
    return "certify:claims:" + "".join(c if c.isalnum() else "-" for c in run.file.path.stem)


def computations(run) -> list[tuple[str, list]]:
    """Distinct computations of a run in order of first use: (key, the claims using it)."""
    from certify.claims import computation_key

    groups: dict[str, list] = {}
    for o in run.outcomes:
        groups.setdefault(computation_key(o.claim), []).append(o.claim)
    return [(k, cs) for k, cs in groups.items() if k in run.documents]


def claims_body(run) -> str:
    """The body (a ``\\section``) for a :class:`certify.claims.ClaimsRun`."""
    rows = []
    for o in run.outcomes:
        values = Latex(r"\newline ".join(path_tex(k) + " = " + _value(v, k)
                                          for k, v in o.values.items()))
        rows.append({"name": text_latex(o.claim.name), "command": o.claim.command,
                     # breakable after dots and underscores: a long name stays in its column
                     "asserts": Latex(r"\newline ".join(path_tex(a) for a in o.claim.assertions)),
                     "computed": values or Latex("--"), "verdict": o.verdict or "--",
                     "status": {"pass": "holds", "fail": "fails", "error": "error"}[o.status]})
    n_ok = sum(o.passed for o in run.outcomes)
    key = _key(run)
    sections, fields, timings = [], [], []
    for i, (k, cs) in enumerate(computations(run), start=1):
        sections.append(computation_body(i, cs[0].command, cs[0].params, run.documents[k],
                                         [c.name for c in cs], key))
        tex, times = computation_fields(i, cs[0].command, run.documents[k], key)
        fields.append(tex)
        timings += [{"index": i, "field": r.field,
                     "value": num(r.raw, 3) if isinstance(r.raw, float) else r.value}
                    for r in times]
    appendix = [r"\section{Appendix: recorded outputs of " + r"\texttt{" + escape(run.file.path.name)
                + "}}", rf"\label{{{key}:appendix}}"] + fields
    if timings:
        appendix.append(render("timings.tex.j2", rows=timings, file=run.file.path.name, key=key))
    return render("claims.tex.j2", title=run.file.title,
                  description=text_latex(run.file.description) if run.file.description else "",
                  file=run.file.path.name, rows=rows, n_ok=n_ok, n=len(run.outcomes), key=key,
                  computations=Latex("\n".join(sections)), widths=[Latex(f"{w:.2f}") for w in TABLE_WIDTHS],
                  appendix=Latex("\n".join(appendix)),
                  references=Latex(references_tex([_paper(o.claim.command) for o in run.outcomes])))


def claims_report(runs, fragment: bool = False) -> str:
    """The complete LaTeX report (document or fragment) of one claims run or several.

    Parameters
    ----------
    runs : ClaimsRun or sequence of ClaimsRun
        The result(s) of :func:`certify.claims.run_claims`.
    fragment : bool
        Return the body only (for inclusion in another document).
    """
    from certify.algorithms.qlearning.report import document

    runs = list(runs) if isinstance(runs, Sequence) else [runs]
    title = (f"Checked claims: {runs[0].file.title}" if len(runs) == 1
             else f"Checked claims of {len(runs)} claims files")
    return document("\n".join(claims_body(r) for r in runs), title, fragment)
