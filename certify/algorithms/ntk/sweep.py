"""How the NTK of a Q-network changes with width, depth and activation (cf. the NTK study of
Achiam, Knight and Abbeel, arXiv 1903.08894, Section 5).

For each architecture the empirical NTK at initialisation over the MDP's state-action pairs
gives the mean diagonal, the mean absolute off-diagonal entry, the mean row ratio R_i(K), and
Theorem 2 at the given step size: beta(K), the largest step size allowed by (16), and the
verdict.  Each row is one seed (no averaging), so the table is exactly reproducible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from certify.algorithms.ntk.kernel import kernel_stats, network_kernel, pair_features
from certify.algorithms.ntk.mlp import MLP, check_activation
from certify.algorithms.ntk.theorem2 import analyze_ntk
from certify.errors import InvalidInput
from certify.mdp import Problem

COLUMNS = ("width", "depth", "activation", "seed", "diag_mean", "offdiag_abs_mean",
           "row_ratio_mean", "beta", "alpha_max_16", "status", "verdict")


@dataclass(frozen=True)
class SweepResult:
    """One row per (width, depth, activation, seed), with the columns of :data:`COLUMNS`."""

    problem: str
    alpha: float
    rows: list[dict]
    init: str = "auto"

    def to_dict(self) -> dict:
        verdicts = [r["verdict"] for r in self.rows]
        overall = "certified" if verdicts and all(v == "certified" for v in verdicts) else "inconclusive"
        return {"mdp": self.problem, "alpha": self.alpha, "init": self.init, "columns": list(COLUMNS),
                "rows": self.rows, "certified_rows": verdicts.count("certified"),
                "verdict": overall}


def ntk_sweep(problem: Problem, rho: np.ndarray, alpha: float, widths: Sequence[int],
              depths: Sequence[int], activations: Sequence[str], seeds: Sequence[int] = (0,),
              features: str = "onehot", input_scale: float = 1.0, init: str = "auto") -> SweepResult:
    """Theorem 2 and kernel statistics over a grid of architectures.

    ``init`` is the MLPs' initialisation (:class:`certify.algorithms.ntk.mlp.MLP`); with "torch"
    (PyTorch's nn.Linear default, what the seed's networks used) the mean diagonal of K
    shrinks with depth and the row ratio grows, as seed 001 reports; with the Gaussian
    He / LeCun inits and zero biases ("auto") the diagonal grows with depth instead.

    Parameters
    ----------
    problem : Problem
    rho : array (n,)
        Replay distribution over pairs.
    alpha : float
        Step size.
    widths, depths : sequence of int
    activations : sequence of str
    seeds : sequence of int
        Initialisation seeds.
    features : str
        Input features of the pairs.
    input_scale : float
        Scale of the input features.
    init : {"auto", "torch"}
        Initialisation of the MLPs.
    """
    for name, values in (("widths", widths), ("depths", depths), ("activations", activations),
                         ("seeds", seeds)):
        if len(values) == 0:
            raise InvalidInput(f"{name}: expected at least one value")
    for act in activations:
        check_activation(act)
    mdp = problem.mdp
    in_dim = pair_features(mdp, features, input_scale).shape[1]
    rows = []
    for act in activations:
        for depth in depths:
            for width in widths:
                for seed in seeds:
                    net = MLP(in_dim, width, depth, act, init)
                    k = network_kernel(mdp, net, net.init_params(seed), features, input_scale)
                    res = analyze_ntk(k, rho, mdp.gamma, alpha)
                    st = kernel_stats(k)
                    t = res.to_dict()
                    rows.append({"width": width, "depth": depth, "activation": act, "seed": seed,
                                 "diag_mean": st["diag_mean"],
                                 "offdiag_abs_mean": st["offdiag_abs_mean"],
                                 "row_ratio_mean": float(np.mean(res.row_ratio)),
                                 "beta": t["beta"], "alpha_max_16": t["alpha_max_16"],
                                 "status": res.status, "verdict": res.verdict.value})
    return SweepResult(mdp.name, float(alpha), rows, init)


def plot_sweep(result: SweepResult, path: str | Path) -> Path:
    """Row ratio and beta against width, one line per (activation, depth); saved to ``path``."""
    from certify.extras import require

    matplotlib = require("matplotlib", "report")

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(10, 3.4))  # 8 pt text stays 5 pt at 6.5 in
    keys = sorted({(r["activation"], r["depth"]) for r in result.rows})
    for act, depth in keys:
        rows = [r for r in result.rows if r["activation"] == act and r["depth"] == depth]
        widths = sorted({r["width"] for r in rows})
        for ax, col in zip(axes, ("diag_mean", "row_ratio_mean", "beta"), strict=True):
            ys = [np.mean([r[col] for r in rows if r["width"] == w]) for w in widths]
            ax.plot(widths, ys, marker="o", label=f"{act}, depth {depth}")
    axes[0].set_ylabel(r"mean diagonal $K_{ii}$")
    diag = [r["diag_mean"] for r in result.rows]
    if min(diag) > 0 and max(diag) > 10 * min(diag):  # log only across a decade or more
        axes[0].set_yscale("log")
    axes[1].set_ylabel(r"mean row ratio $R_i(K)$")
    axes[2].set_ylabel(rf"$\beta(K)$ at $\alpha = {result.alpha:g}$")
    axes[2].axhline(1.0, color="k", lw=0.8, ls="--", label=r"$\beta = 1$ (contraction below)")
    for ax in axes:
        ax.set_xscale("log", base=2)
        ax.set_xlabel("width")
    # one legend for the three panels, below them (a legend per panel covered the lines)
    handles, labels = axes[2].get_legend_handles_labels()
    fig.suptitle(f"Empirical NTK of MLP Q-networks on {result.problem} (init {result.init})")
    fig.tight_layout()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0),
               ncol=min(5, len(labels)), fontsize=8, frameon=False)
    out = Path(path)
    try:
        fig.savefig(out, bbox_inches="tight")
    except OSError as exc:
        raise InvalidInput(f"--plot: cannot write {str(out)!r} ({exc.strerror})") from exc
    finally:
        plt.close(fig)
    return out
