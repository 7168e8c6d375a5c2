"""Bound curves of constant-step Q-learning, as pgfplots code or a matplotlib PDF.

Every curve drawn is a *bound* on the relative error ||Q_k - Q*||_inf / ||Q_0 - Q*||_inf
(Q_0 = 0; seed 002, Section 6 plots the same quantity), constant times rate^k plus the
noise floor, never a bare rate rho^k (which bounds no error of constant-step Q-learning):

* the pathwise max-norm bound of the certified weighted max-norm certificate (w, rho),
  (kappa rho^k ||e_0|| + alpha kappa w_inf (1 - rho^k)/(1 - rho)) / ||e_0||, kappa =
  max(w)/min(w) (:class:`certify.algorithms.qlearning.bounds.MaxNormBound`, reconstruction
  of seed 002, Theorem 2);
* the same bound with w = 1 and the row-sum rate 1 - alpha d_min (1 - gamma) (seed 002,
  Lemma 3: ||A_pi||_inf is at most that rate, so (1, rho_row) is a certificate),

and, when given, a simulated mean relative error (``simulated`` of :func:`bound_curves`:
recorded steps and values, e.g. from :func:`simulated_relative_error`).  The y-range
(:func:`y_range`) spans the curves and the data, at most :data:`DECADES` decades.
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
    :class:`~certify.algorithms.qlearning.analysis.QLearningResult` (relative to
    ||Q_0 - Q*||_inf = ||Q*||_inf, Q_0 = 0; absolute when Q* = 0)."""
    from certify.algorithms.qlearning.bounds import max_norm_bound, noise_constants

    d = result.direct
    rho = d.upper if d.upper_check.certified else math.nan
    steps = steps or default_steps(rho if math.isfinite(rho) else result.row_sum_rate)
    k = np.unique(np.linspace(0, steps, N_POINTS).round().astype(int))
    e0 = float(np.abs(np.asarray(result.q_star, dtype=float)).max())
    e0 = e0 if e0 > 0 else 1.0
    curves: dict[str, np.ndarray] = {}
    if result.max_norm_bound is not None:
        curves[r"pathwise bound, certified $\rho$: $\kappa\rho^k$ + floor"] = \
            result.max_norm_bound.curve(k, e0) / e0
    if 0 < result.row_sum_rate < 1:
        row = max_norm_bound(np.ones(result.mdp.n_pairs), result.row_sum_rate, result.alpha,
                             noise_constants(result.mdp))
        curves[r"pathwise bound, row-sum rate: $\rho_{\mathrm{row}}^k$ + floor"] = \
            row.curve(k, e0) / e0
    if simulated is None:
        return BoundCurves(k, curves)
    times, values = (np.asarray(a, dtype=float) for a in simulated)
    if times.shape != values.shape or times.ndim != 1:
        raise InvalidInput(f"simulated: expected times and values of equal 1-d shape, found "
                           f"{times.shape} and {values.shape}")
    keep = times <= steps
    curves[simulated_label] = values[keep]
    return BoundCurves(k, curves, simulated_label, times[keep].astype(int))


DECADES = 8.0
"""Largest span of the y-axis in decades."""


def y_range(curves: BoundCurves) -> tuple[float, float]:
    """(bottom, top) of the y-axis: every positive value drawn, at most :data:`DECADES` decades."""
    vals = np.concatenate([np.asarray(y, dtype=float) for y in curves.curves.values()] or
                          [np.ones(1)])
    vals = vals[np.isfinite(vals) & (vals > 0)]
    if vals.size == 0:
        return 1e-3, 1.0
    top = 1.5 * float(vals.max())
    return max(0.5 * float(vals.min()), top * 10.0 ** -DECADES), top


_STYLES = ("thick, blue", "thick, dashed, blue!60!black", "thick, red", "thick, dotted, green!50!black",
           "thin, black, mark=*, mark size=0.6pt")


def pgfplots(curves: BoundCurves, caption: str, label: str = "fig:bounds") -> Latex:
    """A ``figure`` with a semilog pgfplots axis of the curves (legend below the axis)."""
    bottom, top = y_range(curves)
    lines = [r"\begin{figure}[ht]", r"\centering", r"\begin{tikzpicture}",
             r"\begin{semilogyaxis}[width=0.85\linewidth, height=6cm,"
             r" xlabel={iteration $k$ (samples)},"
             r" ylabel={$\|Q_k - Q^*\|_\infty / \|Q_0 - Q^*\|_\infty$},"
             rf" ymin={bottom:.4e}, ymax={top:.4e},"
             r" enlarge x limits=false, scaled x ticks=false,"
             r" x tick label style={/pgf/number format/1000 sep={}},"
             r" legend style={at={(0.5,-0.25)}, anchor=north, font=\footnotesize, draw=none},"
             r" legend cell align=left, grid=major]"]
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
        ax.set_ylim(*y_range(curves))
        ax.set_xlabel("iteration $k$ (samples)")
        ax.set_ylabel(r"$\|Q_k - Q^*\|_\infty / \|Q_0 - Q^*\|_\infty$")
        ax.grid(True, which="major", alpha=0.4)
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False)
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
        "Certified pathwise bounds on the relative error "
        r"$\|Q_k - Q^*\|_\infty / \|Q_0 - Q^*\|_\infty$ ($Q_0 = 0$), each a constant times "
        r"its rate to the power $k$ plus the noise floor of the constant step: the weighted "
        r"max-norm certificate (rate $\rho$) and the row-sum rate "
        f"{num(result.row_sum_rate, 10, 'up')} with unit weights.")
