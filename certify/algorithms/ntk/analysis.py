"""The ``ntk`` computations as functions of plain parameters (for the CLI, claims and sweeps).

Each returns the same JSON-ready document as the matching ``certify ntk ... --json``.
"""

from __future__ import annotations

import numpy as np

from certify.algorithms.ntk.inputs import load_array
from certify.algorithms.ntk.theorem2 import analyze_ntk
from certify.mdp import Problem, load_problem, uniform_sampling


def replay_distribution(problem: Problem, sampling: str | None = None) -> np.ndarray:
    """rho: the problem's own sampling distribution, "uniform", or a file (see inputs)."""
    if sampling == "uniform" or (sampling is None and problem.sampling is None):
        return uniform_sampling(problem.mdp).d
    if sampling is None:
        return problem.sampling.d
    return np.asarray(load_array(sampling, "rho"), dtype=float).reshape(-1)


def run_ntk_check(kernel: str, rho: str, gamma: float, alpha: float) -> dict:
    """Theorem 2 for the kernel in file ``kernel`` and the distribution in file ``rho``."""
    k = load_array(kernel, "K")
    r = load_array(rho, "rho")
    return analyze_ntk(k, r, gamma, alpha).to_dict()


def run_ntk_network(mdp: str, alpha: float, width: int = 64, depth: int = 2,
                    activation: str = "relu", seed: int = 0, features: str = "onehot",
                    init: str = "auto", sampling: str | None = None, probes: int = 200,
                    iterations: int = 50, input_scale: float = 1.0) -> dict:
    """Empirical NTK of an MLP on ``mdp`` (file or built-in name) and Theorem 2."""
    from certify.algorithms.ntk.network import analyze_ntk_network

    problem = load_problem(mdp)
    rho = replay_distribution(problem, sampling)
    return analyze_ntk_network(problem, rho, alpha, width, depth, activation, seed, features, init,
                           probes, iterations, input_scale).to_dict()


def run_ntk_sweep(mdp: str, alpha: float, widths: list[int], depths: list[int],
                  activations: list[str], seeds: list[int] | None = None,
                  features: str = "onehot", sampling: str | None = None,
                  input_scale: float = 1.0, init: str = "auto") -> dict:
    """Kernel statistics and Theorem 2 over a grid of architectures."""
    from certify.algorithms.ntk.sweep import ntk_sweep

    problem = load_problem(mdp)
    rho = replay_distribution(problem, sampling)
    return ntk_sweep(problem, rho, alpha, widths, depths, activations, seeds or [0],
                     features, input_scale, init).to_dict()


def run_ntk_model(model: str, alpha: float = 0.01, mdp: str | None = None, env: str | None = None,
                  buffer: str | None = None, gamma: float | None = None, kind: str = "auto",
                  dtype: str = "float64", train: int = 0, n_states: int | None = None,
                  n_actions: int | None = None, method: str = "jacobian") -> dict:
    """Theorem 2 for a PyTorch / JAX Q-network given as ``"FILE.py:OBJECT"`` (see
    :func:`certify.algorithms.ntk.model.check_q_network`); the document of ``certify ntk model --json``."""
    from certify.algorithms.ntk.model import check_q_network, load_model_object

    return check_q_network(load_model_object(model), alpha=alpha, mdp=mdp, env=env, buffer=buffer,
                           gamma=gamma, kind=kind, dtype=dtype, train=train, n_states=n_states,
                           n_actions=n_actions, method=method).to_dict()
