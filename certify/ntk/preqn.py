"""PreQN: the preconditioned Q-network update (Achiam, Knight and Abbeel, arXiv 1903.08894).

On a minibatch of pairs with Jacobian J (b x p) and NTK K = J J^T, PreQN solves

    K Z = T*Q - Q        (least squares; minimum-norm solution when K is singular)

and steps theta' = theta + alpha sum_i Z_i grad Q(x_i) = theta + alpha J^T Z.  The
linearised change of Q on the batch is then J (theta' - theta) = alpha K Z, which equals
alpha (T*Q - Q) exactly when the TD error lies in the range of K (always when K is
nonsingular): to first order the batch Q-values follow the tabular update
Q' = Q + alpha (T*Q - Q), a sup-norm contraction with modulus 1 - alpha (1 - gamma) for
0 < alpha <= 1 when the batch holds every pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InvalidInput
from .kernel import kernel_from_jacobian


@dataclass(frozen=True)
class PreQNStep:
    """One PreQN step.

    Attributes
    ----------
    delta_theta : array (p,)
        theta' - theta = alpha J^T Z.
    z : array (b,)
        Least-squares solution of K Z = TD.
    linearised_change : array (b,)
        J delta_theta (the first-order change of Q on the batch).
    target_change : array (b,)
        alpha * TD.
    residual : float
        ||linearised_change - target_change||_inf (0 up to rounding when TD is in range(K)).
    kernel_rank : int
    """

    delta_theta: np.ndarray
    z: np.ndarray
    linearised_change: np.ndarray
    target_change: np.ndarray
    residual: float
    kernel_rank: int

    def to_dict(self) -> dict:
        return {"residual": self.residual, "kernel_rank": self.kernel_rank,
                "batch": int(self.z.size), "step_norm": float(np.linalg.norm(self.delta_theta))}


def preqn_step(jac: np.ndarray, td: np.ndarray, alpha: float) -> PreQNStep:
    """The PreQN parameter step for a batch Jacobian ``jac`` and TD errors ``td``."""
    jac = np.asarray(jac, dtype=float)
    td = np.asarray(td, dtype=float)
    if jac.ndim != 2 or td.shape != (jac.shape[0],):
        raise InvalidInput(f"td: expected shape ({jac.shape[0]},) to match the Jacobian "
                           f"{jac.shape}, found {td.shape}")
    if not np.isfinite(alpha) or alpha <= 0:
        raise InvalidInput(f"alpha = {alpha!r}; expected a finite number > 0")
    k = kernel_from_jacobian(jac)
    z, _, rank, _ = np.linalg.lstsq(k, td, rcond=None)
    dtheta = alpha * jac.T @ z
    lin = jac @ dtheta
    target = alpha * td
    return PreQNStep(dtheta, z, lin, target, float(np.abs(lin - target).max()), int(rank))
