"""FiniteMDP.from_gymnasium on Gymnasium's own toy-text environments (issue 19, item 4).

Reference: value iteration written here over the raw table ``env.unwrapped.P[s][a] = [(p,
s', r, terminated), ...]`` with Gymnasium's episode semantics, Q(s, a) = sum p (r + gamma (1 -
terminated) max_a' Q(s', a')): the reward of the terminating transition counts, nothing after
it does.  certify's Q* on the environment's states must agree to 1e-10, and its added state
"terminal" must have value 0.  Needs gymnasium (in the dev extra); skipped without it.
"""

from __future__ import annotations

import numpy as np
import pytest

from certify.errors import InvalidMDP
from certify.mdp.bellman import q_star
from certify.mdp.finite import FiniteMDP

gym = pytest.importorskip("gymnasium")

GAMMA = 0.9


def latest(base: str) -> str:
    """The newest registered version of an environment (Taxi-v3 became v4, CliffWalking-v0
    became v1 in Gymnasium 1.x; the older ids are refused by ``make``)."""
    ids = [k for k in gym.envs.registry if k.startswith(base + "-v")]
    if not ids:
        pytest.skip(f"{base} is not registered in this Gymnasium")
    return max(ids, key=lambda k: int(k.rsplit("-v", 1)[1]))


def episodic_q(table: dict, n_s: int, n_a: int, gamma: float, tol: float = 1e-13) -> np.ndarray:
    """Value iteration over Gymnasium's raw P table, termination ending the return."""
    rows = [(s, a, float(p), int(t), float(r), bool(d))
            for s in range(n_s) for a in range(n_a) for p, t, r, d, *_ in table[s][a]]
    s_, a_, p_, t_, r_, d_ = (np.array(c) for c in zip(*rows, strict=True))
    q = np.zeros((n_s, n_a))
    while True:
        new = np.zeros((n_s, n_a))
        np.add.at(new, (s_, a_), p_ * (r_ + gamma * np.where(d_, 0.0, q.max(axis=1)[t_])))
        if np.abs(new - q).max() <= tol:
            return new
        q = new


CASES = [("FrozenLake", {"is_slippery": True}), ("FrozenLake", {"is_slippery": False}),
         ("FrozenLake", {"map_name": "8x8"}), ("Taxi", {}), ("CliffWalking", {})]


@pytest.mark.parametrize("base,kwargs", CASES, ids=[f"{b}-{k}" for b, k in CASES])
def test_q_star_is_the_episodic_value(base, kwargs):
    env = gym.make(latest(base), **kwargs)
    inner = env.unwrapped
    n_s, n_a = inner.observation_space.n, inner.action_space.n
    mdp = FiniteMDP.from_gymnasium(env, GAMMA)
    assert (mdp.n_states, mdp.n_actions) == (n_s + 1, n_a) and mdp.states[-1] == "terminal"
    q, _ = q_star(mdp)
    ref = episodic_q(inner.P, n_s, n_a, GAMMA)
    assert np.abs(q[:n_s] - ref).max() <= 1e-10
    assert np.all(q[n_s] == 0.0)


def test_deterministic_frozenlake_closed_form():
    """4x4 non-slippery lake: the goal is 6 moves from the start and pays 1 on arrival, so
    V*(start) = gamma^5; a hole and the goal are never acted in after termination, and the
    move into a hole is worth 0."""
    mdp = FiniteMDP.from_gymnasium(gym.make("FrozenLake-v1", is_slippery=False), GAMMA)
    q, _ = q_star(mdp)
    assert q[0].max() == pytest.approx(GAMMA ** 5, abs=1e-12)
    assert q[14, 2] == pytest.approx(1.0, abs=1e-12)  # RIGHT from 14 reaches G (15)
    assert q[4, 2] == 0.0  # RIGHT from 4 falls into the hole at 5


def test_an_environment_without_a_model_is_named():
    with pytest.raises(InvalidMDP, match=r"^CartPole-v1: env.unwrapped has no transition table P"):
        FiniteMDP.from_gymnasium(gym.make("CartPole-v1"), GAMMA)


@pytest.mark.parametrize("slippery", [True, False])
def test_builtin_frozenlake_is_gymnasiums(slippery):
    """certify.algorithms.ntk.gym_env.frozenlake_p (used when gymnasium is absent) is
    Gymnasium's own table: same outcomes, probabilities equal to rounding (Gymnasium writes
    the slip probabilities as 1/3 and (1 - 1/3) / 2)."""
    from certify.algorithms.ntk.gym_env import frozenlake_p

    real = gym.make("FrozenLake-v1", is_slippery=slippery).unwrapped.P
    ours = frozenlake_p(slippery=slippery)
    assert set(real) == set(ours)
    for s in real:
        for a in real[s]:
            r_rows = [(int(t), float(r), bool(d)) for _, t, r, d in real[s][a]]
            o_rows = [(int(t), float(r), bool(d)) for _, t, r, d in ours[s][a]]
            assert r_rows == o_rows
            assert np.allclose([p for p, *_ in real[s][a]], [p for p, *_ in ours[s][a]],
                               rtol=0, atol=1e-15)
