"""The LaTeX report of :func:`certify.algorithms.qlearning.analysis.analyze_qlearning` (the seed-sls
style report).

The report holds the problem (MDP summary, step size, sampling), a booktabs table of every
certified quantity with its value, method and verdict, the certificates (each kind's
``to_latex()`` plus its witness: the weights w, the vector x and policy, the matrix X), the
finite-time bounds with their constants as formulas and numbers, and a figure of the bound
curves (:mod:`certify.report.plots`).  Rates are from seed 002 (Lemma 3, Theorems 1-4) and
theory.md section 3; the finite-time constants are marked as reconstructions there.
"""

from __future__ import annotations

import math
import re

import numpy as np

from certify.algorithms.qlearning.system import row_sum_rate_exact, trivial_lower_rate_exact
from certify.mdp.ordering import pair_of
from certify.report.check_latex import text_latex
from certify.report.latex import Latex, bound, escape, matrix, num, render, vector
from certify.report.plots import bound_curves, caption, pgfplots
from certify.report.references import references_tex
from certify.verdict import SKIPPED

MAX_TABLE_PAIRS = 40
"""Pairs listed in the data table; larger problems are summarised."""


def _key(name: str) -> str:
    return "certify:" + re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")


def _problem(res) -> dict:
    m, s = res.mdp, res.sampling
    return {"name": m.name, "n_states": m.n_states, "n_actions": m.n_actions,
            "n_pairs": m.n_pairs, "gamma": m.gamma, "alpha": res.alpha,
            "sampling": text_latex(s.description), "kind": s.kind, "d_min": s.d_min, "d_max": s.d_max}


def _pairs(res) -> tuple[list[dict], int]:
    m = res.mdp
    R = m.r_vector
    q = np.asarray(res.q_star, dtype=float).reshape(-1)
    rows = []
    for i in range(min(m.n_pairs, MAX_TABLE_PAIRS)):
        s, a = pair_of(i, m.n_actions)
        rows.append({"state": m.state_name(s), "action": m.action_name(a),
                     "d": num(res.sampling.d[i]), "R": num(R[i]), "q": num(q[i])})
    return rows, max(m.n_pairs - MAX_TABLE_PAIRS, 0)


def _quantities(res) -> list[dict]:
    d = res.direct
    exact = (res.sampling, res.alpha, res.mdp.gamma)
    rows = [
        {"name": Latex(r"direct JSR, lower bound"), "value": bound(d.lower, "lower"),
         "method": "Collatz-Wielandt vector, exact", "verdict": d.lower_check.verdict.value},
        {"name": Latex(r"direct JSR, upper bound"), "value": bound(d.upper, "upper"),
         "method": "weighted max-norm, exact", "verdict": d.upper_check.verdict.value},
        {"name": Latex(r"row-sum rate $1-\alpha d_{\min}(1-\gamma)$"),
         "value": bound(row_sum_rate_exact(*exact), "upper"),
         "method": "closed form (Lee (2026), Lemma 3)", "verdict": "--"},
        {"name": Latex(r"$1-\alpha d_{\max}(1-\gamma)$"),
         "value": bound(trivial_lower_rate_exact(*exact), "lower"),
         "method": "closed form (lower bound)", "verdict": "--"},
    ]
    if res.cqlf is not None:
        rows.append({"name": Latex(r"CQLF rate $\beta$"), "value": bound(res.cqlf.rate, "upper"),
                     "method": f"quadratic, SDP ({res.cqlf.solver.get('solver', '?')}) + exact LDL",
                     "verdict": res.cqlf.verdict.value})
    else:
        rows.append({"name": Latex(r"CQLF rate $\beta$"), "value": Latex("--"),
                     "method": res.cqlf_skipped or "not run", "verdict": SKIPPED})
    return rows


MAX_WITNESS = 8
"""Longer witness vectors show their first and last entries (the full vector, exact, is in
the certificate files of ``certify qlearning --save-certificates``)."""


def _witness(name: str, v) -> Latex:
    """``name = (v_1, ..., v_n)`` in display math, shortened beyond :data:`MAX_WITNESS`
    entries so that it fits the line (a 40-entry w ran 1440 pt into the margin)."""
    v = list(v)
    if len(v) <= MAX_WITNESS:
        return Latex(f"{name} = " + vector(v)[1:-1])
    shown = [num(x, math_mode=False) for x in v[:4]]
    return Latex(f"{name} = (" + ",\\ ".join(shown) + ",\\ \\dots,\\ "
                 + num(v[-1], math_mode=False) + ")\\quad\\text{(" + str(len(v)) + " entries)}")


