"""Replay buffers: the empirical replay distribution rho and the sampled T*Q targets.

A buffer of N transitions (s_t, a_t, r_t, s'_t, done_t) defines, over the distinct states it
contains (the states s_t and the non-terminal next states s'_t), the empirical distribution

    rho(s, a) = #{t : (s_t, a_t) = (s, a)} / N

and the empirical optimality operator (seed 001's T*Q with the sampled transitions)

    (T^ Q)(s, a) = mean over {t : (s_t, a_t) = (s, a)} of r_t + gamma (1 - done_t) max_a' Q(s'_t, a').

The expected DQN update on the buffer, theta += alpha (1/N) sum_t (y_t - Q(s_t, a_t))
grad Q(s_t, a_t) with y_t the sampled target, equals alpha J^T D_rho (T^ Q - Q), the update
of Theorem 1 (Achiam, Knight and Abbeel, arXiv 1903.08894) with this rho and T^.  T^ is a
gamma-contraction in the sup norm (an average of gamma-Lipschitz maps), which is all the
proof of Theorem 2 needs.  Pairs never taken (rho = 0) keep rows in K: there (17) requires
sum_j |K_ij| rho_j <= 0, so a buffer that misses a pair of a state it contains is never
certified (the network's value there moves only by generalisation and is not contracted).

States are rows of a feature array (N, d), or integers (N,) encoded one-hot.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from certify.errors import InvalidInput
from certify.mdp.ordering import unflatten

KEYS = {"states": ("states", "obs", "observations", "s"),
        "actions": ("actions", "action", "a"),
        "rewards": ("rewards", "reward", "r"),
        "next_states": ("next_states", "next_obs", "next_observations", "s2"),
        "dones": ("dones", "done", "terminals", "terminated")}
"""Accepted NPZ keys for each field (first match wins)."""


@dataclass(frozen=True)
class ReplayBuffer:
    """Transitions (s_t, a_t, r_t, s'_t, done_t), t = 0..N-1.

    Attributes
    ----------
    states, next_states : array (N, d) of features or (N,) of integer state ids
    actions : array (N,) of integers in 0..n_actions-1
    rewards : array (N,)
    dones : array (N,) of bools
    """

    states: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray
    next_states: np.ndarray
    dones: np.ndarray

    def __post_init__(self) -> None:
        s, s2 = np.asarray(self.states), np.asarray(self.next_states)
        n = s.shape[0] if s.ndim >= 1 else 0
        if n == 0:
            raise InvalidInput("buffer: expected at least one transition")
        if s.ndim not in (1, 2) or s.shape != s2.shape:
            raise InvalidInput(f"buffer: states {s.shape} and next_states {s2.shape} must have the "
                               "same shape, (N,) ids or (N, d) features")
        for field in ("actions", "rewards", "dones"):
            if np.shape(getattr(self, field)) != (n,):
                raise InvalidInput(f"buffer: {field} must have shape ({n},), found "
                                   f"{np.shape(getattr(self, field))}")
        a = np.asarray(self.actions)
        if not np.all(np.isfinite(a.astype(float))) or np.any(a < 0) or np.any(a != np.round(a)):
            raise InvalidInput("buffer: actions must be integers >= 0")
        for field, arr in (("states", s), ("next_states", s2), ("rewards", self.rewards)):
            if not np.all(np.isfinite(np.asarray(arr, dtype=float))):
                raise InvalidInput(f"buffer: {field} must be finite numbers")
        if s.ndim == 1 and (np.any(s < 0) or np.any(s != np.round(s)) or np.any(s2 < 0)
                            or np.any(s2 != np.round(s2))):
            raise InvalidInput("buffer: 1-D states are state ids and must be integers >= 0")

    @property
    def size(self) -> int:
        return int(np.shape(self.states)[0])

    @classmethod
    def from_npz(cls, path: str | Path) -> ReplayBuffer:
        """Read a buffer from an NPZ file (keys: see :data:`KEYS`)."""
        p = Path(path)
        if not p.is_file():
            raise InvalidInput(f"buffer file {str(path)!r}: no such file")
        try:
            with np.load(p, allow_pickle=False) as z:
                data = {k: z[k] for k in z.files}
        except (OSError, ValueError) as exc:
            raise InvalidInput(f"buffer file {str(path)!r}: cannot read it as NPZ ({exc})") from exc
        fields = {}
        for field, names in KEYS.items():
            key = next((k for k in names if k in data), None)
            if key is None:
                raise InvalidInput(f"buffer file {str(path)!r}: no array {names[0]!r} (also accepted: "
                                   f"{', '.join(names[1:])}); found {sorted(data)}")
            fields[field] = data[key]
        return cls(fields["states"], fields["actions"].astype(int), fields["rewards"].astype(float),
                   fields["next_states"], fields["dones"].astype(bool))


@dataclass(frozen=True)
class BufferTargets:
    """The empirical rho and T^ of a buffer over its distinct states (state-major pairs).

    ``features[i]`` is the input of state i (one-hot rows for integer ids); ``state_ids``
    are the distinct states themselves (ids, or feature rows).
    """

    features: np.ndarray
    state_ids: np.ndarray
    n_actions: int
    gamma: float
    rho: np.ndarray
    counts: np.ndarray
    _pair: np.ndarray
    _next: np.ndarray
    _rewards: np.ndarray
    _live: np.ndarray

    @property
    def n_states(self) -> int:
        return int(self.features.shape[0])

    def bellman(self, q: np.ndarray) -> np.ndarray:
        """(T^ Q) over the pairs (state-major); 0 on pairs the buffer never took."""
        qt = unflatten(np.asarray(q, dtype=float), self.n_actions)
        boot = np.where(self._live, qt[self._next].max(axis=1), 0.0)
        y = self._rewards + self.gamma * boot
        total = np.bincount(self._pair, weights=y, minlength=self.counts.size)
        return np.where(self.counts > 0, total / np.maximum(self.counts, 1), 0.0)


def buffer_targets(buf: ReplayBuffer, gamma: float, n_actions: int | None = None,
                   n_states: int | None = None) -> BufferTargets:
    """rho and T^ of ``buf`` (see the module docstring).

    ``n_actions`` defaults to max action + 1; ``n_states`` (integer ids only) is the length
    of the one-hot encoding, default max id + 1.
    """
    from certify.mdp.validate import check_gamma

    g = check_gamma(gamma)
    s, s2 = np.asarray(buf.states), np.asarray(buf.next_states)
    a = np.asarray(buf.actions).astype(int)
    done = np.asarray(buf.dones).astype(bool)
    n_a = int(a.max()) + 1 if n_actions is None else int(n_actions)
    if a.max() >= n_a:
        raise InvalidInput(f"buffer: action {int(a.max())} is outside 0..{n_a - 1}")
    live = ~done
    every = np.concatenate([s, s2[live]], axis=0)
    if s.ndim == 1:
        every = every.astype(int)
        uniq, inv = np.unique(every, return_inverse=True)
        dim = int(uniq.max()) + 1 if n_states is None else int(n_states)
        if uniq.max() >= dim:
            raise InvalidInput(f"buffer: state id {int(uniq.max())} is outside 0..{dim - 1}")
        feats = np.eye(dim)[uniq]
    else:
        every = every.astype(float)
        uniq, inv = np.unique(every, axis=0, return_inverse=True)
        feats = uniq
    inv = np.asarray(inv).reshape(-1)
    n = s.shape[0]
    sid = inv[:n]
    nxt = np.zeros(n, dtype=int)
    nxt[live] = inv[n:]
    pair = sid * n_a + a
    counts = np.bincount(pair, minlength=uniq.shape[0] * n_a).astype(float)
    rho = counts / n
    return BufferTargets(feats, uniq, n_a, g, rho, counts, pair, nxt,
                         np.asarray(buf.rewards, dtype=float), live)


def pair_of_state_features(x: np.ndarray, n_actions: int) -> np.ndarray:
    """[x_s, e_a] for every pair, state-major (inputs of a single-head network)."""
    n_s = x.shape[0]
    return np.hstack([np.repeat(x, n_actions, axis=0), np.tile(np.eye(n_actions), (n_s, 1))])

