"""Markovian mean-square bound (certify.algorithms.qlearning.meansquare_markov): the Poisson
identity and the constants against brute force, the bound against Markovian simulations, the
floor against alpha, and ``certify qlearning --sampling (markov) --noise --steps``."""

from __future__ import annotations

import json

import numpy as np
import pytest

from certify import load_problem
from certify.algorithms.qlearning.meansquare import (
    checked_lmi_candidates,
    exact_model,
    mean_square_bound,
)
from certify.algorithms.qlearning.meansquare_markov import exact_pair_chain, markov_constants
from certify.algorithms.qlearning.mixing import behaviour_mixing
from certify.algorithms.qlearning.simulate import simulate_qlearning
from certify.cli import main
from certify.mdp.bellman import q_star
from certify.mdp.sampling import sampling_markov
from tests.helpers import random_mdp

UNIFORM = np.full((2, 2), 0.5)


def _seed_sls_markov():
    p = load_problem("seed-sls")
    return p, sampling_markov(p.mdp, UNIFORM)


def _pair_chain(mdp, beta):
    S, A = mdp.n_states, mdp.n_actions
    P = mdp.P.reshape(S * A, S)
    return np.kron(P, np.ones((1, A))) * np.tile(beta.reshape(-1), (S * A, 1))


def test_constants_dominate_brute_force_psi_u_delta():
    """psi, U (via the fundamental matrix) and Delta computed by enumeration on random e and x
    stay within the module's bounds |U| <= a u1 V + a^2 u0, Delta <= a^2 (p2 V + p1 sqrt V + p0),
    and U - K U = psi - psi_bar exactly (up to float error)."""
    rng = np.random.default_rng(5)
    mdp = random_mdp(rng, 2, 2)
    beta = np.array([[0.3, 0.7], [0.6, 0.4]])
    samp = sampling_markov(mdp, beta)
    a, b = 0.01, 0.5
    chain = exact_pair_chain(exact_model(mdp, samp, a, b), beta)
    model, H = chain.model, float(chain.mixing)
    # the exact pair-chain bound is no worse than mixing.py's 1 + H_state (same argument)
    assert H <= behaviour_mixing(mdp, beta).h_pair * (1 + 1e-12)
    beta_q, eps, X, inv = next(checked_lmi_candidates(model, 10**12))
    k = {key: float(v) for key, v in markov_constants(model, X, inv, eps, chain.h).items()}
    Xf = np.array(X, dtype=float)
    S, A, n, g = 2, 2, 4, mdp.gamma
    P = mdp.P.reshape(n, S)
    R = mdp.r_vector
    qs = q_star(mdp)[0].reshape(-1)
    K = _pair_chain(mdp, beta)
    d = np.array([float(x) for x in model.d])
    assert np.allclose(d, samp.d, atol=1e-15)
    Z = np.linalg.inv(np.eye(n) - K + np.outer(np.ones(n), d))
    h = Z - np.outer(np.ones(n), d)  # h[x, i] = sum_t (K^t(x, i) - d_i)
    assert np.allclose(h, np.array(chain.h, dtype=float), atol=1e-12)  # the exact solution
    assert np.abs(h).sum(axis=1).max() <= 2 * H + 1e-12
    V = lambda e: float(e @ Xf @ e)  # noqa: E731

    def steps_from(e, x):
        """[(prob, s', e')] over s' and xi = +-b."""
        Q = qs + e
        out = []
        for sp in range(S):
            if P[x, sp] == 0:
                continue
            for xi in (b, -b):
                y = R[x] + xi + g * Q[sp * A:(sp + 1) * A].max() - Q[x]
                e2 = e.copy()
                e2[x] += a * y
                out.append((P[x, sp] / 2, sp, e2))
        return out

    def psi(e, i):
        return sum(p * (V(e2) - V(e)) for p, _, e2 in steps_from(e, i))

    def U(e, x):
        return sum(h[x, i] * psi(e, i) for i in range(n))

    assert k["eta_bar"] >= b + g * max(abs(qs.reshape(S, A).max(axis=1)[sp]
                                           - P[i] @ qs.reshape(S, A).max(axis=1))
                                       for i in range(n) for sp in range(S) if P[i, sp] > 0) - 1e-9
    worst_u = worst_delta = 0.0
    for _ in range(16):
        e = rng.normal(size=n) * rng.choice([0.1, 1.0, 10.0])
        v = V(e)
        ps = np.array([psi(e, i) for i in range(n)])
        us = np.array([U(e, x) for x in range(n)])
        # the Poisson identity U - K U = psi - psi_bar
        assert np.allclose(us - K @ us, ps - d @ ps, atol=1e-9 * (1 + abs(ps).max()))
        for x in range(n):
            worst_u = max(worst_u, abs(us[x]) / (a * k["u1"] * v + a * a * k["u0"]))
            delta = sum(p * beta[sp, ap] * (U(e2, sp * A + ap) - U(e, sp * A + ap))
                        for p, sp, e2 in steps_from(e, x) for ap in range(A))
            worst_delta = max(worst_delta, abs(delta) / (
                a * a * (k["p2"] * v + k["p1"] * np.sqrt(v) + k["p0"])))
    assert worst_u <= 1.0 and worst_delta <= 1.0
    assert worst_u > 1e-3  # the bound is not absurdly loose on this instance


