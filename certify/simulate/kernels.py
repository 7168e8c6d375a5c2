"""Compiled inner loops of the Q-learning simulator (numba, parallel over runs).

Why numba: the update touches one Q-entry and one row of P per sample, so a numpy version
vectorised over the batch spends its time in per-step call overhead and fancy indexing
(several microseconds per step per call); a compiled loop over (run, step) reaches the
machine's memory-bound speed.  ``benchmarks/bench_simulate.py`` measures both and a plain
Python loop.

One call advances every run r of the batch from global step ``k_start`` to ``k_end``:

* mode 0, asynchronous, i.i.d.: i = (s, a) ~ d (alias table), s' ~ P(.|s, a) (row alias table),
  Q(i) <- Q(i) + alpha_k (r(i) + xi + gamma max_a' Q(s', a') - Q(i));
* mode 1, asynchronous, Markovian: a ~ beta(.|s), i = (s, a), s' ~ P(.|s, a), same update,
  then s <- s';
* mode 2, synchronous: every pair i is updated from the same Q_k with its own s' ~ P(.|i).

The backup max_a' Q(s', a') may be replaced by a smooth maximum h (``op``; theory.md
section 1, the same formulas as :func:`certify.mdp.bellman.smooth_max`), evaluated stably by
shifting with the row maximum m before exponentiating (every exponent is <= 0):

* op 0 ``max``: h = m;
* op 1 ``lse``: h = m + ln sum_a exp(lam (q_a - m)) / lam;
* op 2 ``mellowmax``: the same minus ln(|A|) / lam;
* op 3 ``boltzmann``: h = m + sum_a (q_a - m) z_a / sum_a z_a, z_a = exp(lam (q_a - m));
* op 4 ``soft``: h = m + ln sum_a mu_a exp(lam (q_a - m)) / lam with lam = 1 / tau.

xi is the seed's bounded reward noise, uniform on {-b, +b} (b = 0: none; its sign is bit 0 of
the 64-bit word whose top 53 bits chose the pair), and
alpha_k = c / (k + k0)^e (e = 0: constant c).
"""

from __future__ import annotations

import numpy as np

from certify.extras import numba_or_fallback
from certify.simulate.rng import alias_draw, cdf_draw, next_word, row_alias_draw, word_uniform

nb = numba_or_fallback()  # the simulate extra; entry points require it

MODES = {"iid": 0, "markov": 1, "sync": 2}
OPS = {"max": 0, "lse": 1, "mellowmax": 2, "boltzmann": 3, "soft": 4}


@nb.njit(inline="always")
def _step_size(c: float, k0: float, e: float, k: int) -> float:
    if e == 0.0:
        return c
    return c / (k + k0) ** e


@nb.njit(inline="always")
def _backup(q, base, n_actions, op, lam, log_m, mu):
    """h(Q(s', .)) for the row starting at ``base`` (see the module docstring)."""
    m = q[base]
    for a in range(1, n_actions):
        v = q[base + a]
        if v > m:
            m = v
    if op == 0:
        return m
    s = 0.0
    sw = 0.0
    for a in range(n_actions):
        u = q[base + a] - m
        z = np.exp(lam * u)
        if op == 4:
            s += mu[a] * z
        else:
            s += z
            if op == 3:
                sw += u * z
    if op == 3:
        return m + sw / s
    h = m + np.log(s) / lam
    if op == 2:
        h -= log_m / lam
    return h


@nb.njit(parallel=True, cache=True)
def advance(Q, rng, cur, counts, mode, k_start, k_end, c, k0, e,
            indptr, indices, p_prob, p_alias, reward, noise, gamma, n_actions,
            d_prob, d_alias, beta_cum, op, lam, log_m, mu):
    """Advance every run of the batch in place (see the module docstring)."""
    n_runs, n = Q.shape
    n_states = n // n_actions
    count = counts.shape[1] > 0
    one = np.uint64(1)
    for r in nb.prange(n_runs):
        q = Q[r]
        v = np.empty(n_states if mode == 2 else 0)
        s = cur[r]
        for k in range(k_start, k_end):
            alpha = _step_size(c, k0, e, k)
            if mode == 2:
                for st in range(n_states):
                    v[st] = _backup(q, st * n_actions, n_actions, op, lam, log_m, mu)
                for i in range(n):
                    z = next_word(rng, r)
                    sn = indices[row_alias_draw(word_uniform(z), p_prob, p_alias, indptr[i],
                                                indptr[i + 1])]
                    xi = 0.0
                    if noise > 0.0:
                        xi = noise if (z & one) else -noise
                    q[i] += alpha * (reward[i] + xi + gamma * v[sn] - q[i])
                    if count:
                        counts[r, i] += 1
                continue
            z = next_word(rng, r)
            if mode == 0:
                i = alias_draw(word_uniform(z), d_prob, d_alias)
            else:  # the flat index of (s, a), a ~ beta(.|s)
                i = cdf_draw(word_uniform(z), beta_cum, s * n_actions, (s + 1) * n_actions)
            xi = 0.0
            if noise > 0.0:  # bit 0 of the word is not among the 53 bits used above
                xi = noise if (z & one) else -noise
            sn = indices[row_alias_draw(word_uniform(next_word(rng, r)), p_prob, p_alias,
                                        indptr[i], indptr[i + 1])]
            h = _backup(q, sn * n_actions, n_actions, op, lam, log_m, mu)
            q[i] += alpha * (reward[i] + xi + gamma * h - q[i])
            if count:
                counts[r, i] += 1
            s = sn
        cur[r] = s


def python_reference_step(q, i, sn, r_i, xi, alpha, gamma, n_actions) -> None:
    """One asynchronous update in plain Python (the benchmark's baseline)."""
    base = sn * n_actions
    m = max(q[base:base + n_actions])
    q[i] += alpha * (r_i + xi + gamma * m - q[i])


def empty_counts(n_runs: int) -> np.ndarray:
    return np.zeros((n_runs, 0), dtype=np.int64)
