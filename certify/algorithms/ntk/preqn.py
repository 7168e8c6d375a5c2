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

from certify.algorithms.ntk.kernel import kernel_from_jacobian, pair_features
from certify.algorithms.ntk.mlp import MLP, Params, unflatten
from certify.algorithms.ntk.mlp import flatten as flatten_params
from certify.algorithms.ntk.operator import bellman_vector
from certify.errors import InvalidInput
from certify.mdp import FiniteMDP, q_star
from certify.mdp.ordering import flatten as flatten_pairs


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


@dataclass(frozen=True)
class PreQNRecord:
    """PreQN trained on every pair of an MDP (the batch is the whole table).

    ``identity_residual[k]`` is ||J_k dtheta_k - alpha TD_k||_inf / (alpha ||TD_k||_inf), the
    relative failure of the PreQN identity at step k (0 up to rounding when K_k is
    nonsingular); ``tabular_bound[k]`` = (1 - alpha (1 - gamma))^k ||Q_0 - Q*||_inf is where the
    linearised iterates Q_{k+1} = Q_k + alpha (T*Q_k - Q_k) are guaranteed to be.
    """

    errors: np.ndarray
    q_norms: np.ndarray
    identity_residual: np.ndarray
    linearisation_gap: np.ndarray
    kernel_rank: np.ndarray
    tabular_bound: np.ndarray
    diverged: bool

    def to_dict(self) -> dict:
        return {"steps": int(self.identity_residual.size), "errors": self.errors.tolist(),
                "q_norms": self.q_norms.tolist(),
                "max_identity_residual": float(self.identity_residual.max(initial=0.0)),
                "max_linearisation_gap": float(self.linearisation_gap.max(initial=0.0)),
                "min_kernel_rank": int(self.kernel_rank.min(initial=0)),
                "tabular_bound_final": float(self.tabular_bound[-1]), "diverged": self.diverged}


def train_preqn(mdp: FiniteMDP, net: MLP, params: Params, alpha: float, steps: int,
                features: str | np.ndarray = "onehot", input_scale: float = 1.0,
                blowup: float = 1e12) -> PreQNRecord:
    """Repeated PreQN steps on the full table of pairs (Achiam et al., Section 5).

    Each step solves K_k Z = T*Q_k - Q_k in least squares and sets
    theta_{k+1} = theta_k + alpha J_k^T Z, so that to first order
    Q_{k+1} = Q_k + alpha (T*Q_k - Q_k): for 0 < alpha <= 1 a sup-norm contraction towards Q*
    with modulus 1 - alpha (1 - gamma), whatever the kernel (when K_k is nonsingular).
    """
    if not np.isfinite(alpha) or not 0 < alpha <= 1:
        raise InvalidInput(f"alpha = {alpha!r}; expected 0 < alpha <= 1 for PreQN")
    x = pair_features(mdp, features, input_scale)
    q_opt = flatten_pairs(q_star(mdp)[0])
    theta = flatten_params(params)
    p = params
    q = net.forward(p, x)
    errors, norms = [float(np.abs(q - q_opt).max())], [float(np.abs(q).max())]
    resid, gaps, ranks = [], [], []
    diverged = False
    for _ in range(steps):
        jac = net.jacobian(p, x)
        td = bellman_vector(mdp, q) - q
        step = preqn_step(jac, td, alpha)
        scale = alpha * max(float(np.abs(td).max()), np.finfo(float).tiny)
        resid.append(step.residual / scale)
        ranks.append(step.kernel_rank)
        theta = theta + step.delta_theta
        p = unflatten(theta, params)
        with np.errstate(all="ignore"):
            q_next = net.forward(p, x)
        gaps.append(float(np.abs(q_next - (q + step.linearised_change)).max()))
        q = q_next
        errors.append(float(np.abs(q - q_opt).max()))
        norms.append(float(np.abs(q).max()))
        if not np.isfinite(norms[-1]) or norms[-1] > blowup:
            diverged = True
            break
    k = np.arange(len(errors))
    bound = errors[0] * (1.0 - alpha * (1.0 - mdp.gamma)) ** k
    return PreQNRecord(np.array(errors), np.array(norms), np.array(resid), np.array(gaps),
                       np.array(ranks, dtype=int), bound, diverged)