@pytest.fixture(scope="module")
def markov_runs():
    p, s = _seed_sls_markov()
    sim = simulate_qlearning(p, 1e-4, s, runs=60, steps=10**6, seed=7, mode="markov",
                             noise=0.5, times=np.array([0, 20_000, 10**6]))
    return p, s, sim


@pytest.mark.slow  # 60 Markovian runs of 10^6 steps (about 10 s)
@pytest.mark.parametrize("steps, col", [(20_000, 1), (10**6, 2)])
def test_bound_holds_against_markov_simulation(markov_runs, steps, col):
    p, s, sim = markov_runs
    ms = mean_square_bound(p.mdp, s, 1e-4, 0.5, steps)
    rms = float(np.sqrt((sim.errors[:, col] ** 2).mean()))
    assert ms.sampling == "markov" and ms.verdict == "certified"
    assert rms <= ms.bound < ms.trivial
    # measured: K = 20,000: bound 10.7 vs RMS 9.5; K = 10^6: bound 2.00 vs RMS 0.82
    assert ms.bound <= 4 * rms
    assert ms.best.route.startswith("second-moment LMI + Poisson")


def test_floor_tends_to_zero_with_alpha():
    p, s = _seed_sls_markov()
    floors = [mean_square_bound(p.mdp, s, a, 0.5, 10**12).best.floor for a in (2e-5, 1e-5)]
    # measured 6.8e-4 and 2.8e-4: the floor is O(alpha) and at least halves
    assert floors[1] <= floors[0] / 1.8


def test_large_alpha_is_inconclusive_with_reason():
    p, s = _seed_sls_markov()
    ms = mean_square_bound(p.mdp, s, 0.1, 0.5, 20_000)
    assert ms.verdict == "inconclusive" and ms.bound == ms.trivial and not ms.routes
    assert any("too large for the Poisson correction" in note for note in ms.notes)


def test_cli_markov_sampling_json(tmp_path, capsys):
    f = tmp_path / "markov.yaml"
    f.write_text("behaviour: [[0.5, 0.5], [0.5, 0.5]]\nmodel: markov\n")
    rc = main(["qlearning", "seed-sls", "--alpha", "1e-4", "--sampling", str(f), "--noise",
               "0.5", "--steps", "1000000", "--cqlf", "no", "--json"])
    doc = json.loads(capsys.readouterr().out)
    ms = doc["finite_time"]["mean_square"] if "finite_time" in doc else doc["mean_square"]
    assert rc == 0
    assert ms["sampling"] == "markov" and ms["verdict"] == "certified"
    assert {"rate", "floor", "bound", "steps", "trivial", "verdict"} <= set(ms)
    assert ms["bound"] < ms["trivial"] == pytest.approx(30.0)


def test_cli_sampling_markov_keyword(capsys):
    """``--sampling markov``: one trajectory of the uniform behaviour policy (seed-sls has none)."""
    rc = main(["qlearning", "seed-sls", "--alpha", "2e-4", "--sampling", "markov", "--noise",
               "0.5", "--steps", "1000000", "--cqlf", "no", "--json"])
    doc = json.loads(capsys.readouterr().out)
    ms = doc["finite_time"]["mean_square"]
    assert rc == 0 and ms["sampling"] == "markov" and ms["verdict"] == "certified"
    assert doc["finite_time"]["seed_theorem2"] is None  # the seed's Theorem 2 is i.i.d. only
    assert ms["bound"] < 2.0  # measured 0.90 (simulated RMS 0.074)


@pytest.mark.slow  # six random MDPs, a bound and 100 Markovian runs each (about 30 s)
def test_bound_holds_on_random_small_mdps():
    rng = np.random.default_rng(14)
    certified = 0
    for _ in range(6):
        mdp = random_mdp(rng, 2, 2)
        beh = rng.uniform(0.2, 0.8, size=(2, 1))
        samp = sampling_markov(mdp, np.hstack([beh, 1 - beh]))
        ms = mean_square_bound(mdp, samp, 2e-4, 0.3, 200_000)
        sim = simulate_qlearning(mdp, 2e-4, samp, runs=100, steps=200_000, seed=3, mode="markov",
                                 noise=0.3, times=np.array([0, 200_000]))
        rms = float(np.sqrt((sim.errors[:, -1] ** 2).mean()))
        assert rms <= ms.bound <= ms.trivial
        certified += ms.verdict == "certified"
    assert certified >= 5  # measured: all six, bounds 7.2-13.9 against RMS errors 2.1-4.3
