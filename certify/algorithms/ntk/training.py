"""Deep Q-learning with the expected update, recording the NTK along training.

The update of seed 001 (Achiam, Knight and Abbeel, arXiv 1903.08894, Section 3):

    theta' = theta + alpha E_{(s,a) ~ rho}[(T*Q_theta(s,a) - Q_theta(s,a)) grad_theta Q_theta(s,a)]
           = theta + alpha J^T D_rho (T*Q_theta - Q_theta),

with J the Jacobian of the Q-values over all pairs.  To first order in alpha the Q-values
move by alpha K D_rho (T*Q - Q) with K = J J^T (Theorem 1), i.e. Q' ~ U3(K) Q.  We record at
every step the kernel K_k, Theorem 2's beta(K_k) and verdict, the error ||Q_k - Q*||_inf,
||Q_k||_inf and the gap ||Q_{k+1} - U3(K_k) Q_k||_inf between the network and its
linearisation.  Training stops early, with ``diverged`` set, once ||Q_k||_inf exceeds
``blowup`` or stops being finite.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from certify.algorithms.ntk.kernel import kernel_from_jacobian, pair_features
from certify.algorithms.ntk.mlp import MLP, Params, unflatten
from certify.algorithms.ntk.mlp import flatten as flatten_params
from certify.algorithms.ntk.operator import bellman_vector, u3
from certify.algorithms.ntk.theorem2 import analyze_ntk
from certify.exact import round_up_float
from certify.mdp import FiniteMDP, q_star
from certify.mdp.ordering import flatten

BLOWUP = 1e12
"""||Q||_inf above which training is stopped and reported as diverged."""


@dataclass(frozen=True)
class TrainingRecord:
    """What happened along training (per-step arrays; errors and q_norms have one more entry)."""

    errors: np.ndarray
    q_norms: np.ndarray
    betas: np.ndarray
    certified: np.ndarray
    linearisation_gap: np.ndarray
    kernels: list[np.ndarray]
    q_final: np.ndarray
    q_opt: np.ndarray
    diverged: bool

    @property
    def product_bound(self) -> np.ndarray:
        """Theorem 3 applied to the linearised steps: errors[0] * prod_{j<k} beta_j."""
        return self.errors[0] * np.concatenate([[1.0], np.cumprod(self.betas)])

    def to_dict(self) -> dict:
        return {"steps": int(self.betas.size), "errors": self.errors.tolist(),
                "q_norms": self.q_norms.tolist(), "betas": self.betas.tolist(),
                "certified_steps": int(self.certified.sum()),
                "max_linearisation_gap": float(self.linearisation_gap.max(initial=0.0)),
                "product_bound_final": float(self.product_bound[-1]), "diverged": self.diverged}


def train_expected(mdp: FiniteMDP, net: MLP, params: Params, rho: np.ndarray, alpha: float,
                   steps: int, features: str | np.ndarray = "onehot", input_scale: float = 1.0,
                   blowup: float = BLOWUP) -> TrainingRecord:
    """Run ``steps`` expected updates of deep Q-learning; record K, beta and errors.

    Parameters
    ----------
    mdp : FiniteMDP
    net : MLP
    params : Params
        Initial parameters.
    rho : array (n,)
        Replay distribution over pairs.
    alpha : float
        Step size.
    steps : int
    features : str or array (n, d)
        Input features of the pairs.
    input_scale : float
    blowup : float
        Stop when ||Q||_inf exceeds this.
    """
    x = pair_features(mdp, features, input_scale)
    q_opt = flatten(q_star(mdp)[0])
    theta = flatten_params(params)
    errors, norms, betas, cert, gaps, kernels = [], [], [], [], [], []
    p = params
    q = net.forward(p, x)
    errors.append(float(np.abs(q - q_opt).max()))
    norms.append(float(np.abs(q).max()))
    diverged = False
    for _ in range(steps):
        jac = net.jacobian(p, x)
        k = kernel_from_jacobian(jac)
        res = analyze_ntk(k, rho, mdp.gamma, alpha)
        td = bellman_vector(mdp, q) - q
        theta = theta + alpha * jac.T @ (rho * td)
        p = unflatten(theta, params)
        with np.errstate(all="ignore"):
            q_next = net.forward(p, x)
            gaps.append(float(np.abs(q_next - u3(mdp, k, rho, alpha, q)).max()))
        q = q_next
        kernels.append(k)
        betas.append(round_up_float(res.beta))
        cert.append(res.verdict.value == "certified")
        errors.append(float(np.abs(q - q_opt).max()))
        norms.append(float(np.abs(q).max()))
        if not np.isfinite(norms[-1]) or norms[-1] > blowup:
            diverged = True
            break
    return TrainingRecord(np.array(errors), np.array(norms), np.array(betas),
                          np.array(cert, dtype=bool), np.array(gaps), kernels, q, q_opt, diverged)
