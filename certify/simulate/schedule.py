"""Step-size schedules and recording times of the simulators."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from certify.argcheck import check_count as check_count  # one place (certify.argcheck)
from certify.errors import InvalidInput


@dataclass(frozen=True)
class StepSize:
    """alpha_k = c / (k + k0)^e for k = 0, 1, 2, ...  (e = 0: the constant step c).

    A schedule must be a positive sequence in (0, 1] (the iterate bound of seed 002,
    Appendix B, Lemma 5, needs alpha_k <= 1): c > 0, e >= 0, and k0 > 0 when e > 0, and
    alpha_0 = c / k0^e <= 1 (the sequence is non-increasing, so alpha_0 is its maximum).

    Parameters
    ----------
    c : float
        Scale, > 0.
    k0 : float
        Offset, > 0 when e > 0.
    e : float
        Exponent, >= 0 (0: constant step).
    """

    c: float
    k0: float = 1.0
    e: float = 0.0

    def __post_init__(self) -> None:
        for name, v in (("c", self.c), ("k0", self.k0), ("e", self.e)):
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise InvalidInput(f"step size {name} = {v!r}; expected a finite number")
        if self.c <= 0:
            raise InvalidInput(f"step size c = {self.c!r}; alpha_k = c/(k+k0)^e must be a positive "
                               "sequence, so c must be > 0")
        if self.e < 0:
            raise InvalidInput(f"step size exponent e = {self.e!r}; expected e >= 0")
        if self.e > 0 and self.k0 <= 0:
            raise InvalidInput(f"step size k0 = {self.k0!r}; with e > 0, alpha_0 = c/k0^e needs "
                               "k0 > 0")
        if self.alpha(0) > 1.0:
            raise InvalidInput(f"step size alpha_0 = {self.alpha(0)!r}; expected every alpha_k in "
                               "(0, 1]")

    @property
    def constant(self) -> bool:
        return self.e == 0

    def alpha(self, k: int | np.ndarray) -> float | np.ndarray:
        out = self.c / (np.asarray(k, dtype=float) + self.k0) ** self.e
        return float(out) if out.ndim == 0 else out

    def describe(self) -> str:
        return f"{self.c:g}" if self.constant else f"{self.c:g}/(k+{self.k0:g})^{self.e:g}"

    def to_dict(self) -> dict:
        return {"c": self.c, "k0": self.k0, "e": self.e, "formula": "alpha_k = c/(k+k0)^e"}


def as_step_size(alpha: float | StepSize) -> StepSize:
    """A number means the constant schedule alpha_k = alpha."""
    if isinstance(alpha, StepSize):
        return alpha
    if isinstance(alpha, bool) or not isinstance(alpha, int | float | np.floating):
        raise InvalidInput(f"alpha = {alpha!r}; expected a number in (0, 1] or a StepSize")
    return StepSize(float(alpha))


def record_times(steps: int, points: int = 200) -> np.ndarray:
    """Times 0..steps at which statistics are kept: log-spaced and linear, merged.

    About ``points`` sorted distinct integers including 0 and ``steps``; memory of a
    simulation is proportional to this, not to ``steps``.
    """
    half = max(points // 2, 2)
    log = np.unique(np.round(np.geomspace(1, steps, half)).astype(np.int64))
    lin = np.round(np.linspace(0, steps, half)).astype(np.int64)
    return np.unique(np.concatenate([[0], log, lin, [steps]]))
