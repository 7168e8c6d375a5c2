"""Deep Q-learning through the NTK (seed 001, Achiam, Knight and Abbeel, arXiv 1903.08894).

1. Train an MLP Q-network on the seed-sls MDP with the expected update and record the NTK:
   Theorem 2's beta(K_k) along training and Theorem 3's product bound for the linearised steps.
2. A real network that Theorem 2 certifies: a sin MLP on one-hot inputs scaled by 256 (the
   first layer puts 256^2 |delta_1|^2 on the diagonal of K and nothing off it); the same
   network on unscaled inputs fails (17).
3. The classic divergence example with a kernel given by hand (features 1 and 2), then with a
   real relu network on the same two-state chain: ||Q_k|| grows until training is stopped.
4. PreQN on the same network and chain: the linearised change equals alpha times the TD
   error at every step and the iterates approach Q* = 0.

Run: python examples/ntk_deep_q.py
"""

from __future__ import annotations

import numpy as np

from certify.algorithms.ntk import (
    MLP,
    analyze_ntk,
    analyze_ntk_network,
    empirical_lipschitz,
    train_expected,
    u3,
)
from certify.algorithms.ntk.kernel import network_kernel
from certify.algorithms.ntk.preqn import train_preqn
from certify.mdp import FiniteMDP, builtin_problem


def main() -> None:
    p = builtin_problem("seed-sls")
    net = MLP(4, 128, 2, "relu")
    rec = train_expected(p.mdp, net, net.init_params(0), p.sampling.d, 0.02, 30)
    print(f"1. trained 30 steps: ||Q - Q*|| {rec.errors[0]:.4f} -> {rec.errors[-1]:.4f}; "
          f"beta(K_k) in [{rec.betas.min():.4f}, {rec.betas.max():.4f}]; "
          f"certified steps {int(rec.certified.sum())}/30; "
          f"max linearisation gap {rec.linearisation_gap.max():.2e}")

    res = analyze_ntk_network(p, p.sampling.d, 5e-5, 256, 1, "sin", 0, input_scale=256.0)
    sin = MLP(4, 256, 1, "sin")
    plain = analyze_ntk(network_kernel(p.mdp, sin, sin.init_params(0)), p.sampling.d, 0.9, 5e-5)
    print(f"2. sin MLP, width 256, inputs x 256, alpha = 5e-5: {res.theorem.status} "
          f"({res.verdict.value}), beta = {float(res.theorem.beta):.6f}, (17) margin "
          f"{float(res.theorem.condition_17.margin):.1f}, empirical Lipschitz ratio of U3 "
          f"{res.lipschitz.ratio:.6f} <= beta; unscaled inputs: {plain.status} "
          f"((17) margin {float(plain.condition_17.margin):.3f})")

    chain = FiniteMDP(np.array([[[0.0, 1.0]], [[0.0, 1.0]]]), np.zeros((2, 1)), 0.9, name="chain")
    k, rho = np.array([[1.0, 2.0], [2.0, 4.0]]), np.array([0.9, 0.1])
    res2 = analyze_ntk(k, rho, 0.9, 0.1)
    q = np.array([1.0, 2.0])
    for _ in range(100):
        q = u3(chain, k, rho, 0.1, q)
    lip = empirical_lipschitz(chain, k, rho, 0.1)
    print(f"3a. divergence, hand kernel: {res2.status}, beta = {float(res2.beta):.4f}, empirical "
          f"Lipschitz ratio {lip.ratio:.4f}, ||Q_100|| = {np.abs(q).max():.1f} (Q* = 0)")

    x = np.array([[1.0], [2.0]])
    relu = MLP(1, 64, 1, "relu")
    div = train_expected(chain, relu, relu.init_params(0), rho, 0.001, 400, x)
    steps = div.q_norms.size - 1
    print("3b. divergence, relu MLP (width 64) on features (1, 2), alpha = 0.001: ||Q_k|| = "
          + ", ".join(f"{div.q_norms[i]:.3g}" for i in range(0, steps + 1, max(1, steps // 6)))
          + f" (k = 0, {max(1, steps // 6)}, ...); stopped at step {steps} "
          f"(diverged: {div.diverged}); beta(K_k) >= {div.betas.min():.3f}, certified steps "
          f"{int(div.certified.sum())}")

    pre = train_preqn(chain, relu, relu.init_params(0), 0.5, 150, x)
    print(f"4. PreQN, same network, alpha = 0.5: ||Q_k - Q*|| {pre.errors[0]:.4f} -> "
          f"{pre.errors[-1]:.2e} in 150 steps (tabular rate bound {pre.tabular_bound[-1]:.2e}); "
          f"identity |J dtheta - alpha TD| / (alpha |TD|) <= {pre.identity_residual.max():.1e}; "
          f"max linearisation gap {pre.linearisation_gap.max():.2e}")


if __name__ == "__main__":
    main()
