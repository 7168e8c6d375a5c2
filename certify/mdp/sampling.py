"""Sampling models for asynchronous Q-learning: which state-action pair is updated when.

Three ways to give one (theory.md, common notation):

* ``d`` over state-action pairs (state-major), i.i.d. model: (s, a) ~ d, s' ~ P(.|s, a);
* a behaviour policy ``beta`` plus a state distribution ``mu``: d(s, a) = mu(s) beta(a|s),
  i.i.d. model;
* a behaviour policy alone, Markovian model: the pairs follow the chain
  (s, a) -> s' ~ P(.|s, a), a' ~ beta(.|s'), whose stationary law is d.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from certify.errors import InvalidMDP
from certify.mdp.finite import FiniteMDP, check_policy
from certify.mdp.ordering import pair_of
from certify.mdp.validate import as_real_array, check_distribution

SamplingKind = Literal["iid", "markov"]


@dataclass(frozen=True, eq=False)
class Sampling:
    """A sampling model over the state-action pairs of an MDP.

    Attributes
    ----------
    d : array (n,)
        Sampling (or stationary) distribution over pairs, state-major.
    kind : {"iid", "markov"}
        Observation model.
    behaviour : array (S, A) or None
        Behaviour policy, when the model was given by one.
    description : str
        How it was specified (for reports).
    """

    d: np.ndarray
    kind: SamplingKind = "iid"
    behaviour: np.ndarray | None = None
    description: str = "d"

    @property
    def d_min(self) -> float:
        return float(self.d.min())

    @property
    def d_max(self) -> float:
        return float(self.d.max())

    def to_dict(self) -> dict:
        out: dict = {"kind": self.kind, "d": self.d.tolist(), "description": self.description}
        if self.behaviour is not None:
            out["behaviour"] = self.behaviour.tolist()
        return out


def _pair_name(mdp: FiniteMDP):
    def name(idx: tuple[int, ...]) -> str:
        s, a = pair_of(idx[0], mdp.n_actions)
        return f"[{idx[0]}] (state {mdp.state_name(s)}, action {mdp.action_name(a)})"

    return name


def sampling_from_d(mdp: FiniteMDP, d: object, positive: bool = True,
                    renormalize: float | None = None) -> Sampling:
    """I.i.d. sampling from ``d`` over pairs (state-major); ``positive`` demands d > 0.

    Parameters
    ----------
    mdp : FiniteMDP
    d : array-like (n,)
        Probabilities over pairs.
    positive : bool
        Demand d > 0.
    renormalize : float, optional
        The opt-in of :mod:`certify.mdp.adapters` for float32 data: d is divided by its sum
        when that is within this tolerance of 1 (an NPZ's ``renormalize`` array applies to
        P and d alike).
    """
    from certify.mdp.adapters import check_tolerance, low_precision, precision_hint
    from certify.mdp.io import as_mdp

    mdp = as_mdp(mdp)
    arr = as_real_array(d, "sampling.d", (mdp.n_pairs,), InvalidMDP)
    if renormalize is not None:
        tol = check_tolerance(renormalize)
        total = float(np.clip(arr, 0.0, None).sum())
        if (arr < -tol).any() or not abs(total - 1.0) <= tol:
            raise InvalidMDP(f"sampling.d sums to {float(arr.sum())!r} (min entry "
                             f"{float(arr.min())!r}), further from a distribution than "
                             f"renormalize = {tol:g}: not a rounding error, refused")
        arr = np.clip(arr, 0.0, None) / total
    try:
        check_distribution(arr, "sampling.d", InvalidMDP, _pair_name(mdp), positive=positive)
    except InvalidMDP as exc:
        if low_precision(d):
            hint = precision_hint(d, float(abs(arr.sum() - 1.0)), "sampling.d")
            raise InvalidMDP(f"{exc}; {hint}") from exc
        raise
    arr.setflags(write=False)
    return Sampling(arr, "iid", None, "d over state-action pairs")


def sampling_from_behaviour(
    mdp: FiniteMDP, behaviour: object, state_dist: object, positive: bool = True
) -> Sampling:
    """I.i.d. sampling d(s, a) = mu(s) beta(a|s)."""
    beta = check_policy(np.asarray(behaviour, dtype=float), mdp, "sampling.behaviour")
    mu = as_real_array(state_dist, "sampling.state_dist", (mdp.n_states,), InvalidMDP)
    check_distribution(mu, "sampling.state_dist", InvalidMDP)
    d = (mu[:, None] * beta).reshape(-1)
    if positive:
        check_distribution(d, "sampling.d (= state_dist x behaviour)", InvalidMDP,
                           _pair_name(mdp), positive=True)
    d.setflags(write=False)
    return Sampling(d, "iid", beta, "behaviour policy and state distribution")


def stationary_pair_distribution(mdp: FiniteMDP, behaviour: np.ndarray) -> np.ndarray:
    """Stationary law of the pair chain (s, a) -> (s', a'), s' ~ P, a' ~ beta(.|s').

    Computed from the state chain P_beta(s, s') = sum_a beta(a|s) P(s'|s, a): its stationary
    mu solves mu^T (P_beta - I) = 0, sum mu = 1; then d(s, a) = mu(s) beta(a|s).  Raises if
    the chain has more than one stationary law (not irreducible).
    """
    S = mdp.n_states
    from certify.mdp.bellman import policy_matrix

    p_beta = (policy_matrix(mdp, behaviour) @ mdp.P_matrix).toarray()
    m = (p_beta - np.eye(S)).T
    import scipy.linalg as sla  # on first use: the main job's start-up does without it

    null = sla.null_space(m, rcond=1e-10)
    if null.shape[1] != 1:
        raise InvalidMDP(
            f"sampling.behaviour: the state chain under the behaviour policy has {null.shape[1]} "
            "stationary distributions; the Markovian model needs exactly one (an irreducible chain)"
        )
    mu = null[:, 0]
    mu = mu / mu.sum()
    mu = np.where(np.abs(mu) < 1e-15, 0.0, mu)
    return (mu[:, None] * behaviour).reshape(-1)


def sampling_markov(mdp: FiniteMDP, behaviour: object, positive: bool = True) -> Sampling:
    """Markovian sampling along one behaviour trajectory; d is its stationary pair law."""
    beta = check_policy(np.asarray(behaviour, dtype=float), mdp, "sampling.behaviour")
    d = stationary_pair_distribution(mdp, beta)
    if positive:
        check_distribution(d, "sampling.d (stationary law of the behaviour chain)", InvalidMDP,
                           _pair_name(mdp), positive=True)
    d.setflags(write=False)
    return Sampling(d, "markov", beta, "stationary law of a behaviour chain")


def uniform_sampling(mdp: FiniteMDP) -> Sampling:
    """d uniform over pairs.

    Parameters
    ----------
    mdp : FiniteMDP
    """
    from certify.mdp.io import as_mdp

    mdp = as_mdp(mdp)
    d = np.full(mdp.n_pairs, 1.0 / mdp.n_pairs)
    d.setflags(write=False)
    return Sampling(d, "iid", None, "uniform over state-action pairs")


def sampling_from_spec(mdp: FiniteMDP, spec: object, positive: bool = True) -> Sampling:
    """Build a sampling model from the ``sampling`` section of an MDP file.

    Accepted forms: ``"uniform"``; ``{"d": [...]}``; ``{"behaviour": [[...]], "state_dist":
    [...]}``; ``{"behaviour": [[...]], "model": "markov"}``.
    """
    if isinstance(spec, str):
        if spec == "uniform":
            return uniform_sampling(mdp)
        raise InvalidMDP(f"sampling: expected 'uniform' or a mapping, found {spec!r}")
    if not isinstance(spec, dict):
        raise InvalidMDP(f"sampling: expected a mapping with 'd' or 'behaviour', found {spec!r}")
    allowed = {"d", "behaviour", "state_dist", "model"}
    unknown = sorted(set(spec) - allowed)
    if unknown:
        raise InvalidMDP(f"sampling: unknown keys {unknown}; allowed keys are {sorted(allowed)}")
    model = spec.get("model", "iid")
    if model not in ("iid", "markov"):
        raise InvalidMDP(f"sampling.model = {model!r}; expected 'iid' or 'markov'")
    if "d" in spec:
        if "behaviour" in spec or "state_dist" in spec:
            raise InvalidMDP("sampling: give either 'd' or 'behaviour' (with 'state_dist'), not both")
        s = sampling_from_d(mdp, spec["d"], positive)
        return s if model == "iid" else Sampling(s.d, "markov", None, s.description)
    if "behaviour" not in spec:
        raise InvalidMDP("sampling: expected a 'd' or a 'behaviour' entry")
    if model == "markov":
        if "state_dist" in spec:
            raise InvalidMDP("sampling: 'state_dist' is implied by the chain in the markov model")
        return sampling_markov(mdp, spec["behaviour"], positive)
    if "state_dist" not in spec:
        raise InvalidMDP("sampling: the i.i.d. model with a behaviour policy needs 'state_dist'")
    return sampling_from_behaviour(mdp, spec["behaviour"], spec["state_dist"], positive)
