"""Finite Markov decision processes, validated on construction."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from certify.errors import InvalidMDP
from certify.limits import check_mdp_size
from certify.mdp.validate import as_real_array, check_distribution, check_gamma
from certify.tolerance import STOCHASTIC_ATOL


class FiniteMDP:
    """A finite discounted MDP (S, A, P, R, gamma), validated on construction.

    Parameters
    ----------
    P : array (S, A, S) or sparse matrix (S*A, S)
        ``P[s, a, s']`` is the probability of moving to s' after action a in state s; as a
        sparse matrix, row ``s*A + a`` (state-major) is P(.|s, a).  Each row must sum to 1
        within ``tolerance.STOCHASTIC_ATOL``; rows are not renormalised.
    R : array (S, A)
        Expected reward ``R[s, a]``.
    gamma : float
        Discount factor in [0, 1).
    states, actions : sequence of str, optional
        Names, for reports.
    name : str, optional
        Where the MDP came from (built-in name or file).
    layout : {"SAS", "ASS"}, keyword-only, optional
        Axis order of a dense P: ``"SAS"`` is ``P[s, a, s']``, ``"ASS"`` is pymdptoolbox's
        ``P[a, s, s']`` (see :mod:`certify.mdp.adapters`).  It may be omitted only when the
        shape decides it: an (S, S, S) array with S > 1 (as many states as actions) is refused
        without a named layout, since both readings are valid MDPs with different Q*.
    renormalize : float, keyword-only, optional
        Opt-in tolerance for float32 data: rows within it of 1 are divided by their sum;
        the largest correction is kept in :attr:`renormalized`.  Dense or sparse P; without
        it, low-precision data off by more than ``tolerance.STOCHASTIC_ATOL`` is refused with
        the row, its sum and the value to pass.

    Notes
    -----
    The transition data is stored sparse (:attr:`P_matrix`, n x S); the dense (S, A, S) array
    :attr:`P` is built on first use, so large sparse MDPs never materialise it unless a
    caller asks.  State-action pairs are ordered state-major (:mod:`certify.mdp.ordering`).

    Examples
    --------
    Two states, two actions; in state 0 action 0 stays (reward 1), in state 1 action 1 moves
    to state 0 (reward 2):

    >>> import numpy as np
    >>> from certify import FiniteMDP, q_star
    >>> P = np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]]])
    >>> mdp = FiniteMDP(P, R=np.array([[1.0, 0.0], [0.0, 2.0]]), gamma=0.9, layout="SAS")
    >>> mdp.n_states, mdp.n_actions, mdp.n_pairs
    (2, 2, 4)
    >>> q, policy = q_star(mdp)   # V(0) = 1 / (1 - 0.9) = 10, V(1) = 2 + 0.9 V(0) = 11
    >>> np.round(q, 10).tolist(), policy.tolist()
    ([[10.0, 9.9], [9.9, 11.0]], [0, 1])
    """

    def __init__(self, P, R, gamma: float, states=None, actions=None, name: str = "mdp", *,
                 layout: str | None = None, renormalize: float | None = None) -> None:
        if getattr(R, "ndim", None) == 3:  # an array (a ragged list must reach as_real_array)
            raise InvalidMDP(f"R has shape {np.shape(R)}; FiniteMDP takes expected rewards R[s, a]; for "
                             "pymdptoolbox's per-transition rewards R[a, s, s'] use "
                             "FiniteMDP.from_mdptoolbox(P, R, gamma)")
        R = as_real_array(R, "R", (None, None), InvalidMDP)
        self.renormalized: float | None = None
        S, A = R.shape
        if S == 0 or A == 0:
            raise InvalidMDP(f"R: expected at least one state and one action, found shape {R.shape}")
        check_mdp_size(S, A, "R")
        from certify.mdp.adapters import low_precision, precision_hint

        single = low_precision(P)
        if sp.issparse(P):
            from certify.mdp.adapters import check_layout

            if layout is not None and check_layout(layout) != "SAS":
                raise InvalidMDP("a sparse P is read as (S*A, S) rows, state-major: layout "
                                 "applies to dense arrays only")
            Pm = sp.csr_matrix(P, dtype=float)
            if Pm.shape != (S * A, S):
                raise InvalidMDP(f"P: expected a sparse matrix of shape ({S * A}, {S}) "
                                 f"(pairs x next states) but found {Pm.shape}")
            if not np.all(np.isfinite(Pm.data)):
                raise InvalidMDP("P: every entry must be a finite number")
            if renormalize is not None:
                from certify.mdp.adapters import renormalise_sparse

                Pm, self.renormalized = renormalise_sparse(Pm, renormalize, A)
            neg = Pm.data < -STOCHASTIC_ATOL
            if neg.any():
                k = int(np.flatnonzero(neg)[0])
                s_, a_ = divmod(int(np.searchsorted(Pm.indptr, k, side="right") - 1), A)
                raise InvalidMDP(f"P has the negative entry {float(Pm.data[k])!r} (state {s_}, "
                                 f"action {a_}, next state {int(Pm.indices[k])}); probabilities "
                                 "must be >= 0")
            sums = np.asarray(Pm.sum(axis=1)).reshape(-1)
            off = np.abs(sums - 1.0) > STOCHASTIC_ATOL
            if off.any():
                i = int(np.flatnonzero(off)[0])
                s_, a_ = divmod(i, A)
                hint = (f"; {precision_hint(P, float(np.abs(sums - 1.0).max()))}" if single else "")
                raise InvalidMDP(f"P[{s_}][{a_}] (state {s_}, action {a_}) sums to "
                                 f"{float(sums[i])!r} over next states; each P[s][a] must sum to "
                                 f"1 (tolerance {STOCHASTIC_ATOL:g}){hint}")
            dense = None
        else:
            from certify.mdp.adapters import (
                ambiguity_message,
                ambiguous_shape,
                check_layout,
                renormalise_rows,
                to_sas,
            )

            if layout is None:
                if ambiguous_shape(P):
                    raise InvalidMDP(ambiguity_message(P))
                layout = "SAS"
            layout = check_layout(layout)
            raw = as_real_array(P, "P", (None, None, None), InvalidMDP)
            dense = to_sas(raw, layout)
            if dense.shape[:2] != (S, A) or dense.shape[2] != S:
                hint = (" (an (A, S, S) array from pymdptoolbox? pass layout='ASS' or use "
                        "FiniteMDP.from_mdptoolbox)" if dense.shape[1:] == (S, S) else "")
                raise InvalidMDP(f"P: expected shape ({S}, {A}, {S}) to match R of shape "
                                 f"{R.shape}, found {dense.shape}{hint}")
            # rows (the last axis) are checked in the caller's layout: errors name its indices
            if renormalize is not None:
                raw, self.renormalized = renormalise_rows(raw, renormalize)
            def where(idx: tuple[int, ...]) -> str:  # in layout ASS, say which axis is which
                axes = ("action", "state", "next state")
                return "".join(f"[{i}]" for i in idx) + (" (" + ", ".join(
                    f"{n} {i}" for n, i in zip(axes, idx, strict=False)) + ")" if layout == "ASS" else "")

            try:
                check_distribution(raw, "P", InvalidMDP, axis_names=where)
            except InvalidMDP as exc:
                if single:
                    dev = float(np.abs(raw.sum(axis=-1) - 1.0).max())
                    raise InvalidMDP(f"{exc}; {precision_hint(P, dev)}") from exc
                raise
            dense = to_sas(raw, layout)
            dense.setflags(write=False)
            Pm = sp.csr_matrix(dense.reshape(S * A, S))
        Pm.sort_indices()
        self._P_dense = dense
        self.P_matrix: sp.csr_matrix = Pm
        R.setflags(write=False)
        self.R: np.ndarray = R
        self.gamma: float = check_gamma(gamma, InvalidMDP)
        for names, count, what in ((states, S, "states"), (actions, A, "actions")):
            if names is not None and (isinstance(names, str | bytes | dict)
                                      or not hasattr(names, "__len__")):
                raise InvalidMDP(f"{what}: expected a list of {count} names, found {names!r:.80}")
            if names is not None and len(names) != count:
                raise InvalidMDP(f"{what}: expected {count} names, found {len(names)}")
        self.states = tuple(str(x) for x in states) if states is not None else None
        self.actions = tuple(str(x) for x in actions) if actions is not None else None
        self.name = name

    @classmethod
    def from_arrays(cls, P, R, gamma: float, layout: str | None = None,
                    renormalize: float | None = None, **kwargs) -> FiniteMDP:
        """A FiniteMDP from dense arrays in a named axis order.

        Parameters
        ----------
        P : array (S, A, S) or (A, S, S)
            Transition probabilities in the order ``layout`` names.
        R : array (S, A)
            Expected rewards ``R[s, a]``.
        gamma : float
            Discount factor in [0, 1).
        layout : {"SAS", "ASS"}, optional
            ``"SAS"`` is ``P[s, a, s']`` (certify's), ``"ASS"`` is ``P[a, s, s']``
            (pymdptoolbox's).  Required when S = A > 1, where both readings have the same shape
            and would be valid MDPs with different Q*.
        renormalize : float, optional
            Opt-in tolerance for float32 data (see :class:`FiniteMDP`).
        **kwargs
            ``states``, ``actions``, ``name``, as for :class:`FiniteMDP`.

        Returns
        -------
        FiniteMDP

        Raises
        ------
        InvalidMDP
            A shape, a row sum, gamma or the layout is wrong (one line naming it).

        Examples
        --------
        >>> import numpy as np
        >>> from certify import FiniteMDP
        >>> P = np.array([[[0.9, 0.1], [0.2, 0.8]], [[0.3, 0.7], [0.6, 0.4]]])
        >>> FiniteMDP.from_arrays(P, np.eye(2), 0.9, layout="ASS").P[0, 1].tolist()  # P[s=0, a=1]
        [0.3, 0.7]
        """
        from certify.mdp.adapters import from_arrays

        return from_arrays(P, R, gamma, layout, renormalize, **kwargs)

    @classmethod
    def from_mdptoolbox(cls, P, R, gamma: float, renormalize: float | None = None,
                        **kwargs) -> FiniteMDP:
        """A FiniteMDP from pymdptoolbox's arrays (axis order action, state, next state).

        The results of ``mdptoolbox.example.forest()`` and ``rand()`` (dense or sparse) give
        the V* and optimal policy of pymdptoolbox's ``PolicyIteration``
        (tests/test_mdptoolbox_real.py).

        Parameters
        ----------
        P : array (A, S, S), or a list or object array of A (S, S) matrices (sparse allowed)
            ``P[a][s, s']``.
        R : array (S, A), (S,) or (A, S, S), or A (S, S) matrices
            As pymdptoolbox accepts it; (S,) is the same reward for every action and
            (A, S, S) is averaged over the next state.
        gamma : float
            Discount factor in [0, 1).
        renormalize : float, optional
            Opt-in tolerance for float32 data (see :class:`FiniteMDP`).
        **kwargs
            ``states``, ``actions``, ``name``, as for :class:`FiniteMDP`.

        Returns
        -------
        FiniteMDP

        Raises
        ------
        InvalidMDP
            P is not (A, S, S), R does not match, a row does not sum to 1, or gamma is
            outside [0, 1).
        """
        from certify.mdp.adapters import mdptoolbox_arrays

        Pt, Rsa = mdptoolbox_arrays(P, R)  # dense (A, S, S), or sparse state-major (S*A, S)
        return cls(Pt, Rsa, gamma, renormalize=renormalize,
                   layout="SAS" if sp.issparse(Pt) else "ASS", **{"name": "mdptoolbox", **kwargs})

    @classmethod
    def from_gymnasium(cls, env, gamma: float, terminal: str = "absorbing",
                       renormalize: float | None = None, **kwargs) -> FiniteMDP:
        """A FiniteMDP from a Gymnasium toy-text environment's model ``env.unwrapped.P``.

        Works for the environments that expose their transition table (FrozenLake, Taxi,
        CliffWalking); Gymnasium itself is not imported.

        Parameters
        ----------
        env : gymnasium.Env
            An environment (wrapped or not) whose ``unwrapped.P[s][a]`` is a list of
            ``(prob, next_state, reward, terminated)``.
        gamma : float
            Discount factor in [0, 1).
        terminal : {"absorbing", "ignore"}
            ``"absorbing"`` (default): a terminating transition goes to one added absorbing
            state of value 0, so Q* on the environment's states is the value of its episodes;
            ``"ignore"`` keeps the recorded next state (see
            :func:`certify.mdp.adapters.gymnasium_arrays`).
        renormalize : float, optional
            Opt-in tolerance for float32 data (see :class:`FiniteMDP`).
        **kwargs
            ``states``, ``actions``, ``name``, as for :class:`FiniteMDP`.

        Returns
        -------
        FiniteMDP

        Raises
        ------
        InvalidMDP
            ``env`` exposes no transition table, or the table is malformed.
        """
        from certify.mdp.adapters import gymnasium_arrays

        inner = getattr(env, "unwrapped", env)
        table = getattr(inner, "P", None)
        if table is None:
            spec_id = getattr(getattr(inner, "spec", None), "id", None) or type(inner).__name__
            raise InvalidMDP(f"{spec_id}: env.unwrapped has no transition table P; only "
                             "environments that expose their model (Gymnasium's toy-text "
                             "FrozenLake, Taxi, CliffWalking) can be read")
        n_s = getattr(getattr(inner, "observation_space", None), "n", None)
        n_a = getattr(getattr(inner, "action_space", None), "n", None)
        P, R, names = gymnasium_arrays(table, n_s, n_a, terminal)  # type: ignore[arg-type]
        spec = getattr(getattr(inner, "spec", None), "id", None)
        return cls(P, R, gamma, states=names, renormalize=renormalize, layout="SAS",  # P[s][a]
                   **{"name": str(spec or type(inner).__name__), **kwargs})

    def __repr__(self) -> str:
        return (f"FiniteMDP(name={self.name!r}, n_states={self.n_states}, "
                f"n_actions={self.n_actions}, gamma={self.gamma})")

    @property
    def P(self) -> np.ndarray:
        """Dense transition array (S, A, S), read-only (built on first use)."""
        if self._P_dense is None:
            dense = self.P_matrix.toarray().reshape(self.n_states, self.n_actions, self.n_states)
            dense.setflags(write=False)
            self._P_dense = dense
        return self._P_dense

    @property
    def n_states(self) -> int:
        return int(self.R.shape[0])

    @property
    def n_actions(self) -> int:
        return int(self.R.shape[1])

    @property
    def n_pairs(self) -> int:
        """Number of state-action pairs n = |S||A|."""
        return self.n_states * self.n_actions

    @property
    def r_vector(self) -> np.ndarray:
        """R flattened state-major."""
        return self.R.reshape(-1)

    @property
    def r_max(self) -> float:
        """max |R(s, a)|."""
        return float(np.abs(self.R).max())

    def state_name(self, s: int) -> str:
        return self.states[s] if self.states else str(s)

    def action_name(self, a: int) -> str:
        return self.actions[a] if self.actions else str(a)

    def to_dict(self) -> dict:
        """JSON-ready form in the documented input format (read back by ``load_problem``: the
        layout is named, as a file with S = A needs it)."""
        out: dict = {"gamma": self.gamma, "layout": "SAS", "P": self.P.tolist(),
                     "R": self.R.tolist()}
        if self.states:
            out["states"] = list(self.states)
        if self.actions:
            out["actions"] = list(self.actions)
        return out

    def summary(self) -> dict:
        """Name, sizes and gamma; ``renormalized`` (the largest row correction) when the rows
        of P were renormalised on request, so outputs say so."""
        out = {"name": self.name, "n_states": self.n_states, "n_actions": self.n_actions,
               "gamma": self.gamma}
        if self.renormalized is not None:
            out["renormalized"] = self.renormalized
        return out


def check_policy(pi: np.ndarray, mdp: FiniteMDP, field: str = "policy") -> np.ndarray:
    """Validate a stochastic policy ``pi[s, a]`` (rows are distributions)."""
    arr = as_real_array(pi, field, (mdp.n_states, mdp.n_actions), InvalidMDP)
    check_distribution(arr, field, InvalidMDP)
    return arr
