"""PyTorch's default initialisation for the numpy MLPs, and the seed's depth trends with it."""

from __future__ import annotations

import numpy as np
import pytest

from certify.algorithms.ntk.mlp import MLP
from certify.algorithms.ntk.sweep import ntk_sweep
from certify.mdp import builtin_problem, uniform_sampling


def test_torch_init_bounds_and_variance():
    """nn.Linear's default: W, b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), variance 1/(3 fan_in)."""
    net = MLP(400, 300, 1, "relu", init="torch")
    (w1, b1), (w2, b2) = net.init_params(0)
    for w, b, fan_in in ((w1, b1, 400), (w2, b2, 300)):
        bound = 1 / np.sqrt(fan_in)
        assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
        assert np.abs(w).max() > 0.99 * bound and np.any(b != 0)
    # 120,000 draws: the sample variance is within 2% of 1/(3 * 400)
    assert w1.var() == pytest.approx(1 / 1200, rel=0.02)
    assert w1.mean() == pytest.approx(0.0, abs=4e-4)


def _means(init: str) -> dict:
    p = builtin_problem("seed-sls")
    res = ntk_sweep(p, uniform_sampling(p.mdp).d, 0.01, [64], [1, 2, 4], ["relu", "tanh"], [0, 1, 2],
                    "state-action", init=init)
    out: dict = {}
    for r in res.rows:
        out.setdefault((r["activation"], r["depth"]), []).append((r["diag_mean"], r["row_ratio_mean"]))
    return {k: np.mean(v, axis=0) for k, v in out.items()}


def test_depth_trends_of_the_seed():
    """With PyTorch's init (averaged over 3 seeds, width 64) the mean diagonal of K shrinks and the
    row ratio grows with depth, as seed 001 reports; with He init (zero biases) the relu diagonal
    grows instead."""
    m = _means("torch")
    for act in ("relu", "tanh"):
        diag = [m[(act, d)][0] for d in (1, 2, 4)]
        ratio = [m[(act, d)][1] for d in (1, 2, 4)]
        assert diag[0] > diag[1] > diag[2] and ratio[0] < ratio[1] < ratio[2]
    he = _means("auto")
    assert he[("relu", 1)][0] < he[("relu", 2)][0] < he[("relu", 4)][0]
