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

from ..errors import InvalidInput
from ..mdp import Problem
from .kernel import kernel_stats, network_kernel, pair_features
from .mlp import MLP, check_activation
from .theorem2 import theorem2

COLUMNS = ("width", "depth", "activation", "seed", "diag_mean", "offdiag_abs_mean",
           "row_ratio_mean", "beta", "alpha_max_16", "status", "verdict")


@dataclass(frozen=True)
class SweepResult:
    """One row per (width, depth, activation, seed), with the columns of :data:`COLUMNS`."""

    problem: str
    alpha: float
    rows: list[dict]

    def to_dict(self) -> dict:
        verdicts = [r["verdict"] for r in self.rows]
        overall = "certified" if verdicts and all(v == "certified" for v in verdicts) else "inconclusive"
        return {"mdp": self.problem, "alpha": self.alpha, "columns": list(COLUMNS),
                "rows": self.rows, "certified_rows": verdicts.count("certified"),
                "verdict": overall}


def ntk_sweep(problem: Problem, rho: np.ndarray, alpha: float, widths: Sequence[int],
              depths: Sequence[int], activations: Sequence[str], seeds: Sequence[int] = (0,),
              features: str = "onehot", input_scale: float = 1.0) -> SweepResult:
    """Theorem 2 and kernel statistics over a grid of architectures."""
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
                    net = MLP(in_dim, width, depth, act)
                    k = network_kernel(mdp, net, net.init_params(seed), features, input_scale)
                    res = theorem2(k, rho, mdp.gamma, alpha)
                    st = kernel_stats(k)
                    t = res.to_dict()
                    rows.append({"width": width, "depth": depth, "activation": act, "seed": seed,
                                 "diag_mean": st["diag_mean"],
                                 "offdiag_abs_mean": st["offdiag_abs_mean"],
                                 "row_ratio_mean": float(np.mean(res.row_ratio)),
                                 "beta": t["beta"], "alpha_max_16": t["alpha_max_16"],
                                 "status": res.status, "verdict": res.verdict.value})
    return SweepResult(mdp.name, float(alpha), rows)


def plot_sweep(result: SweepResult, path: str | Path) -> Path:
    """Row ratio and beta against width, one line per (activation, depth); saved to ``path``."""
    from certify.extras import require

    matplotlib = require("matplotlib", "report")

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    keys = sorted({(r["activation"], r["depth"]) for r in result.rows})
    for act, depth in keys:
        rows = [r for r in result.rows if r["activation"] == act and r["depth"] == depth]
        widths = sorted({r["width"] for r in rows})
        for ax, col in zip(axes, ("row_ratio_mean", "beta"), strict=True):
            ys = [np.mean([r[col] for r in rows if r["width"] == w]) for w in widths]
            ax.plot(widths, ys, marker="o", label=f"{act}, depth {depth}")
    axes[0].set_ylabel("mean row ratio R_i(K)")
    axes[1].set_ylabel(f"beta(K) at alpha = {result.alpha:g}")
    axes[1].axhline(1.0, color="k", lw=0.8, ls="--")
    for ax in axes:
        ax.set_xscale("log", base=2)
        ax.set_xlabel("width")
        ax.legend(fontsize=7)
    fig.suptitle(f"Empirical NTK of MLP Q-networks on {result.problem}")
    fig.tight_layout()
    out = Path(path)
    try:
        fig.savefig(out)
    except OSError as exc:
        raise InvalidInput(f"--plot: cannot write {str(out)!r} ({exc.strerror})") from exc
    finally:
        plt.close(fig)
    return out
