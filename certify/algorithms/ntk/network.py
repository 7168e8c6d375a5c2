"""``certify ntk network``: Theorem 2 for the empirical NTK of a Q-network on an MDP.

Builds an MLP (:mod:`certify.algorithms.ntk.mlp`) over the state-action pairs of the MDP, computes its
empirical NTK K at initialisation (:mod:`certify.algorithms.ntk.kernel`), evaluates Theorem 2 exactly
(:mod:`certify.algorithms.ntk.theorem2`) with the problem's sampling distribution as the replay
distribution rho, and checks the operator U3 itself: the empirical sup-norm Lipschitz ratio
on probe pairs (a lower bound on the true constant, so above 1 it refutes contraction) and
U3 iterated from the network's own Q-values against Theorem 3's bound beta^k ||Q_0 - Q*||.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from certify.algorithms.ntk.kernel import kernel_stats, network_kernel, pair_features, q_table
from certify.algorithms.ntk.mlp import MLP
from certify.algorithms.ntk.operator import (
    LipschitzEstimate,
    ProductBound,
    empirical_lipschitz,
    exact_ratio_above_one,
    product_bound,
)
from certify.algorithms.ntk.theorem2 import Theorem2Result, analyze_ntk
from certify.mdp import FiniteMDP, Problem, q_star
from certify.mdp.ordering import flatten
from certify.verdict import Verdict

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class NetworkResult:
    """Theorem 2 and the empirical checks for one network on one MDP."""

    problem: str
    net: MLP
    features: str
    seed: int
    input_scale: float
    theorem: Theorem2Result
    stats: dict
    lipschitz: LipschitzEstimate
    iteration: ProductBound
    verdict: Verdict
    notes: list[str]

    def to_dict(self) -> dict:
        t = self.theorem.to_dict()
        return {
            "mdp": self.problem,
            "network": {"arch": "mlp", "width": self.net.width, "depth": self.net.depth,
                        "activation": self.net.activation, "init": self.net.init,
                        "features": self.features, "input_scale": self.input_scale,
                        "seed": self.seed,
                        "n_params": self.net.n_params},
            "kernel": self.stats,
            **{k: t[k] for k in ("n", "gamma", "alpha", "condition_16", "condition_17", "beta",
                                 "beta_exact", "beta_rows", "alpha_max_16", "row_ratio",
                                 "min_eigenvalue", "status", "reason")},
            "theorem2_verdict": t["verdict"],
            "empirical_lipschitz": self.lipschitz.to_dict(),
            "u3_iteration": self.iteration.to_dict(),
            "notes": self.notes,
            "verdict": self.verdict.value,
        }


def analyze_ntk_network(problem: Problem | FiniteMDP | str | Path, rho: np.ndarray, alpha: float,
                        width: int = 64, depth: int = 2, activation: str = "relu", seed: int = 0,
                        features: str = "onehot", init: str = "auto", probes: int = 200,
                        iterations: int = 50, input_scale: float = 1.0) -> NetworkResult:
    """Empirical NTK of an MLP Q-network on ``problem`` and Theorem 2 at step size ``alpha``.

    The verdict is Theorem 2's (certified only by the exact check), except that a probe pair
    whose Lipschitz ratio is above 1 in exact arithmetic refutes contraction of U3 outright.

    Parameters
    ----------
    problem : Problem
    rho : array (n,)
        Replay distribution over pairs (state-major).
    alpha : float
        Step size of the expected update.
    width, depth : int
        Hidden units per layer and number of hidden layers of the MLP.
    activation : {"relu", "tanh", "sin", "linear"}
    seed : int
        Seed of the parameter initialisation and of the probes.
    features : str
        Input features of the pairs (``onehot`` or ``state-action``).
    init : {"auto", "he", "lecun", "glorot"}
    probes : int
        Number of probe pairs (Q1, Q2) for the empirical Lipschitz ratio of U3.
    iterations : int
        Number of U3 iterations compared with the product of the moduli (Theorem 3).
    input_scale : float
        Factor applied to every input feature.
    """
    from certify.argcheck import check_count, check_seed
    from certify.mdp.io import as_problem

    problem = as_problem(problem)
    mdp = problem.mdp
    seed, probes = check_seed(seed), check_count(probes, "probes")
    iterations = check_count(iterations, "iterations", 0)
    x = pair_features(mdp, features, input_scale)
    net = MLP(x.shape[1], width, depth, activation, init)
    params = net.init_params(seed)
    k = network_kernel(mdp, net, params, features, input_scale)
    res = analyze_ntk(k, rho, mdp.gamma, alpha)
    lip = empirical_lipschitz(mdp, k, rho, float(res.data.alpha), probes, seed)
    q_opt = flatten(q_star(mdp)[0])
    beta = float(res.beta)
    it = product_bound(mdp, [k] * iterations, [beta] * iterations, rho, float(res.data.alpha),
                       q_table(mdp, net, params, features, input_scale), q_opt)
    notes = []
    verdict = res.verdict
    if lip.ratio > 1.0:
        if lip.pair is not None and exact_ratio_above_one(mdp, k, rho, res.data.alpha, *lip.pair):
            verdict = Verdict.REFUTED
            notes.append(f"a probe pair has Lipschitz ratio {lip.ratio:.6g} > 1 (confirmed in exact "
                         "arithmetic): U3 is not a sup-norm contraction")
        else:
            notes.append(f"a probe pair has float Lipschitz ratio {lip.ratio:.17g} > 1, not confirmed "
                         "in exact arithmetic: rounding, not a refutation")
    if lip.ratio > beta * (1 + 1e-9):
        notes.append(f"inconsistency: empirical ratio {lip.ratio:.6g} exceeds beta = {beta:.6g}")
    if not it.holds:
        notes.append("inconsistency: an iterate of U3 broke Theorem 3's product bound")
    stats = {**kernel_stats(k), "row_ratio_mean": float(np.mean(res.row_ratio)),
             "row_ratio_max": float(np.max(res.row_ratio))}
    return NetworkResult(mdp.name, net, features, seed, float(input_scale), res, stats, lip, it, verdict,
                         notes)


# Old names (certify.deprecation): the same functions, with a DeprecationWarning.
from certify.deprecation import deprecated_alias  # noqa: E402

analyse_network = deprecated_alias(analyze_ntk_network, "analyse_network")
