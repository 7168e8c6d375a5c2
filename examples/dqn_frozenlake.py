"""A small PyTorch DQN on FrozenLake-v1 (4x4, slippery), checked by Theorem 2 along training.

Seed 001 (Achiam, Knight and Abbeel, arXiv 1903.08894) asks when deep Q-learning's
function-space update Q' = Q + alpha K D_rho (T*Q - Q) is a sup-norm contraction: Theorem 2's
conditions (16) alpha K_ii rho_i < 1 and (17) (1 + gamma) sum_{j != i} |K_ij| rho_j <=
(1 - gamma) K_ii rho_i on the empirical NTK K.  Here a DQN (one-hot state -> 4 Q-values,
epsilon-greedy, replay buffer, target network, Adam) is trained on FrozenLake's known model
(gymnasium's dict P, built by certify.algorithms.ntk.gym_env when gymnasium is absent; the episodes are
simulated from it), and at a few checkpoints we run the exact check on the network:

* with the environment's model and uniform rho over the 64 (state, head) pairs;
* with the replay buffer collected so far (empirical rho and sampled targets);

and report beta(K), the worst row's diagonal-dominance ratio (<= 1 iff (17) holds there),
the value of the greedy policy against V*, and whether 200 expected DQN updates from the
checkpoint blow up.

Run: python examples/dqn_frozenlake.py   (needs `pip install certify[torch]`; ~10 s on a CPU)
"""

from __future__ import annotations

import numpy as np

from certify.algorithms.ntk.gym_env import FROZENLAKE_4X4, frozenlake_p, mdp_from_gym_p
from certify.algorithms.ntk.model import check_q_network
from certify.algorithms.ntk.replay import ReplayBuffer
from certify.mdp import policy_q_values, q_star

GAMMA = 0.9
ALPHA = 0.5
"""Step size of the function-space update that Theorem 2 is checked at."""


def simulate_step(p: dict, s: int, a: int, rng: np.random.Generator) -> tuple[int, float, bool]:
    """One transition drawn from the model P[s][a] = [(prob, s', r, done), ...]."""
    outcomes = p[s][a]
    k = rng.choice(len(outcomes), p=[o[0] for o in outcomes])
    _, s2, r, done = outcomes[k]
    return s2, r, done


def greedy_value(mdp, net, torch) -> float:
    """V^pi(start) of the network's greedy policy, exactly (policy evaluation on the model)."""
    with torch.no_grad():
        q = net(torch.eye(16)).numpy()
    pi = np.zeros((mdp.n_states, mdp.n_actions))
    pi[np.arange(16), q.argmax(axis=1)] = 1.0
    pi[16:, 0] = 1.0  # the absorbing terminal state
    return float((pi * policy_q_values(mdp, pi))[0].sum())


def main(steps: int = 3000, checkpoints: tuple[int, ...] = (0, 1000, 2000, 3000), seed: int = 0,
         verbose: bool = True) -> list[dict]:
    import torch

    torch.set_num_threads(1)  # tiny network: extra threads only wait on each other
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    p = frozenlake_p(FROZENLAKE_4X4, slippery=True)
    mdp = mdp_from_gym_p(p, GAMMA, "FrozenLake-v1")
    v_star = float(q_star(mdp)[0][0].max())
    net = torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 4))
    target = torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 4))
    target.load_state_dict(net.state_dict())
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    eye = torch.eye(16)
    buf: list[tuple[int, int, float, int, bool]] = []
    s, out = 0, []
    for t in range(steps + 1):
        if t in checkpoints:
            arrays = [np.array(c) for c in zip(*buf, strict=True)] if buf else None
            env_res = check_q_network(net, alpha=ALPHA, env=p, gamma=GAMMA, train=200)
            row = {"step": t, "env": env_res.to_dict(), "greedy_value": greedy_value(mdp, net, torch),
                   "v_star": v_star}
            if arrays is not None:
                rb = ReplayBuffer(arrays[0], arrays[1], arrays[2].astype(float), arrays[3],
                                  arrays[4].astype(bool))
                row["buffer"] = check_q_network(net, alpha=ALPHA, buffer=rb, gamma=GAMMA, n_states=16,
                                                n_actions=4).to_dict()
            out.append(row)
            if verbose:
                report(row)
        if t == steps:
            break
        eps = max(0.1, 1.0 - t / (0.6 * steps))
        with torch.no_grad():
            a = int(rng.integers(4)) if rng.random() < eps else int(net(eye[s:s + 1]).argmax())
        s2, r, done = simulate_step(p, s, a, rng)
        buf.append((s, a, r, s2, done))
        s = 0 if done else s2
        if len(buf) >= 64:
            idx = rng.integers(len(buf), size=32)
            bs, ba, br, bs2, bd = (np.array(c) for c in zip(*(buf[i] for i in idx), strict=True))
            with torch.no_grad():
                y = torch.as_tensor(br, dtype=torch.float32) + GAMMA * torch.as_tensor(~bd) * \
                    target(eye[bs2]).max(dim=1).values
            q = net(eye[bs]).gather(1, torch.as_tensor(ba)[:, None])[:, 0]
            loss = torch.nn.functional.mse_loss(q, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        if t % 100 == 0:
            target.load_state_dict(net.state_dict())
    return out


def report(row: dict) -> None:
    e = row["env"]
    w = e["worst_rows"][0]
    tr = e["training"]
    print(f"step {row['step']:5d}: model, uniform rho: {e['status']} ({e['verdict']}), beta = "
          f"{e['beta']:.6f}, worst row (s={w['state']}, a={w['action']}) dominance "
          f"{w['dominance_ratio']:.3g}; 200 expected updates "
          f"{'DIVERGED' if tr['diverged'] else 'stay bounded'} (||Q - Q*|| {tr['error_initial']:.3f} "
          f"-> {tr['error_final']:.3f}); greedy V(start) = {row['greedy_value']:.4f} "
          f"(V* = {row['v_star']:.4f})")
    if "buffer" in row:
        b = row["buffer"]
        print(f"{'':13}replay buffer ({b['n_states']} states seen, {b['unvisited_pairs']} pairs never "
              f"taken): {b['status']} ({b['verdict']}), beta = {b['beta']:.6f}")


if __name__ == "__main__":
    main()
