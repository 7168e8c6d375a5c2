"""Built-in linear TD variants as N-timescale SA: GTD, GTD2(lambda)/TDC(lambda), ETD(0), GQ(0).

Each mean-field matrix is held against a brute-force expectation (enumerating the chain's
paths or transitions) or a hand computation; the stability facts are the published ones.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
import sympy as sp

from certify.algorithms.td.analysis import analyze_sa
from certify.algorithms.td.linear import from_problem
from certify.algorithms.td.variants import (
    check_variant,
    emphatic_quantities,
    gq_quantities,
    lambda_quantities,
    state_action_features,
)
from certify.cli import main
from certify.mdp import load_problem
from certify.mdp.finite import FiniteMDP
from certify.mdp.problem import Problem
from certify.mdp.sampling import sampling_markov


def two_state_off_policy(gamma: float = 0.9) -> Problem:
    """The 'theta -> 2 theta' example (Sutton and Barto 2018, Sec. 11.2, made continuing):
    features 1 and 2, actions 'to state 0' and 'to state 1', behaviour uniform, target always
    to state 1, reward 0 (state 1: reward 1 for a nonzero b)."""
    P = np.zeros((2, 2, 2))
    P[:, 0, 0] = 1.0
    P[:, 1, 1] = 1.0
    R = np.array([[0.0, 0.0], [0.0, 1.0]])
    mdp = FiniteMDP(P, R, gamma, name="two-state-off-policy", layout="SAS")
    beh = np.full((2, 2), 0.5)
    target = np.array([[0.0, 1.0], [0.0, 1.0]])
    return Problem(mdp, sampling_markov(mdp, beh), features=np.array([[1.0], [2.0]]),
                   target=target)


def test_emphatic_td_hand_values_and_stability_where_td0_is_refuted():
    p = two_state_off_policy()
    # TD(0): A = sum_s mu_s phi_s (gamma 2 - phi_s) = 0.5 (1.8 - 1) + 0.5 * 2 (1.8 - 2) = 0.2
    td = from_problem(p)
    assert td.A_exact == sp.Matrix([[sp.Rational(1, 5)]])
    assert analyze_sa("td0", p, "0.7").verdict.value == "refuted"
    # f = (I - gamma P_pi^T)^{-1} mu: f_0 = 1/2, f_1 = (1/2 + 0.9/2) / 0.1 = 9.5
    etd, f = emphatic_quantities(p)
    assert f == pytest.approx([0.5, 9.5])
    # A_E = f_0 * 1 * (1.8 - 1) + f_1 * 2 * (1.8 - 2) = 0.4 - 3.8 = -3.4
    assert etd.A_exact == sp.Matrix([[sp.Rational(-17, 5)]])
    chk = check_variant("etd0", p, "0.7")
    assert chk.verdict.value == "certified"
    assert chk.levels[0]["margin"] == pytest.approx(3.4)


def test_emphatic_key_matrix_negative_definite_for_random_behaviours():
    """Sutton et al. 2016 (stability of ETD): Phi^T F (I - gamma P_pi) Phi is positive definite for
    any behaviour covering the target (checked on random two-action chains)."""
    rng = np.random.default_rng(3)
    for _ in range(5):
        S, A, k = 4, 2, 2
        P = rng.dirichlet(np.ones(S), size=(S, A))
        mdp = FiniteMDP(P, rng.normal(size=(S, A)), 0.95)
        beh = rng.dirichlet(np.ones(A), size=S)
        target = rng.dirichlet(np.ones(A), size=S)
        p = Problem(mdp, sampling_markov(mdp, beh), features=rng.normal(size=(S, k)),
                    target=target)
        A_E = emphatic_quantities(p)[0].A
        assert np.linalg.eigvalsh(A_E + A_E.T).max() < 0


def _paths(p: Problem, length: int):
    """Every behaviour path s_0 a_0 s_1 ... s_length with its probability (s_0 ~ mu)."""
    td = from_problem(p, exact=False)
    P, beh = p.mdp.P, p.sampling.behaviour
    S, A = beh.shape
    out = []

    def rec(prob, states, actions):
        if len(actions) == length:
            out.append((prob, states, actions))
            return
        s = states[-1]
        for a in range(A):
            for s2 in range(S):
                q = beh[s, a] * P[s, a, s2]
                if q > 0:
                    rec(prob * q, states + [s2], actions + [a])

    for s0 in range(S):
        rec(td.mu[s0], [s0], [])
    return out


@pytest.mark.parametrize("lam", [0.0, 0.5])
def test_lambda_matrices_against_path_enumeration(lam):
    """E[e_t (gamma phi_{t+1} - phi_t)^T] and E[e_t r_t] with e_t = rho_t (phi_t + gamma lam
    e_{t-1}), by summing over every behaviour path of length L (truncation (gamma lam)^L)."""
    p = two_state_off_policy(gamma=0.8)
    phi = np.array([[1.0], [2.0]])
    ratio = np.where(p.sampling.behaviour > 0, p.target / p.sampling.behaviour, 0.0)
    L = 12
    A = np.zeros((1, 1))
    b = np.zeros(1)
    corr = np.zeros((1, 1))
    for prob, st, ac in _paths(p, L):
        e = np.zeros(1)
        for t in range(L):
            e = ratio[st[t], ac[t]] * (phi[st[t]] + 0.8 * lam * e)
        s, a, s2 = st[L - 1], ac[L - 1], st[L]
        A += prob * np.outer(e, 0.8 * phi[s2] - phi[s])
        b += prob * e * p.mdp.R[s, a]
        corr += prob * 0.8 * (1 - lam) * np.outer(phi[s2], e)
    q = lambda_quantities(p, lam)
    tol = 20 * (0.8 * lam) ** L + 1e-12  # the dropped tail: (gamma lam)^L |phi| |gamma phi' - phi|
    assert q.A == pytest.approx(A, abs=tol) and q.b == pytest.approx(b, abs=tol)
    # TDC(lambda)'s trace correction equals A_l^T + C (module docstring)
    assert q.A.T + q.C == pytest.approx(corr, abs=tol)


def test_lambda_zero_is_gtd2_and_tdc():
    p = load_problem("boyan-chain")
    base = from_problem(p)
    q = lambda_quantities(p, 0.0)
    assert q.A_exact == base.A_exact and q.b_exact == base.b_exact and q.C_exact == base.C_exact
    for name, plain in (("gtd2-lambda", "gtd2"), ("tdc-lambda", "tdc")):
        a = check_variant(name, p, "0.6,0.8", lam=0.0)
        b = analyze_sa(plain, p, "0.6,0.8")
        assert a.verdict == b.verdict and a.limit_exact == b.limit_exact
        assert [c.holds for c in a.conditions] == [c.holds for c in b.conditions]


def test_lambda_positive_levels_exact_noise_undecided():
    p = load_problem("random-walk-5", positive_sampling=False)
    chk = check_variant("tdc-lambda", p, "0.6,0.8", lam=0.5)
    a2 = next(c for c in chk.conditions if c.name == "(A:2)")
    assert a2.holds is None and chk.verdict.value == "inconclusive"
    assert all(c.holds for c in chk.conditions if c.name.startswith(("(C", "(B")))
    # the TD(lambda) fixed point solves b_l + A_l theta = 0 exactly
    th = sp.Matrix([sp.Rational(x) for x in chk.limit_exact])
    q = lambda_quantities(p, 0.5)
    assert q.A_exact * th + q.b_exact == sp.zeros(5, 1)


def test_gq0_against_transition_enumeration_and_tabular_fixed_point():
    """GQ(0) on random-walk-5 with tabular features: A, b, C as expectations over (s, a, s')
    and, on-policy with tabular state-action features, theta* = Q^pi exactly."""
    p = load_problem("random-walk-5", positive_sampling=False)
    mdp, beh, pi = p.mdp, p.sampling.behaviour, p.target
    q = gq_quantities(p)
    psi = state_action_features(np.eye(5), 2)
    mu = from_problem(p).mu
    A = np.zeros((10, 10))
    b = np.zeros(10)
    C = np.zeros((10, 10))
    for s, a, s2 in itertools.product(range(5), range(2), range(5)):
        w = mu[s] * beh[s, a] * mdp.P[s, a, s2]
        x = psi[s * 2 + a]
        bar = pi[s2] @ psi[s2 * 2:s2 * 2 + 2]
        A += w * np.outer(x, mdp.gamma * bar - x)
        b += w * mdp.R[s, a] * x
        C += w * np.outer(x, x)
    assert q.A == pytest.approx(A) and q.b == pytest.approx(b) and q.C == pytest.approx(C)
    Ppi = np.einsum("sat,tb->satb", mdp.P, pi).reshape(10, 10)
    Q = np.linalg.solve(np.eye(10) - mdp.gamma * Ppi, mdp.R.reshape(-1))
    assert psi @ q.theta_star == pytest.approx(Q)  # theta is indexed a * k + s, Q by s * A + a
    chk = check_variant("gq0", p, "0.6,0.8")
    assert chk.verdict.value == "certified" and len(chk.levels) == 2


def test_gtd_original_sampled_directions_average_to_mean_field():
    """GTD (Sutton, Szepesvari and Maei 2008): E[h] = b + A theta - u, E[g] = -A^T u, from
    the compiled kernel's sampled directions averaged over every transition."""
    from certify.algorithms.td.kernel import BASES, sample_directions

    p = load_problem("random-walk-5", positive_sampling=False)
    td = from_problem(p)
    rng = np.random.default_rng(0)
    theta, u = rng.normal(size=5), rng.normal(size=5)
    g_mean, h_mean = np.zeros(5), np.zeros(5)
    g, h = np.empty(5), np.empty(5)
    beh = p.sampling.behaviour
    for s, a, s2 in itertools.product(range(5), range(2), range(5)):
        w = td.mu[s] * beh[s, a] * p.mdp.P[s, a, s2]
        if w == 0:
            continue
        sample_directions(BASES["gtd"], td.phi[s], td.phi[s2], p.mdp.R[s, a], 1.0, td.gamma,
                          theta, u, g, h)
        g_mean += w * g
        h_mean += w * h
    assert h_mean == pytest.approx(td.b + td.A @ theta - u)
    assert g_mean == pytest.approx(-td.A.T @ u)


def test_gtd_simulates_and_cli(capsys):
    from certify.algorithms.td.mean import mean_run
    from certify.algorithms.td.simulate import simulate_td

    p = load_problem("random-walk-5", positive_sampling=False)
    sim = simulate_td("gtd", p, "0.5,0.7", scales=(4.0, 4.0), runs=4, steps=4000, seed=1)
    assert sim.diverged == 0 and sim.rmspbe_mean[-1] < 0.6 * sim.rmspbe_mean[0]
    mean = mean_run("gtd", from_problem(p), "0.5,0.7", scales=(4.0, 4.0), steps=20_000)
    assert mean.distances[-1] < 0.9 * mean.distances[0]  # GTD is slow (level-2 margin 1e-3)
    assert main(["simulate", "gtd", "random-walk-5", "--runs", "2", "--steps", "100",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["algorithm"] == "gtd"
    assert main(["sa", "check", "etd0", "random-walk-5", "--exponents", "0.7", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["form"] == "td0" and doc["verdict"] == "certified"
    assert main(["sa", "check", "tdc-lambda", "boyan-chain", "--exponents", "0.6,0.8"]) == 2
    assert main(["sa", "check", "gtd2", "boyan-chain", "--exponents", "0.6,0.8",
                 "--lam", "0.5"]) == 2
    assert main(["sa", "check", "gtd2-lambda", "boyan-chain", "--exponents", "0.6,0.8",
                 "--lam", "0.5", "--json"]) == 1


def _actor_critic_field(problem: Problem, w: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """The nonlinear mean field (h_w, g) of the actor-critic in floats, from its definition."""
    from certify.algorithms.td.actor_critic import actor_features

    mdp = problem.mdp
    phi = np.asarray(problem.features, dtype=float)
    psi = actor_features(phi, mdp.n_actions)
    logits = np.log(problem.target) + psi @ theta
    pi = np.exp(logits - logits.max(1, keepdims=True))
    pi /= pi.sum(1, keepdims=True)
    P = np.einsum("sa,sat->st", pi, mdp.P)
    r = (pi * mdp.R).sum(1)
    ev, vec = np.linalg.eig(P.T)
    d = np.real(vec[:, np.argmin(abs(ev - 1))])
    d /= d.sum()
    hw = phi.T @ np.diag(d) @ (r + mdp.gamma * P @ phi @ w - phi @ w)
    Q = mdp.R + mdp.gamma * np.einsum("sat,t->sa", mdp.P, phi @ w)
    score = psi - np.einsum("sa,sam->sm", pi, psi)[:, None, :]
    return np.concatenate([hw, np.einsum("s,sa,sam,sa->m", d, pi, score, Q)])


def test_actor_critic_linearisation_is_the_jacobian_and_levels_decide():
    """H equals the central-difference Jacobian of the nonlinear mean field at (w_0, 0) and
    H x_0 + c equals the field there; the critic level is TD(0)'s matrix."""
    from certify.algorithms.td.actor_critic import check_actor_critic, linearised_actor_critic

    p = load_problem("random-walk-5", positive_sampling=False)
    H, c, (k, m), w0 = linearised_actor_critic(p)
    assert (k, m) == (5, 5) and H[:5, :5] == from_problem(p).A_exact
    Hf, cf = np.array(H.evalf(), dtype=float), np.array(c.evalf(), dtype=float).ravel()
    x0 = np.concatenate([np.array(w0.evalf(), dtype=float).ravel(), np.zeros(m)])
    J = np.zeros_like(Hf)
    for j in range(k + m):
        e = np.zeros(k + m)
        e[j] = 1e-6
        J[:, j] = (_actor_critic_field(p, *np.split(x0 + e, [k]))
                   - _actor_critic_field(p, *np.split(x0 - e, [k]))) / 2e-6
    assert J == pytest.approx(Hf, abs=1e-8)
    assert _actor_critic_field(p, x0[:k], x0[k:]) == pytest.approx(Hf @ x0 + cf, abs=1e-14)
    # at the uniform policy the actor level is not Hurwitz: refuted with a witness
    chk = check_actor_critic(p, "0.6,0.9")
    assert chk.verdict.value == "refuted" and chk.levels[1]["margin"] < 0
    # near the optimum of a 2-state bandit-like chain it is Hurwitz; (A:2) stays undecided
    P = np.zeros((2, 2, 2))
    P[:, 0, 0] = P[:, 1, 1] = 1.0
    mdp = FiniteMDP(P, np.array([[0.0, 1.0], [0.0, 1.0]]), 0.5, layout="SAS")
    pi0 = np.array([[0.1, 0.9], [0.1, 0.9]])
    near = Problem(mdp, sampling_markov(mdp, pi0), features=np.eye(2), target=pi0)
    chk = check_actor_critic(near, "0.6,0.9")
    assert [c.holds for c in chk.conditions if c.name.startswith("(C")] == [True, True]
    assert chk.verdict.value == "inconclusive"


def test_actor_critic_cli(capsys):
    assert main(["sa", "check", "actor-critic", "random-walk-5", "--exponents", "0.6,0.9",
                 "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["verdict"] == "refuted" and [t["dim"] for t in doc["timescales"]] == [5, 5]
    assert main(["sa", "check", "actor-critic", "boyan-chain", "--exponents", "0.6,0.9"]) == 2


def test_emphatic_td_simulation_converges_where_td0_diverges():
    """On the two-state off-policy chain TD(0)'s mean field grows (A = 1/5 > 0) while ETD(0)'s
    contracts (A_E = -17/5): simulated TD(0) runs blow up, ETD(0) runs reach theta*_E."""
    from certify.algorithms.td.simulate import simulate_td

    p = two_state_off_policy()
    kw = {"runs": 8, "steps": 3000, "seed": 2, "theta0": np.array([1.0])}
    td = simulate_td("td0", p, "0.5", **kw)
    etd = simulate_td("etd0", p, "0.6", scales=(0.1,), **kw)
    ts = emphatic_quantities(p)[0].theta_star
    assert td.diverged == 8
    assert etd.diverged == 0 and abs(etd.theta_final.mean() - ts[0]) < 0.05 * abs(ts[0])
    with pytest.raises(Exception, match="i.i.d. model"):
        simulate_td("etd0", p, "0.6", mode="markov", **kw)


def test_trace_and_gq_simulators_reach_their_fixed_points():
    """With the u-step ~0 (u stays ~0), TDC(lambda)'s sampled update is off-policy TD(lambda)
    with the trace e_t = rho_t (phi_t + gamma lambda e_{t-1}) and GQ(0)'s is expected-Sarsa
    TD(0) on psi: the runs must reach theta*_lambda = -A_l^{-1} b_l and Q^pi (tabular)."""
    from certify.algorithms.td.simulate_variants import simulate_variant

    p = load_problem("random-walk-5", positive_sampling=False)
    ts = lambda_quantities(p, 0.5).theta_star
    sim = simulate_variant("tdc-lambda", p, "0.4,0.5", 0.5, scales=(1e-12, 2.0), runs=8,
                           steps=20_000, seed=3)
    assert sim.diverged == 0
    assert np.linalg.norm(sim.theta_final.mean(0) - ts) < 0.05 * np.linalg.norm(ts)
    gq = gq_quantities(p)
    sim = simulate_variant("gq0", p, "0.4,0.5", scales=(1e-12, 2.0), runs=8, steps=20_000,
                           seed=3, mode="iid")
    assert np.linalg.norm(sim.theta_final.mean(0) - gq.theta_star) < (
        0.05 * np.linalg.norm(gq.theta_star))
    # the full two-timescale GTD2(lambda) runs lower their lambda-RMSPBE
    sim = simulate_variant("gtd2-lambda", p, "0.5,0.7", 0.5, runs=4, steps=5000, seed=1)
    assert sim.diverged == 0 and sim.rmspbe_mean[-1] < 0.6 * sim.rmspbe_mean[0]
    with pytest.raises(Exception, match="use --mode markov"):
        simulate_variant("tdc-lambda", p, "0.5,0.7", 0.5, mode="iid")
    assert main(["simulate", "tdc-lambda", "random-walk-5", "--runs", "2", "--steps", "100",
                 "--json"]) == 2  # --lam is required
