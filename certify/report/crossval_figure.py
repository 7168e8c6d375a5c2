"""The cross-validation figure: simulated errors of constant-step Q-learning against the
certified bound curves that ``certify crossval`` checks them with.

Every curve drawn is a *bound*, constant times rate^k plus a noise floor, evaluated at the
recorded steps exactly as the checks of
:func:`certify.algorithms.qlearning.crossval.crossval_qlearning` evaluate it
(``CrossvalResult.curves``): the reference-filter bounds on E||e_k||_inf (reconstruction of
seed 002, Theorem 3, with the certificate's weights and with the row-sum rate), the
quadratic (CQLF) and mean-square bounds when present, and the pathwise max-norm bound
kappa rho^k ||e_0||_inf + alpha kappa w_inf (1 - rho^k)/(1 - rho) (reconstruction of seed
002, Theorem 2).  The data are the absolute errors ||Q_k - Q*||_inf of the runs (their mean
and 5-95 % band), in the reward's units, so a curve lying above the data is the claim the
checks confirmed.  A bare rate rho^k is not drawn: it bounds no error without its constant
and floor.

The y-range covers the data and the curves' transients (at most :data:`DECADES` decades
below the top); the legend sits below the axes, off the data; the step axis is logarithmic (symlog, linear
on [0, 1]) so that the transient is visible next to the plateau.  The format follows the
file's suffix (``.pdf``, ``.svg`` and ``.eps`` are vector).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DECADES = 8.0
"""Largest span of the y-axis in decades (a floor-less curve would otherwise pull it to 1e-100)."""

PATHWISE = "pathwise max-norm bound"
"""Name of the pathwise bound among the curves (drawn dashed: it bounds every run)."""


LABELS = {"mean-square bound (E||e|| <= sqrt(E||e||^2))":
          r"mean-square bound (via $E\,\|e_k\|_\infty^2$)"}
"""Legend text of curves whose names are ASCII formulas."""


@dataclass(frozen=True)
class CrossvalFigureData:
    """What the figure draws: steps, the runs' mean and 5-95 % band of ||Q_k - Q*||_inf, the
    bound curves by name (all at ``k``) and the y-range (bottom, top)."""

    k: np.ndarray
    mean: np.ndarray
    q05: np.ndarray
    q95: np.ndarray
    runs: int
    curves: dict[str, np.ndarray]
    ylim: tuple[float, float]


def figure_data(res) -> CrossvalFigureData:
    """The data of the figure of a
    :class:`~certify.algorithms.qlearning.crossval.CrossvalResult`.

    Parameters
    ----------
    res : CrossvalResult
        Its ``curves`` are the bound curves the checks used, at the recorded steps.
    """
    st = res.simulation.stats(False)
    k = np.asarray(st.times, dtype=float)
    curves = {name: np.asarray(c, dtype=float) for name, c in res.curves.items()
              if np.shape(c) == k.shape}
    values = [np.asarray(st.mean), np.asarray(st.quantiles[0.95]), *curves.values()]
    finite = np.concatenate([v[np.isfinite(v) & (v > 0)] for v in values])
    if finite.size == 0:
        return CrossvalFigureData(k, st.mean, st.quantiles[0.05], st.quantiles[0.95], st.runs,
                                  curves, (1e-3, 1.0))
    top = 1.5 * float(finite.max())
    bottom = max(0.5 * float(finite.min()), top * 10.0 ** -DECADES)
    return CrossvalFigureData(k, np.asarray(st.mean), np.asarray(st.quantiles[0.05]),
                              np.asarray(st.quantiles[0.95]), st.runs, curves, (bottom, top))


def draw(ax, data: CrossvalFigureData, title: str = "", legend: bool = True) -> None:
    """Draw ``data`` on the matplotlib axes ``ax`` (semilog y, labelled axes, legend below
    the axes unless ``legend`` is False)."""
    ax.fill_between(data.k, np.maximum(data.q05, data.ylim[0]), data.q95, color="0.8",
                    label="5-95 % of runs", lw=0)
    ax.plot(data.k, data.mean, color="k", lw=1.4, label=f"mean error ({data.runs} runs)")
    styles = iter([("tab:blue", "-"), ("tab:orange", "-"), ("tab:green", "-"),
                   ("tab:purple", "-"), ("tab:brown", "-")])
    for name, y in data.curves.items():
        color, ls = ("tab:red", "--") if name == PATHWISE else next(styles, ("tab:gray", "-"))
        ax.plot(data.k, y, color=color, ls=ls, lw=1.3, label=LABELS.get(name, name))
    ax.set_yscale("log")
    ax.set_ylim(*data.ylim)
    # a logarithmic step axis (linear below step 1, so k = 0 is drawn): the transient of the
    # first hundreds of steps gets as much room as the plateau of the last thousands
    ax.set_xscale("symlog", linthresh=1.0, linscale=0.3)
    ax.set_xlim(float(data.k[0]), float(data.k[-1]))
    ax.set_xlabel("iteration $k$ (samples, log scale)")
    ax.set_ylabel(r"$\|Q_k - Q^*\|_\infty$ (reward units)")
    ax.grid(True, which="major", alpha=0.35)
    if title:
        ax.set_title(title, fontsize=9)
    if legend:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=7,
                  frameon=False)


def save_crossval_figure(results: list, path: str | Path, titles: list[str] | None = None) -> None:
    """One panel per cross-validation result, written to ``path`` (format by its suffix).

    Parameters
    ----------
    results : list of CrossvalResult
    path : str or Path
    titles : list of str, optional
        Panel titles; default "<problem>, alpha = <alpha>".
    """
    from certify.extras import require

    matplotlib = require("matplotlib", "report")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(results)
    # panels narrow enough that, scaled to a 6.5 in text width, no text falls below 5 pt
    fig, axes = plt.subplots(1, n, figsize=(4.6, 4.4) if n == 1 else (3.4 * n, 3.6), squeeze=False)
    try:
        handles: dict[str, object] = {}
        for i, res in enumerate(results):
            title = titles[i] if titles else f"{res.mdp.name}, $\\alpha = {res.alpha:g}$"
            ax = axes[0][i]
            draw(ax, figure_data(res), title, legend=n == 1)
            for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
                handles.setdefault(label, h)
            if i > 0:
                ax.set_ylabel("")
        if n > 1:  # one legend for all panels, below them
            fig.legend(list(handles.values()), list(handles), loc="upper center",
                       bbox_to_anchor=(0.5, -0.03), ncol=min(4, len(handles)), fontsize=8,
                       frameon=False)
        fig.savefig(str(path), bbox_inches="tight")
    finally:
        plt.close(fig)


def curves_above_data(data: CrossvalFigureData) -> dict[str, float]:
    """Per curve, the smallest ratio curve / mean error over the recorded steps with a
    positive error (>= 1 where the drawn bound lies above the drawn data)."""
    pos = data.mean > 0
    return {name: float(np.min(y[pos] / data.mean[pos])) if pos.any() else math.inf
            for name, y in data.curves.items()}
