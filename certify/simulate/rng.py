"""Reproducible random streams and samplers for the simulators.

Each run r of a simulation owns one independent stream: a SplitMix64 generator (Steele, Lea
and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014; the generator of
Java's ``SplittableRandom``, which passes BigCrush) whose 64-bit state is seeded from
``numpy.random.SeedSequence(seed).spawn`` child r.  Because a run's stream depends only on
(seed, r), the trajectories do not depend on the batch size, on how the runs are split into
batches, or on how the steps are split into chunks.

SplitMix64 step: state <- state + 0x9E3779B97F4A7C15 (mod 2^64), then
z = state; z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
output z ^ (z >> 31).  A uniform double in [0, 1) is (output >> 11) * 2^-53.

Discrete laws are sampled by Walker's alias method (Vose, IEEE TSE 17(9), 1991) for the
sampling distribution d and for each CSR row P(.|s, a) (one uniform picks the column and, from
its fractional part, the coin), and by inverse CDF (first cumulative sum above u) for the
behaviour policy beta(.|s).
"""

from __future__ import annotations

import numpy as np

from certify.argcheck import check_seed as check_seed  # one place (certify.argcheck)
from certify.extras import numba_or_fallback

nb = numba_or_fallback()  # the simulate extra; entry points require it

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TWO_M53 = 2.0 ** -53


def run_states(seed: int, first: int, count: int) -> np.ndarray:
    """Initial SplitMix64 states of runs ``first .. first + count - 1`` of ``seed``.

    Run r's state is the first 64-bit word of SeedSequence(seed, spawn_key=(r,)), i.e. of
    ``SeedSequence(seed).spawn(...)[r]``.
    """
    seed = check_seed(seed)
    out = np.empty(count, dtype=np.uint64)
    for i in range(count):
        ss = np.random.SeedSequence(seed, spawn_key=(first + i,))
        out[i] = ss.generate_state(1, dtype=np.uint64)[0]
    return out


@nb.njit(inline="always")
def next_uniform(state: np.ndarray, r: int) -> float:
    """Advance stream ``state[r]`` and return a uniform double in [0, 1)."""
    s = state[r] + GOLDEN
    state[r] = s
    z = (s ^ (s >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    z = z ^ (z >> _S31)
    return (z >> _S11) * _TWO_M53


@nb.njit(inline="always")
def next_word(state: np.ndarray, r: int) -> np.uint64:
    """Advance stream ``state[r]`` and return its 64-bit output."""
    s = state[r] + GOLDEN
    state[r] = s
    z = (s ^ (s >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@nb.njit(inline="always")
def word_uniform(z: np.uint64) -> float:
    """Uniform double in [0, 1) from the top 53 bits of a 64-bit output."""
    return (z >> _S11) * _TWO_M53


@nb.njit(inline="always")
def row_alias_draw(u: float, prob: np.ndarray, alias: np.ndarray, lo: int, hi: int) -> int:
    """One draw from the alias table stored at CSR positions lo..hi-1 (see :func:`row_alias`)."""
    n = hi - lo
    x = u * n
    i = int(x)
    if i >= n:
        i = n - 1
    return lo + i if x - i < prob[lo + i] else alias[lo + i]


@nb.njit(inline="always")
def alias_draw(u: float, prob: np.ndarray, alias: np.ndarray) -> int:
    """One draw from an alias table with one uniform u in [0, 1)."""
    n = prob.shape[0]
    x = u * n
    i = int(x)
    if i >= n:
        i = n - 1
    return i if x - i < prob[i] else alias[i]


@nb.njit(inline="always")
def cdf_draw(u: float, cum: np.ndarray, lo: int, hi: int) -> int:
    """Index k in [lo, hi) of the first cum[k] > u (the last index if rounding leaves none)."""
    for k in range(lo, hi - 1):
        if u < cum[k]:
            return k
    return hi - 1


def alias_table(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vose's alias table of a distribution ``p`` (used as given, not renormalised)."""
    p = np.asarray(p, dtype=float)
    n = p.size
    scaled = p * n
    prob = np.zeros(n)
    alias = np.arange(n, dtype=np.int64)
    small = [i for i in range(n) if scaled[i] < 1.0]
    large = [i for i in range(n) if scaled[i] >= 1.0]
    while small and large:
        s, big = small.pop(), large.pop()
        prob[s], alias[s] = scaled[s], big
        scaled[big] -= 1.0 - scaled[s]
        (small if scaled[big] < 1.0 else large).append(big)
    for i in large + small:
        prob[i] = 1.0
    return prob, alias


def row_alias(indptr: np.ndarray, data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Alias tables of every CSR row, in CSR layout; alias entries are CSR positions."""
    prob = np.ones(len(data))
    alias = np.arange(len(data), dtype=np.int64)
    for i in range(len(indptr) - 1):
        lo, hi = int(indptr[i]), int(indptr[i + 1])
        if hi > lo:
            pr, al = alias_table(np.asarray(data[lo:hi], dtype=float))
            prob[lo:hi], alias[lo:hi] = pr, al + lo
    return prob, alias
