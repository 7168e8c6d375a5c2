"""Heavy ball = its decomposed N-timescale form; limits of the gradient-TD family.

The decomposed recursions are written here from seed 003, (22)-(27) and (34)-(41): with
v_t = (theta_t - theta_{t-1}) / varrho_{t-1} and y_t = (u_t - u_{t-1}) / varrho'_{t-1},

    v_{t+1} = v_t + xi_t (g_t - w v_t),     theta_{t+1} = theta_t + varrho_t v_{t+1},
    y_{t+1} = y_t + xi'_t (h_t - w y_t),    u_{t+1} = u_t + varrho'_t y_{t+1}   (4 timescales),

(u_{t+1} = u_t + beta_t h_t on 3 timescales), driven by the timescale steps themselves,
not by alpha = xi varrho, beta = xi' varrho' as the simulator's heavy ball is.
"""

from __future__ import annotations

import numpy as np
import pytest

from certify.algorithms.td.algorithms import get_algorithm
from certify.algorithms.td.analysis import analyze_sa
from certify.algorithms.td.kernel import BASES, heavy_ball_step, sample_directions
from certify.algorithms.td.mean import mean_run
from certify.algorithms.td.simulate import algorithm_steps, simulate_td
from certify.algorithms.td.stepsizes import parse_exponents, schedule
from certify.mdp import load_problem
from certify.simulate.rng import next_uniform, run_states

MOMENTUM = ["gtd2-m3", "tdc-m3", "gtd2-m4", "tdc-m4"]
EXPONENTS = {2: "0.51,0.55", 3: "0.51,0.53,0.55", 4: "0.51,0.52,0.53,0.55"}


def _directions(base, f, f2, r, rho, gamma, theta, u):
    """GTD2 / TDC directions (Sutton et al. 2009), written out independently of the kernel."""
    delta = r + gamma * f2 @ theta - f @ theta
    fu = f @ u
    g = {"gtd2": rho * fu * (f - gamma * f2), "tdc": rho * (delta * f - gamma * f2 * fu),
         "td0": rho * delta * f}[base]
    return g, (rho * delta - fu) * f


def _decomposed(algo, a, w, samples, gamma, theta0):
    """Seed 003's N-timescale recursions driven by the timescale steps a (N, T)."""
    k = theta0.size
    theta, u, v, y = theta0.copy(), np.zeros(k), np.zeros(k), np.zeros(k)
    out = [theta.copy()]
    for t, (f, f2, r, rho) in enumerate(samples):
        g, h = _directions(algo.base, f, f2, r, rho, gamma, theta, u)
        if algo.momentum == 1:  # (xi, beta, varrho)
            v = v + a[0, t] * (g - w * v)
            u = u + a[1, t] * h
            theta = theta + a[2, t] * v
        else:  # (xi, xi', varrho', varrho)
            v = v + a[0, t] * (g - w * v)
            y = y + a[1, t] * (h - w * y)
            u = u + a[2, t] * y
            theta = theta + a[3, t] * v
        out.append(theta.copy())
    return np.array(out)


def _heavy_ball(algo, st, samples, gamma, theta0):
    """The simulator's own compiled step functions, fed the same samples."""
    k = theta0.size
    theta, u, dth, du = theta0.copy(), np.zeros(k), np.zeros(k), np.zeros(k)
    g, h = np.empty(k), np.empty(k)
    out = [theta.copy()]
    for t, (f, f2, r, rho) in enumerate(samples):
        sample_directions(BASES[algo.base], f, f2, r, rho, gamma, theta, u, g, h)
        heavy_ball_step(algo.momentum, True, theta, u, dth, du, g, h, st.alpha[t], st.beta[t],
                        st.eta[t], st.eta2[t])
        out.append(theta.copy())
    return np.array(out)


@pytest.mark.parametrize("name", MOMENTUM)
def test_heavy_ball_equals_decomposed_form_step_by_step(name):
    algo = get_algorithm(name)
    rng = np.random.default_rng(7)
    k, T, w, gamma = 3, 400, 0.7, 0.9
    samples = [(rng.normal(size=k), rng.normal(size=k), float(rng.normal()),
                float(rng.uniform(0.5, 2.0))) for _ in range(T)]
    ex = parse_exponents(["0.55", "0.6", "0.7", "0.9"][:algo.n_timescales], algo.n_timescales,
                         name)
    scales = (0.3, 0.4, 0.5, 0.6)[:algo.n_timescales]
    theta0 = np.array([0.5, -1.0, 2.0])
    dec = _decomposed(algo, schedule(ex, scales, T), w, samples, gamma, theta0)
    hb = _heavy_ball(algo, algorithm_steps(algo, ex, scales, T, w), samples, gamma, theta0)
    assert np.abs(dec).max() > 1.0  # the recursion moved: not a comparison of zeros
    np.testing.assert_allclose(hb, dec, rtol=1e-10, atol=1e-12)
    # v_t = (theta_t - theta_{t-1}) / varrho_{t-1} is the decomposition's fastest iterate
    varrho = schedule(ex, scales, T)[-1]
    v1 = (hb[2] - hb[1]) / varrho[1] - (hb[1] - hb[0]) / varrho[0]
    assert np.linalg.norm(v1) > 0


@pytest.mark.parametrize("name, mode", [("tdc-m3", "iid"), ("gtd2-m4", "markov"),
                                        ("tdc-m4", "iid"), ("gtd2-m3", "markov")])