def _certificates(res) -> list[dict]:
    d = res.direct
    out = []
    if d.upper_certificate is not None:
        c = d.upper_certificate
        out.append({"title": "Upper bound: weighted max-norm", "text": Latex(c.to_latex()),
                    "verdict": d.upper_check.verdict.value, "reason": text_latex(d.upper_check.reason),
                    "witness": _witness("w", c.w)})
    if d.lower_certificate is not None:
        c = d.lower_certificate
        out.append({"title": "Lower bound: Collatz-Wielandt", "text": Latex(c.to_latex()),
                    "verdict": d.lower_check.verdict.value, "reason": text_latex(d.lower_check.reason),
                    "witness": _witness("x", c.x)})
    cq = res.cqlf
    if cq is not None and cq.certificate is not None:
        c = cq.certificate
        out.append({"title": "Common quadratic Lyapunov function", "text": Latex(c.to_latex()),
                    "verdict": cq.check.verdict.value if cq.check else cq.verdict.value,
                    "reason": text_latex(cq.check.reason if cq.check else cq.reason),
                    "witness": Latex(r"X \approx " + matrix(c.X))})
    return out


def _bounds(res) -> tuple[dict | None, dict | None]:
    mn = qd = None
    if res.max_norm_bound is not None:
        b = res.max_norm_bound
        mn = {"rate": bound(b.rho, "upper")[1:-1], "kappa": num(b.kappa, mode="up", math_mode=False),
              "alpha": num(b.alpha, math_mode=False), "w_inf": num(b.w_inf, math_mode=False),
              "floor": num(b.floor(), mode="up", math_mode=False)}
        mn = {k: Latex(v) for k, v in mn.items()}
    if res.quadratic_bound is not None:
        q = res.quadratic_bound
        qd = {k: Latex(v) for k, v in {
            "rate": bound(q.beta, "upper")[1:-1], "lam": num(q.lam_max, mode="up", math_mode=False),
            "W": num(q.W, math_mode=False), "floor": num(q.floor(), mode="up", math_mode=False)}.items()}
    return mn, qd


def qlearning_body(res, steps: int | None = None,
                   simulated: tuple[np.ndarray, np.ndarray] | None = None,
                   figure: Latex | None = None) -> str:
    """The report body (a ``\\section``) for a
    :class:`~certify.algorithms.qlearning.analysis.QLearningResult`.

    ``simulated`` = (recorded steps, mean relative error) of Monte-Carlo runs
    (:func:`certify.report.plots.simulated_relative_error`), plotted against the bounds.
    ``figure`` replaces the pgfplots figure (e.g. an
    ``\\includegraphics`` of :func:`certify.report.plots.matplotlib_pdf` output).
    """
    key = _key(res.mdp.name)
    d = res.direct
    policy = Latex(", ".join(escape(res.mdp.state_name(s)) + r" $\mapsto$ "
                             + escape(res.mdp.action_name(a)) for s, a in enumerate(d.policy)))
    pairs, omitted = _pairs(res)
    mn, qd = _bounds(res)
    if figure is None:
        figure = pgfplots(bound_curves(res, steps, simulated), caption(res), label=f"{key}:bounds")
    note = "" if simulated is None else (
        "The curve with markers is the mean relative error of simulated Q-learning runs "
        "(i.i.d. sampling, $Q_0 = 0$); every bound curve lies above it.")
    return render("qlearning.tex.j2", p=_problem(res), key=key, pairs=pairs,
                  pairs_omitted=omitted, quantities=_quantities(res),
                  verdict=res.verdict.value,
                  policy=policy,
                  speedup=num(res.speedup, 4) if math.isfinite(res.speedup) else Latex("--"),
                  certificates=_certificates(res), max_norm=mn, quadratic=qd,
                  figure=figure, figure_note=Latex(note), notes=list(res.notes),
                  references=Latex(references_tex(["qlearning"])))


def document(body: str, title: str, fragment: bool = False) -> str:
    """Wrap a body into a stand-alone document or an ``\\input``-able fragment."""
    from certify import __version__

    return render("fragment.tex.j2" if fragment else "document.tex.j2", body=Latex(body),
                  title=title, version=__version__)


def qlearning_report(res, fragment: bool = False, steps: int | None = None,
                     simulated: tuple[np.ndarray, np.ndarray] | None = None,
                     figure: Latex | None = None) -> str:
    """The complete LaTeX report (document or fragment) of a Q-learning result; ``figure``
    as in :func:`qlearning_body` (default: the pgfplots figure).

    Parameters
    ----------
    res : QLearningResult
    fragment : bool
        Return the body only.
    steps : int, optional
        Horizon of the plotted bounds.
    simulated : (array, array), optional
        Recorded steps and mean relative error of Monte-Carlo runs.
    figure : Latex, optional
        Replaces the pgfplots figure.
    """
    title = Latex(escape(f"Certified convergence of Q-learning on {res.mdp.name} (")
                  + rf"$\alpha = {num(res.alpha, math_mode=False)}$)")
    return document(qlearning_body(res, steps, simulated, figure), title, fragment)


def pdf_figure(res, name: str, steps: int | None = None,
               simulated: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[Latex, bytes]:
    """The bound-curve figure as a matplotlib PDF: (the ``figure`` LaTeX including ``name``,
    the PDF bytes to write under ``name`` beside the report)."""
    from certify.report.plots import includegraphics_figure, matplotlib_pdf

    data = matplotlib_pdf(bound_curves(res, steps, simulated))
    return includegraphics_figure(name, caption(res), f"{_key(res.mdp.name)}:bounds"), data
