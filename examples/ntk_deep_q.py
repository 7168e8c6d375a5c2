"""Deep Q-learning through the NTK (seed 001, Achiam, Knight and Abbeel, arXiv 1903.08894).

1. Train an MLP Q-network on the seed-sls MDP with the expected update and record the NTK:
   Theorem 2's beta(K_k) along training and Theorem 3's product bound for the linearised steps.
2. The classic divergence example: two states, features 1 and 2 (K = Phi Phi^T has large
   off-diagonal entries), where (17) fails and U3 blows up.

Run: python examples/ntk_deep_q.py
"""

from __future__ import annotations

import numpy as np

from certify.mdp import FiniteMDP, builtin_problem
from certify.ntk import MLP, empirical_lipschitz, theorem2, train_expected, u3


def main() -> None:
    p = builtin_problem("seed-sls")
    net = MLP(4, 128, 2, "relu")
    rec = train_expected(p.mdp, net, net.init_params(0), p.sampling.d, 0.02, 30)
    print(f"trained 30 steps: ||Q - Q*|| {rec.errors[0]:.4f} -> {rec.errors[-1]:.4f}; "
          f"beta(K_k) in [{rec.betas.min():.4f}, {rec.betas.max():.4f}]; "
          f"certified steps {int(rec.certified.sum())}/30; "
          f"max linearisation gap {rec.linearisation_gap.max():.2e}")

    chain = FiniteMDP(np.array([[[0.0, 1.0]], [[0.0, 1.0]]]), np.zeros((2, 1)), 0.9, name="chain")
    k, rho = np.array([[1.0, 2.0], [2.0, 4.0]]), np.array([0.9, 0.1])
    res = theorem2(k, rho, 0.9, 0.1)
    q = np.array([1.0, 2.0])
    for _ in range(100):
        q = u3(chain, k, rho, 0.1, q)
    lip = empirical_lipschitz(chain, k, rho, 0.1)
    print(f"divergence example: {res.status}, beta = {float(res.beta):.4f}, empirical Lipschitz "
          f"ratio {lip.ratio:.4f}, ||Q_100|| = {np.abs(q).max():.1f} (Q* = 0)")


if __name__ == "__main__":
    main()