def test_simulator_replayed_through_the_decomposed_form(name, mode):
    # replay the simulator's random streams by hand (inverse CDF on the same uniforms)
    p = load_problem("boyan-chain")
    algo = get_algorithm(name)
    ex, T, w, seed = EXPONENTS[algo.n_timescales], 300, 0.8, 3
    sim = simulate_td(name, p, ex, w, runs=3, steps=T, seed=seed, records=1, mode=mode)
    from certify.algorithms.td.linear import from_problem

    td = from_problem(p, exact=False)
    beh = p.sampling.behaviour
    a = schedule(parse_exponents(ex, algo.n_timescales, name), (1.0,) * algo.n_timescales, T)
    for r in range(3):
        state = run_states(seed, r, 1)
        samples, s = [], None
        for t in range(T):
            u0, u1, u2 = (next_uniform(state, 0) for _ in range(3))
            if mode == "iid" or t == 0:
                s = min(int(np.searchsorted(np.cumsum(td.mu), u0, side="right")), 12)
            act = min(int(np.searchsorted(np.cumsum(beh[s]), u1, side="right")), 0)
            s2 = min(int(np.searchsorted(np.cumsum(p.mdp.P[s, act]), u2, side="right")), 12)
            samples.append((td.phi[s], td.phi[s2], p.mdp.R[s, act], 1.0))
            assert p.mdp.P[s, act, s2] > 0
            s = s2
        dec = _decomposed(algo, a, w, samples, td.gamma, np.zeros(td.k))
        np.testing.assert_allclose(sim.theta_final[r], dec[-1], rtol=1e-9, atol=1e-9)


def _projected_fixed_point(p):
    """theta* from the problem data alone: Phi^T M (r + gamma P Phi theta - Phi theta) = 0."""
    P = np.einsum("sa,sat->st", p.target, p.mdp.P)
    r = np.einsum("sa,sa->s", p.target, p.mdp.R)
    ev, vec = np.linalg.eig(P.T)
    mu = np.real(vec[:, np.argmin(np.abs(ev - 1))])
    mu = mu / mu.sum()
    Phi, M = p.features, np.diag(mu)
    return np.linalg.solve(Phi.T @ M @ (np.eye(len(mu)) - p.mdp.gamma * P) @ Phi, Phi.T @ M @ r)


# step constants: (fast, slowest); exponents EXPONENTS are square summable and increasing
MEAN_CASES = {"random-walk-5": ((8.0, 8.0), 1e-6), "boyan-chain": ((8.0, 16.0), 5e-3)}


@pytest.mark.parametrize("prob", list(MEAN_CASES))
@pytest.mark.parametrize("name", ["gtd2", "tdc", *MOMENTUM])
def test_expected_update_converges_to_theta_star(prob, name):
    p = load_problem(prob)
    algo = get_algorithm(name)
    ex = EXPONENTS[algo.n_timescales]
    assert analyze_sa(name, p, ex, 1.0).verdict.value == "certified"  # inside the conditions
    (fast, slow), tol = MEAN_CASES[prob]
    scales = (fast,) * (algo.n_timescales - 1) + (slow,)
    from certify.algorithms.td.linear import from_problem

    res = mean_run(name, from_problem(p), ex, 1.0, scales, steps=1_000_000)
    ts = _projected_fixed_point(p)
    assert np.linalg.norm(ts) > 1.0
    assert np.linalg.norm(res.theta - ts) < tol
    assert np.linalg.norm(res.u) < tol  # u* = C^{-1} (b + A theta*) = 0
    assert res.distances[0] > 1e3 * res.distance


def test_expected_update_td0_diverges_on_baird_gradient_td_does_not():
    from certify.algorithms.td.linear import from_problem

    b = load_problem("baird-star")
    td = from_problem(b, require_full_rank=False)
    start = np.array([1, 1, 1, 1, 1, 1, 10, 1], dtype=float)
    td0 = mean_run("td0", td, "0.6", scales=(0.5,), steps=20_000, theta0=start)
    gtd = mean_run("tdc-m3", td, "0.51,0.53,0.55", scales=(1.0, 1.0, 1.0), steps=200_000,
                   theta0=start)
    assert not np.isfinite(td.mspbe(td0.theta)) or td.mspbe(td0.theta) > 1e6 * td.mspbe(start)
    assert td.mspbe(gtd.theta) < 1e-4 * td.mspbe(start)  # measured 3.5e-6


@pytest.mark.slow
def test_stochastic_runs_approach_theta_star():
    # measured: median ||theta_T - theta*|| 0.014-0.017 (random walk), 0.40-0.51 (Boyan, |theta*| 104)
    for prob, (fast, slow), steps, tol in (("random-walk-5", (4.0, 4.0), 500_000, 0.05),
                                           ("boyan-chain", (4.0, 8.0), 1_000_000, 1.5)):
        p = load_problem(prob)
        ts = _projected_fixed_point(p)
        for name in ["gtd2", "tdc", *MOMENTUM]:
            n = get_algorithm(name).n_timescales
            sim = simulate_td(name, p, EXPONENTS[n], 1.0, (fast,) * (n - 1) + (slow,), runs=10,
                              steps=steps, seed=0, records=2)
            d = np.linalg.norm(sim.theta_final - ts, axis=1)
            assert sim.diverged == 0 and np.median(d) < tol, (prob, name, np.median(d))
