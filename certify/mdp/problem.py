"""A problem: an MDP together with the optional data that algorithms need."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from certify.mdp.finite import FiniteMDP
from certify.mdp.sampling import Sampling


@dataclass(frozen=True, eq=False)
class Problem:
    """An MDP with its default sampling model and optional extras.

    Attributes
    ----------
    mdp : FiniteMDP
    sampling : Sampling or None
        The sampling model shipped with the problem (None: the user must give one or accept
        uniform sampling).
    features : array (S, k) or None
        State features for linear value-function approximation (gradient TD).
    target : array (S, A) or None
        Target policy for policy evaluation (gradient TD); None means the greedy/control
        setting.
    description : str
        One line on what the problem is and where it comes from.
    extra : dict
        Further problem-specific data (kept as given).
    """

    mdp: FiniteMDP
    sampling: Sampling | None = None
    features: np.ndarray | None = None
    target: np.ndarray | None = None
    description: str = ""
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        from certify.errors import InvalidInput, found
        from certify.mdp.io import check_sampling

        if not isinstance(self.mdp, FiniteMDP):
            raise InvalidInput(f"Problem.mdp: expected a FiniteMDP (FiniteMDP(P, R, gamma), or "
                               f"load_problem(name) for a whole problem), found {found(self.mdp)}")
        check_sampling(self.sampling, "Problem.sampling")

    @property
    def name(self) -> str:
        return self.mdp.name

    def to_dict(self) -> dict:
        out = {"name": self.name, "description": self.description, **self.mdp.to_dict()}
        if self.sampling is not None:
            s = self.sampling
            if s.behaviour is not None and s.kind == "markov":
                out["sampling"] = {"behaviour": s.behaviour.tolist(), "model": "markov"}
            else:
                out["sampling"] = {"d": s.d.tolist()}
        if self.features is not None:
            out["features"] = self.features.tolist()
        if self.target is not None:
            out["target"] = self.target.tolist()
        return out
