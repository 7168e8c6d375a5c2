"""The LaTeX report of a claims file: one booktabs table of claims with their assertions,
computed values, verdicts and outcomes, for a paper's appendix."""

from __future__ import annotations

from .latex import Latex, escape, num, render


def _value(v: object) -> Latex:
    if isinstance(v, float):
        return num(v, 10)
    return escape(repr(v) if isinstance(v, str) else v)


def claims_body(run) -> str:
    """The body (a ``\\section``) for a :class:`certify.claims.ClaimsRun`."""
    rows = []
    for o in run.outcomes:
        values = Latex(r"\newline ".join(escape(k) + " = " + _value(v) for k, v in o.values.items()))
        rows.append({"name": o.claim.name, "command": o.claim.command,
                     "asserts": Latex(r"\newline ".join(r"\texttt{" + escape(a) + "}"
                                                        for a in o.claim.assertions)),
                     "values": values or Latex("--"), "verdict": o.verdict or "--",
                     "status": {"pass": "holds", "fail": "fails", "error": "error"}[o.status]})
    n_ok = sum(o.passed for o in run.outcomes)
    return render("claims.tex.j2", title=run.file.title, description=run.file.description,
                  file=run.file.path.name, rows=rows, n_ok=n_ok, n=len(run.outcomes),
                  key="certify:claims:" + "".join(c if c.isalnum() else "-" for c in run.file.path.stem))


def claims_report(run, fragment: bool = False) -> str:
    """The complete LaTeX report (document or fragment) of a claims run."""
    from .qlearning import document

    return document(claims_body(run), f"Checked claims: {run.file.title}", fragment)
