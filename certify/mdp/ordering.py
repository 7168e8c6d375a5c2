"""The ordering of state-action pairs, used everywhere in certify.

Pairs are ordered **state-major**: ``index(s, a) = s * n_actions + a``.  A vector over
pairs reshaped to ``(n_states, n_actions)`` is therefore ``Q[s, a]``.  Every module that
flattens or unflattens Q-values goes through these functions.
"""

from __future__ import annotations

import numpy as np


def pair_index(s: int, a: int, n_actions: int) -> int:
    """Index of the pair (s, a) in state-major order."""
    return s * n_actions + a


def pair_of(index: int, n_actions: int) -> tuple[int, int]:
    """The pair (s, a) at a state-major index."""
    return divmod(index, n_actions)


def flatten(q: np.ndarray) -> np.ndarray:
    """(S, A) table -> vector of length S*A in state-major order."""
    q = np.asarray(q)
    return q.reshape(q.shape[:-2] + (q.shape[-2] * q.shape[-1],))


def unflatten(v: np.ndarray, n_actions: int) -> np.ndarray:
    """Vector of length S*A (state-major) -> (S, A) table; batch axes in front are kept."""
    v = np.asarray(v)
    return v.reshape(v.shape[:-1] + (v.shape[-1] // n_actions, n_actions))
