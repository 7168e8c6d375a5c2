"""Transition arrays as people have them: axis layouts, float32 data, other toolkits.

certify stores P state-major, ``P[s, a, s']`` (layout ``"SAS"``).  Other tools do not:
pymdptoolbox uses ``P[a, s, s']`` (layout ``"ASS"``; an (A, S, S) array, or a list or 1-D
object array of A (S, S) matrices, dense or sparse), Gymnasium's toy-text environments a
dict ``env.unwrapped.P[s][a] = [(prob, next, reward, terminated), ...]``.  (MATLAB's
MDPToolbox stores a 3-D P as (S, S, A): ``P.transpose(2, 0, 1)`` is pymdptoolbox's order.)
With as many states as actions an ``"ASS"`` array has the same shape as an ``"SAS"`` one and
both readings are valid MDPs with different Q*: such an array is refused unless its layout
is named (``layout=`` here, the ``layout`` field of a file).

Single-precision data (float32) sums to 1 only within about 1e-7 per row, far outside the
validation tolerance :data:`certify.tolerance.STOCHASTIC_ATOL`.  It is accepted only when
the user opts in with ``renormalize=TOL``: each row whose sum is within TOL of 1 is divided
by its sum (in float64), a row further off is refused.  The MDP then records the largest
correction in ``renormalized``.  Nothing is renormalised silently: without the opt-in the
refusal names the row, its sum and the ``renormalize`` value that would accept the data
(:func:`precision_hint`).  Rows are checked in the caller's layout, so an error's indices
are those of the caller's array.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp

from certify.errors import InvalidMDP

Layout = Literal["SAS", "ASS"]
LAYOUTS: dict[str, str] = {
    "SAS": "P[s, a, s'] (state, action, next state; certify's own)",
    "ASS": "P[a, s, s'] (action, state, next state; pymdptoolbox, MDPToolbox)",
}


def check_layout(layout: object) -> str:
    """Validate a layout name (case-insensitive); returns it in upper case."""
    if not isinstance(layout, str) or layout.upper() not in LAYOUTS:
        raise InvalidMDP(f"layout = {layout!r}; expected one of " +
                         ", ".join(f"{k!r} for {v}" for k, v in LAYOUTS.items()))
    return layout.upper()


def check_tolerance(renormalize: object) -> float:
    """Validate a renormalisation tolerance: a number in (0, 0.01]."""
    ok = isinstance(renormalize, int | float | np.floating) and not isinstance(renormalize, bool)
    if not ok or not (0 < float(renormalize) <= 1e-2):  # type: ignore[arg-type]
        raise InvalidMDP(f"renormalize = {renormalize!r}; expected a tolerance in (0, 0.01] "
                         "(how far a row sum of P may be from 1 before it is divided by it)")
    return float(renormalize)  # type: ignore[arg-type]


def ambiguous_shape(P: object) -> bool:
    """True when a dense transition array has as many states as actions (S = A > 1), so that
    the ``"SAS"`` and ``"ASS"`` readings have the same shape and differ (with S = A = 1 they
    are the same array)."""
    if sp.issparse(P):
        return False
    try:
        shape = np.shape(P)
    except ValueError:  # ragged nested lists: no shape; as_real_array refuses them in one line
        return False
    return len(shape) == 3 and shape[0] == shape[1] == shape[2] > 1


def ambiguity_message(P: object, how: str = "pass layout='{}'") -> str:
    """The one-line refusal of an (S, S, S) array whose layout is not named; ``how`` says how
    to name it at this entry point (``{}`` stands for the layout)."""
    n = np.shape(P)[0]
    return (f"P has shape {tuple(np.shape(P))}: with S = A = {n} the layout is ambiguous; "
            f"{how.format('SAS')} (P[s, a, s'], certify's order) or {how.format('ASS')} "
            "(P[a, s, s'], pymdptoolbox's)")


def to_sas(P: np.ndarray, layout: str) -> np.ndarray:
    """The array ``P`` given in ``layout`` as certify's ``P[s, a, s']``."""
    layout = check_layout(layout)
    if P.ndim != 3:
        raise InvalidMDP(f"P: expected a 3-axis array in layout {layout!r}, found shape {P.shape}")
    if layout == "ASS":
        if P.shape[1] != P.shape[2]:
            raise InvalidMDP(f"P: layout 'ASS' needs shape (A, S, S), found {P.shape}")
        return np.ascontiguousarray(P.transpose(1, 0, 2))
    return P


def _float_info(P: object) -> tuple[str, float] | None:
    """(dtype name, machine epsilon) of a floating array of numpy, torch, JAX, ...; None for
    other data.  torch dtypes are not numpy dtypes (``torch.float32``): read by name."""
    dt = getattr(P, "dtype", None)
    if dt is None:
        return None
    name = str(dt).rsplit(".", 1)[-1]
    if name == "bfloat16":
        return name, 2.0 ** -7
    try:
        npdt = np.dtype(dt)
    except TypeError:
        try:
            npdt = np.dtype(name)
        except TypeError:
            return None
    if not np.issubdtype(npdt, np.floating):
        return None
    return str(npdt), float(np.finfo(npdt).eps)


def low_precision(P: object) -> bool:
    """True for float arrays of less than double precision (float16, float32, bfloat16),
    numpy or not."""
    info = _float_info(P)
    return info is not None and info[1] > float(np.finfo(float).eps)


def precision_hint(P: object, deviation: float, field: str = "P") -> str:
    """What to do about low-precision ``P`` whose rows are up to ``deviation`` from 1: the
    ``renormalize`` value that accepts it (the power of ten at least 2 x ``deviation``, and
    at least 1e-6), or, when even 0.01 is too small, that this is not rounding."""
    dt, eps = _float_info(P) or ("float64", float(np.finfo(float).eps))
    if not deviation * 2 <= 1e-2:
        return (f"{field} is {dt} data (machine epsilon {eps:.1e}) but a sum is {deviation:.2g} "
                "from 1, more than rounding: check the data")
    exp = max(-6, int(np.ceil(np.log10(deviation * 2)))) if deviation > 0 else -6
    tol = f"1e{exp}"
    return (f"{field} is {dt} data (machine epsilon {eps:.1e}), whose sums are 1 only within "
            f"{deviation:.2g} here: opt in with renormalize={tol} (in a file, a field or NPZ "
            f"array renormalize = {tol}) to divide by the sums, or pass float64 data")


def renormalise_sparse(P: sp.csr_matrix, tol: float, n_actions: int) -> tuple[sp.csr_matrix, float]:
    """:func:`renormalise_rows` for a sparse (S*A, S) matrix (row ``s*A + a`` is P(.|s, a))."""
    tol = check_tolerance(tol)
    P = sp.csr_matrix(P, dtype=float, copy=True)
    if (P.data < -tol).any():
        i = int(np.flatnonzero(P.data < -tol)[0])
        row = int(np.searchsorted(P.indptr, i, side="right") - 1)
        raise InvalidMDP(f"P{list(divmod(row, n_actions))} has the entry {float(P.data[i])!r}, "
                         f"negative beyond renormalize = {tol:g}")
    P.data = np.clip(P.data, 0.0, None)
    sums = np.asarray(P.sum(axis=1)).reshape(-1)
    off = np.abs(sums - 1.0)
    if (off > tol).any():
        row = int(np.flatnonzero(off > tol)[0])
        raise InvalidMDP(f"P{list(divmod(row, n_actions))} sums to {float(sums[row])!r}, further "
                         f"from 1 than renormalize = {tol:g}: not a rounding error, refused")
    P = sp.csr_matrix(sp.diags(1.0 / sums) @ P)
    return P, float(off.max()) if off.size else 0.0


def renormalise_rows(P: np.ndarray, tol: float) -> tuple[np.ndarray, float]:
    """Divide each row of ``P`` (last axis) by its sum when that sum is within ``tol`` of 1.

    Returns the new float64 array and the largest |sum - 1| corrected.  A row further than
    ``tol`` from 1, or with a negative entry below ``-tol``, is refused (it is not a rounding
    error of a distribution).
    """
    tol = check_tolerance(tol)
    P = np.asarray(P, dtype=float)
    if (P < -tol).any():
        idx = tuple(int(i) for i in np.argwhere(P < -tol)[0])
        raise InvalidMDP(f"P{list(idx)} = {float(P[idx])!r} is negative beyond renormalize = {tol:g}")
    P = np.clip(P, 0.0, None)
    sums = P.sum(axis=-1, keepdims=True)
    off = np.abs(sums - 1.0)
    if (off > tol).any():
        idx = tuple(int(i) for i in np.argwhere(off[..., 0] > tol)[0])
        raise InvalidMDP(f"P{list(idx)} sums to {float(sums[idx][0])!r}, further from 1 than "
                         f"renormalize = {tol:g}: not a rounding error, refused")
    return P / sums, float(off.max()) if off.size else 0.0


def _actions(P: object) -> np.ndarray | list:
    """pymdptoolbox's P (or R): an (A, S, S) array, or a sequence (list, or object array as
    pymdptoolbox's own sparse examples and MATLAB cell arrays read by scipy give) of A (S, S)
    matrices.  Returned as an array, or as a list of CSR matrices when any is sparse (kept
    sparse: a sparse MDP is sparse because the dense one does not fit)."""
    if isinstance(P, np.ndarray) and P.dtype == object:
        P = list(P.reshape(-1))
    if isinstance(P, np.ndarray):
        return P
    if isinstance(P, Sequence) and P and any(sp.issparse(m) for m in P):
        mats = [sp.csr_matrix(m) for m in P]
        if len({m.shape for m in mats}) != 1 or mats[0].shape[0] != mats[0].shape[1]:
            raise InvalidMDP(f"expected A matrices of one shape (S, S), found shapes "
                             f"{[m.shape for m in mats][:6]}")
        return mats
    try:
        return np.asarray(P)
    except ValueError as exc:  # ragged nested lists
        raise InvalidMDP(f"expected pymdptoolbox's arrays, found ragged data ({exc})") from exc


def _shape(M: np.ndarray | list) -> tuple[int, ...]:
    return (len(M), *M[0].shape) if isinstance(M, list) else M.shape


def _state_major(mats: list) -> sp.csr_matrix:
    """A sparse (S*A, S) matrix, row ``s*A + a`` = row s of action a's matrix."""
    A, S = len(mats), mats[0].shape[0]
    stacked = sp.vstack(mats, format="csr")  # row a*S + s
    i = np.arange(S * A)
    return sp.csr_matrix(stacked[(i % A) * S + i // A])


def _expected_reward(Pa, Ra) -> np.ndarray:
    """sum_s' P[s, s'] R[s, s'] for one action (either may be sparse)."""
    if sp.issparse(Pa):
        return np.asarray(Pa.multiply(Ra).sum(axis=1), dtype=float).reshape(-1)
    if sp.issparse(Ra):
        return np.asarray(Ra.multiply(Pa).sum(axis=1), dtype=float).reshape(-1)
    return (np.asarray(Pa, dtype=float) * np.asarray(Ra, dtype=float)).sum(axis=1)


def mdptoolbox_arrays(P: object, R: object) -> tuple[np.ndarray | sp.csr_matrix, np.ndarray]:
    """pymdptoolbox's (P, R) as P for :class:`~certify.mdp.finite.FiniteMDP` and certify's
    ``R[s, a]``.

    P has shape (A, S, S): an array, returned as it is (layout ``"ASS"``, left in the
    caller's order so that errors name the caller's indices), or A (S, S) matrices of which
    some are sparse, returned as the sparse state-major (S*A, S) matrix (never densified).
    R is as pymdptoolbox accepts it: (S, A); (S,), the same reward for every action; or (A,
    S, S) (an array or A matrices, sparse allowed), a reward per transition, reduced to the
    expected reward ``R[s, a] = sum_s' P[a, s, s'] R[a, s, s']`` as pymdptoolbox does.
    """
    try:
        Pa = _actions(P)
    except InvalidMDP as exc:
        raise InvalidMDP(f"P: {exc}") from exc
    shape = _shape(Pa)
    if len(shape) != 3 or shape[1] != shape[2]:
        raise InvalidMDP(f"P: expected pymdptoolbox's shape (A, S, S), found {shape}")
    A, S = shape[0], shape[1]
    if sp.issparse(R):  # one sparse (S, A) or (S, 1) matrix
        R = R.toarray()
    try:
        Rr = _actions(R)
    except InvalidMDP as exc:
        raise InvalidMDP(f"R: {exc}") from exc
    if _shape(Rr) == (A, S, S):
        Rsa = np.stack([_expected_reward(Pa[a], Rr[a]) for a in range(A)], axis=1)
    else:
        from certify.mdp.validate import as_real_array

        Rr = as_real_array(Rr, "R", None, InvalidMDP)
        if Rr.shape == (S,):
            Rsa = np.repeat(Rr[:, None], A, axis=1)
        elif Rr.shape == (S, A):
            Rsa = Rr
        else:
            raise InvalidMDP(f"R: expected pymdptoolbox's shape (S, A) = ({S}, {A}), (S,) = "
                             f"({S},) or (A, S, S) = ({A}, {S}, {S}); found {Rr.shape}")
    return (_state_major(Pa) if isinstance(Pa, list) else Pa), Rsa


def gymnasium_arrays(table: Mapping, n_states: int | None = None, n_actions: int | None = None,
                     terminal: Literal["absorbing", "ignore"] = "absorbing"
                     ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Gymnasium's ``env.unwrapped.P`` (``P[s][a] = [(prob, next, reward, terminated), ...]``)
    as ``P[s, a, s']``, ``R[s, a]`` (expected reward) and state names.

    ``terminal="absorbing"`` (default): a transition with ``terminated`` set goes to one added
    absorbing state ``"terminal"`` (every action loops on it with reward 0), so Q* is the
    value of Gymnasium's episode: ``Q(s, a) = sum p (r + gamma (1 - terminated) max Q(s', .))``,
    the reward of the terminating transition counted and nothing after it, as ``step``
    returning ``terminated=True`` means.  The rows of states where episodes end (FrozenLake's
    holes and goal, CliffWalking's goal) are kept as the table gives them: Gymnasium never
    acts from them, so their Q values do not enter the others.  Truncation (the TimeLimit
    wrapper's ``truncated``) is not in the table and not modelled: the MDP is the discounted
    infinite-horizon one.  ``"ignore"`` keeps the recorded next state (right only when every
    terminating transition is a reward-0 self-loop, as FrozenLake's but not CliffWalking's).
    tests/test_gymnasium_real.py checks FrozenLake, Taxi and CliffWalking against a value
    iteration over the raw table.
    """
    if not isinstance(table, Mapping) or not table:
        raise InvalidMDP("env.unwrapped.P: expected a non-empty dict {state: {action: "
                         "[(prob, next_state, reward, terminated), ...]}}")
    if terminal not in ("absorbing", "ignore"):
        raise InvalidMDP(f"terminal = {terminal!r}; expected 'absorbing' or 'ignore'")
    if not all(isinstance(acts, Mapping) for acts in table.values()):
        raise InvalidMDP("env.unwrapped.P: expected a dict {action: [(prob, next_state, reward, "
                         "terminated), ...]} for every state")
    S = int(n_states) if n_states is not None else len(table)
    A = int(n_actions) if n_actions is not None else max(len(v) for v in table.values())
    rows: list[tuple[int, int, float, int, float, bool]] = []
    for s in range(S):
        if s not in table:
            raise InvalidMDP(f"env.unwrapped.P has no entry for state {s} of {S}")
        for a in range(A):
            if a not in table[s]:
                raise InvalidMDP(f"env.unwrapped.P[{s}] has no entry for action {a} of {A}")
            outcomes = table[s][a]
            if not isinstance(outcomes, Sequence) or isinstance(outcomes, str):
                raise InvalidMDP(f"env.unwrapped.P[{s}][{a}]: expected a list of (prob, "
                                 f"next_state, reward, terminated) tuples, found {outcomes!r:.80}")
            rows.extend((s, a, *_outcome(t, s, a, S)) for t in outcomes)
    ends = terminal == "absorbing" and any(r[5] for r in rows)
    n = S + 1 if ends else S
    P = np.zeros((n, A, n))
    R = np.zeros((n, A))
    for s, a, prob, nxt, rew, done in rows:
        P[s, a, S if ends and done else nxt] += prob
        R[s, a] += prob * rew
    names = [str(s) for s in range(S)]
    if ends:
        P[S, :, S] = 1.0
        names.append("terminal")
    return P, R, names


def _outcome(t: object, s: int, a: int, n_states: int) -> tuple[float, int, float, bool]:
    """One ``(prob, next_state, reward[, terminated, ...])`` entry of Gymnasium's table, checked:
    real prob and reward, an integer next state in range (0.5 is not truncated to 0)."""
    where = f"env.unwrapped.P[{s}][{a}]"
    if not isinstance(t, Sequence) or isinstance(t, str) or len(t) < 3:
        raise InvalidMDP(f"{where}: expected (prob, next_state, reward, terminated) tuples, "
                         f"found {t!r:.80}")
    try:
        prob, rew = float(t[0]), float(t[2])
    except (TypeError, ValueError) as exc:
        raise InvalidMDP(f"{where}: probability and reward must be numbers, found {t!r:.80}") from exc
    nxt = t[1]
    if isinstance(nxt, bool) or not isinstance(nxt, int | np.integer):
        raise InvalidMDP(f"{where}: next state {nxt!r} is not an integer state index")
    if not 0 <= int(nxt) < n_states:
        raise InvalidMDP(f"{where}: next state {int(nxt)} is outside 0..{n_states - 1}")
    return prob, int(nxt), rew, len(t) > 3 and bool(t[3])


def from_arrays(P: Any, R: Any, gamma: float, layout: str | None = None,
                renormalize: float | None = None, **kwargs: Any):
    """A :class:`~certify.mdp.finite.FiniteMDP` from arrays in a named ``layout``.

    ``layout`` may be omitted only when the shape decides it (S != A); an (S, S, S) array is
    refused without one.  ``renormalize`` opts into row renormalisation (float32 data).
    """
    from certify.mdp.finite import FiniteMDP

    if layout is None and ambiguous_shape(P):
        raise InvalidMDP(ambiguity_message(P))
    return FiniteMDP(P, R, gamma, layout=layout or "SAS", renormalize=renormalize, **kwargs)
