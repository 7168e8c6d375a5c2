"""Validation of the parameters of entropy-regularised policy gradient (one place for all).

Temperatures, noise levels, strong-convexity constants and step sizes must be finite and
strictly positive; the reference measure mu over actions and the initial-state distribution
rho must be probability vectors (within ``tolerance.STOCHASTIC_ATOL``, never renormalised).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from certify.argcheck import check_count as check_count  # one place (certify.argcheck)
from certify.errors import InvalidInput
from certify.mdp.validate import as_real_array, check_distribution

#: Below this many particles the mean-field statistics (W2, averages) are too noisy to read.
MIN_PARTICLES: int = 32


def check_positive(value: object, field: str) -> float:
    """``value`` as a float, which must be finite and > 0; errors name ``field``."""
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{field}: expected a number > 0, found {value!r}") from exc
    if isinstance(value, bool) or not math.isfinite(v) or v <= 0:
        raise InvalidInput(f"{field} = {value!r}; expected a finite number > 0")
    return v


def reference_measure(mu: object | None, n_actions: int) -> np.ndarray:
    """The reference measure over actions: uniform when ``mu`` is None, else validated.

    It must be a probability vector with every entry > 0 (pi = mu exp(...) must be able to
    reach every action, and ln(pi / mu) must be finite).
    """
    if mu is None:
        return np.full(n_actions, 1.0 / n_actions)
    arr = as_real_array(mu, "mu (reference measure)", (n_actions,))
    check_distribution(arr, "mu (reference measure)", positive=True)
    return arr


def initial_distribution(rho: object | None, n_states: int) -> np.ndarray:
    """The initial-state distribution rho: uniform when None, else a positive distribution."""
    if rho is None:
        return np.full(n_states, 1.0 / n_states)
    arr = as_real_array(rho, "rho (initial distribution)", (n_states,))
    check_distribution(arr, "rho (initial distribution)", positive=True)
    return arr


def warn_few_particles(n: int, what: str) -> None:
    """Warn (``warnings``) when ``n`` particles are too few for the statistic ``what``."""
    if n < MIN_PARTICLES:
        warnings.warn(f"{n} particles are too few for {what}: the particle approximation "
                      f"error is of order 1/sqrt(N); use at least {MIN_PARTICLES}",
                      UserWarning, stacklevel=3)
