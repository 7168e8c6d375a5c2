"""Small builders shared by the tests (not fixtures, so hypothesis can call them)."""

from __future__ import annotations

import itertools

import numpy as np

from certify.mdp import FiniteMDP, sampling_from_d


def random_mdp(rng: np.random.Generator, S: int, A: int, gamma: float = 0.9,
               sparse_zeros: bool = True) -> FiniteMDP:
    P = rng.random((S, A, S))
    if sparse_zeros:
        P[rng.random((S, A, S)) < 0.3] = 0.0
        P[..., 0] += 1e-3
    P /= P.sum(axis=2, keepdims=True)
    R = rng.random((S, A))
    return FiniteMDP(P, R, gamma, name="random", layout="SAS")


def random_d(rng: np.random.Generator, n: int, spread: float = 5.0) -> np.ndarray:
    w = rng.uniform(1.0, spread, size=n)
    return w / w.sum()


def direct_member_dense(mdp: FiniteMDP, d: np.ndarray, alpha: float, pi) -> np.ndarray:
    """A_pi = I + alpha D (gamma P Pi_pi - I), written out independently of certify."""
    S, A = mdp.n_states, mdp.n_actions
    n = S * A
    Pm = mdp.P.reshape(n, S)
    Pi = np.zeros((S, n))
    for s in range(S):
        Pi[s, s * A + pi[s]] = 1.0
    return np.eye(n) + alpha * np.diag(d) @ (mdp.gamma * Pm @ Pi - np.eye(n))


def brute_force_jsr_lower(mats: list[np.ndarray], max_len: int) -> float:
    """max over words of length <= max_len of rho(product)^(1/len): a JSR lower bound."""
    best = 0.0
    prods = {(): np.eye(mats[0].shape[0])}
    for k in range(1, max_len + 1):
        new = {}
        for word, M in prods.items():
            if len(word) != k - 1:
                continue
            for i, A in enumerate(mats):
                P = A @ M
                new[word + (i,)] = P
                best = max(best, max(abs(np.linalg.eigvals(P))) ** (1.0 / k))
        prods.update(new)
    return best


def all_policies(S: int, A: int):
    return [np.array(p) for p in itertools.product(range(A), repeat=S)]


def sampling(mdp: FiniteMDP, d: np.ndarray):
    return sampling_from_d(mdp, d)


def load_example(script: str, module_name: str | None = None):
    """The example script ``examples/<script>.py`` imported as a module (registered in
    ``sys.modules`` under ``module_name``, default ``script``: dataclasses look their module
    up there)."""
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "examples" / f"{script}.py"
    spec = importlib.util.spec_from_file_location(module_name or script, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod
