"""Bound curves of constant-step Q-learning, as pgfplots code or a matplotlib PDF.

The curves are the exponential transients the certificates imply for the relative error
||Q_k - Q*||_inf / ||Q_0 - Q*||_inf (seed 002, Section 6 plots the same quantity):

* certified direct-JSR rate rho^k (weighted max-norm certificate),
* max-norm transient kappa rho^k with kappa = max(w)/min(w)
(:class:`certify.algorithms.qlearning.bounds.MaxNormBound`),
* row-sum rate rho_row^k, rho_row = 1 - alpha d_min (1 - gamma) (seed 002, Lemma 3),
* CQLF rate beta^k when a quadratic certificate was found,

and, when given, a simulated mean relative error (``simulated`` of :func:`bound_curves`:
recorded steps and values, e.g. from :func:`simulated_relative_error`).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np

from certify.errors import InvalidInput
from certify.report.latex import Latex, escape, num

N_POINTS = 80
"""Points per curve (pgfplots stays fast and the PDF small)."""


@dataclass(frozen=True)
class BoundCurves:
    """Curves over the iteration counter ``k``: label -> values (same length as ``k``)."""

    k: np.ndarray
    curves: dict[str, np.ndarray]
    simulated_label: str | None = None
    simulated_k: np.ndarray | None = None


def default_steps(rate: float, target: float = 1e-3) -> int:
    """Steps for ``rate**k`` to fall to ``target`` (at least 10, at most 10**7)."""
    if not (0 < rate < 1):
        return 100
    return int(min(max(math.ceil(math.log(target) / math.log(rate)), 10), 10**7))


def simulated_relative_error(result, runs: int, steps: int, seed: int = 0
                             ) -> tuple[np.ndarray, np.ndarray]:
    """Mean over ``runs`` Monte-Carlo runs of ||Q_k - Q*||_inf / ||Q_0 - Q*||_inf, Q_0 = 0
    (:func:`certify.simulate.simulate_qlearning`, i.i.d. sampling as in seed 002, Section 6)."""
    from certify.algorithms.qlearning.simulate import simulate_qlearning

    sim = simulate_qlearning(result.mdp, result.alpha, result.sampling, runs=runs, steps=steps,
                             seed=seed)
    return sim.times, (sim.errors / sim.e0[:, None]).mean(axis=0)


def bound_curves(result, steps: int | None = None,
                 simulated: tuple[np.ndarray, np.ndarray] | None = None,
                 simulated_label: str = "simulated mean relative error") -> BoundCurves:
    """The curves listed in the module docstring for a
    :class:`~certify.algorithms.qlearning.analysis.QLearningResult`."""
    d = result.direct
    rho = d.upper if d.upper_check.certified else math.nan
    steps = steps or default_steps(rho if math.isfinite(rho) else result.row_sum_rate)
    k = np.unique(np.linspace(0, steps, N_POINTS).round().astype(int))
    curves: dict[str, np.ndarray] = {}
    if math.isfinite(rho):
        curves[r"certified JSR rate $\rho^k$"] = rho ** k.astype(float)
    if result.max_norm_bound is not None:
        b = result.max_norm_bound
        curves[r"max-norm transient $\kappa\rho^k$"] = b.kappa * b.rho ** k.astype(float)
    curves[r"row-sum rate $\rho_{\mathrm{row}}^k$"] = result.row_sum_rate ** k.astype(float)
    if result.cqlf is not None and math.isfinite(result.cqlf.rate) and \
            result.cqlf.verdict.value == "certified":
        curves[r"CQLF rate $\beta^k$"] = result.cqlf.rate ** k.astype(float)
    if simulated is None:
        return BoundCurves(k, curves)
    times, values = (np.asarray(a, dtype=float) for a in simulated)
    if times.shape != values.shape or times.ndim != 1:
        raise InvalidInput(f"simulated: expected times and values of equal 1-d shape, found "
                           f"{times.shape} and {values.shape}")
    keep = times <= steps
    curves[simulated_label] = values[keep]
    return BoundCurves(k, curves, simulated_label, times[keep].astype(int))


_STYLES = ("thick, blue", "thick, dashed, blue!60!black", "thick, red", "thick, dotted, green!50!black",
           "thin, black, mark=*, mark size=0.6pt")


def pgfplots(curves: BoundCurves, caption: str, label: str = "fig:bounds") -> Latex:
    """A ``figure`` with a semilog pgfplots axis of the curves."""
    lines = [r"\begin{figure}[ht]", r"\centering", r"\begin{tikzpicture}",
             r"\begin{semilogyaxis}[width=0.85\linewidth, height=6cm, xlabel={iteration $k$},"
             r" ylabel={relative error bound}, enlarge x limits=false, scaled x ticks=false,"
             r" x tick label style={/pgf/number format/1000 sep={}}, legend pos=south west,"
             r" legend cell align=left, legend style={font=\footnotesize}, grid=major]"]
    for i, (name, y) in enumerate(curves.curves.items()):
        sim = name == curves.simulated_label
        style = _STYLES[-1] if sim else _STYLES[i % (len(_STYLES) - 1)]
        xs = curves.simulated_k if sim else curves.k
        pts = " ".join(f"({int(x)},{max(float(v), 1e-300):.6g})" for x, v in zip(xs, y, strict=True)
                       if math.isfinite(float(v)))
        lines += [rf"\addplot[{style}] coordinates {{{pts}}};",
                  rf"\addlegendentry{{{_legend(name)}}}"]
    lines += [r"\end{semilogyaxis}", r"\end{tikzpicture}", rf"\caption{{{caption}}}",
              rf"\label{{{label}}}", r"\end{figure}"]
    return Latex("\n".join(lines))


def includegraphics_figure(filename: str, caption: str, label: str = "fig:bounds") -> Latex:
    """A ``figure`` including the PDF ``filename`` (e.g. written from :func:`matplotlib_pdf`)."""
    return Latex("\n".join([r"\begin{figure}[ht]", r"\centering",
                             rf"\includegraphics[width=0.85\linewidth]{{{filename}}}",
                             rf"\caption{{{caption}}}", rf"\label{{{label}}}", r"\end{figure}"]))


def _legend(name: str) -> str:
    """Legend text: the $...$ parts are LaTeX already, the rest is escaped."""
    parts = name.split("$")
    if len(parts) % 2 == 0:  # unbalanced $: all text
        return escape(name)
    return "".join(f"${p}$" if i % 2 else escape(p) for i, p in enumerate(parts))


def matplotlib_pdf(curves: BoundCurves, title: str = "") -> bytes:
    """The same curves as a PDF figure (matplotlib, Agg backend), returned as bytes."""
    from certify.extras import require

    matplotlib = require("matplotlib", "report")

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.6))
    try:
        for name, y in curves.curves.items():
            sim = name == curves.simulated_label
            style = {"marker": ".", "lw": 0.8} if sim else {"lw": 1.6}
            ax.semilogy(curves.simulated_k if sim else curves.k, y, label=name, **style)
        ax.set_xlabel("iteration $k$")
        ax.set_ylabel("relative error bound")
        ax.grid(True, which="major", alpha=0.4)
        ax.legend(fontsize=8, loc="lower left")
        if title:
            ax.set_title(title)
        buf = io.BytesIO()
        fig.savefig(buf, format="pdf", bbox_inches="tight")
    finally:
        plt.close(fig)
    return buf.getvalue()


def caption(result) -> Latex:
    """Figure caption naming the rates with their values."""
    return Latex(
        "Exponential transients implied by the certificates for the relative error "
        r"$\|Q_k - Q^*\|_\infty / \|Q_0 - Q^*\|_\infty$ (noise floor omitted); row-sum rate "
        f"{num(result.row_sum_rate, 10, 'up')}.")
