"""Theorem 2 of Achiam, Knight and Abbeel (arXiv 1903.08894), checked exactly.

The function-space update of deep Q-learning is U3 Q = Q + alpha K D_rho (T*Q - Q)
(seed 001, eq. (14)).  For any K, rho >= 0 and Q1, Q2 (proof of Theorem 2),

    ||U3 Q1 - U3 Q2||_inf <= beta(K) ||Q1 - Q2||_inf,
    beta(K) = max_i sum_j (|delta_ij - alpha K_ij rho_j| + alpha gamma |K_ij| rho_j)
            = max_i [ |1 - alpha a_i| + alpha gamma |a_i| + (1 + gamma) alpha o_i ],

with a_i = K_ii rho_i and o_i = sum_{j != i} |K_ij| rho_j.  Theorem 2 states that U3 is a
sup-norm contraction with fixed point Q* when

    (16)  alpha a_i < 1                              for every i,
    (17)  (1 + gamma) o_i <= (1 - gamma) a_i          for every i,

and under (16) beta(K) = max_i [1 - (1 - gamma) alpha a_i + (1 + gamma) alpha o_i] <= 1.
With "<=" in (17) only beta <= 1 follows, so we certify a contraction only when (16) and
(17) hold *and* beta < 1.  A kernel for which (16) fails is reported as "hypotheses fail"
even when the raw beta is below 1 (the raw beta is still a valid Lipschitz bound and is
reported).  Everything is computed in exact rational arithmetic from the given numbers
(floats are exact dyadics; JSON "p/q" strings are exact rationals).

Row ratio (the paper's statistic of generalisation, reconstruction of the normalisation):
R_i(K) = (1/n) sum_{j != i} |K_ij| / K_ii with n the number of state-action pairs.

Tabular case K = I: a_i = rho_i, o_i = 0, so beta = 1 - alpha (1 - gamma) rho_min when
alpha rho_max <= 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.algorithms.ntk.enclose import candidates, enclose
from certify.algorithms.ntk.inputs import KernelData, validate_kernel
from certify.exact import round_down_float, round_up_float
from certify.exact.printing import fmt_upper
from certify.exact.rows import exact_rows
from certify.verdict import Verdict, is_fragile

CONTRACTION = "contraction"
NON_EXPANSION = "non-expansion"
HYPOTHESES_FAIL = "hypotheses fail"


@dataclass(frozen=True)
class Condition:
    """One of (16), (17): does it hold on every row, the tightest row and its slack.

    ``margin`` is min_i of 1 - alpha a_i for (16) and of (1 - gamma) a_i - (1 + gamma) o_i
    for (17); (16) holds iff margin > 0, (17) iff margin >= 0.
    """

    holds: bool
    worst_row: int
    margin: Fraction
    scale: Fraction = Fraction(1)

    @property
    def fragile(self) -> bool:
        """True when the condition holds by less than rounding of its terms
        (:func:`certify.verdict.is_fragile`): e.g. 1/3 given as a double."""
        return self.holds and is_fragile(self.margin, self.scale)

    def to_dict(self) -> dict:
        return {"holds": self.holds, "worst_row": self.worst_row,
                "margin": round_down_float(self.margin), "margin_exact": str(self.margin),
                "fragile": self.fragile}


@dataclass(frozen=True)
class Theorem2Result:
    """Theorem 2 evaluated on (K, rho, gamma, alpha).

    Attributes
    ----------
    condition_16, condition_17 : Condition
    beta : Fraction
        The full modulus beta(K) (valid Lipschitz bound of U3 for every K).
    beta_rows : list[int]
        Rows attaining beta (the binding rows).
    alpha_max_16 : Fraction | None
        sup of the step sizes for which (16) holds: 1 / max_i a_i (None: every alpha).
    row_ratio : np.ndarray
        R_i(K), floats (inf where K_ii = 0).
    status : {"contraction", "non-expansion", "hypotheses fail"}
    verdict : Verdict
        CERTIFIED iff (16), (17) hold and beta < 1, all exactly; otherwise INCONCLUSIVE.
    reason : str
    data : KernelData
    """

    condition_16: Condition
    condition_17: Condition
    beta: Fraction
    beta_rows: list[int]
    alpha_max_16: Fraction | None
    row_ratio: np.ndarray
    status: str
    verdict: Verdict
    reason: str
    data: KernelData

    def to_dict(self) -> dict:
        d = self.data
        return {
            "n": int(d.k.shape[0]), "gamma": float(d.gamma), "alpha": float(d.alpha),
            "exact_rationals": d.exact_rationals,
            "condition_16": self.condition_16.to_dict(),
            "condition_17": self.condition_17.to_dict(),
            "beta": round_up_float(self.beta), "beta_exact": str(self.beta),
            "beta_rows": self.beta_rows,
            "alpha_max_16": None if self.alpha_max_16 is None else round_down_float(self.alpha_max_16),
            "row_ratio": [float(x) for x in self.row_ratio],
            "asymmetry": d.asymmetry, "min_eigenvalue": d.min_eigenvalue,
            "status": self.status, "reason": self.reason, "verdict": self.verdict.value,
        }


def analyze_ntk(k: object, rho: object, gamma: object, alpha: object,
             prefilter: bool = True) -> Theorem2Result:
    """Evaluate Theorem 2 (conditions (16), (17) and beta(K)) exactly.

    For the expected deep Q-learning update through a kernel K with replay distribution rho
    (J. Achiam, E. Knight and P. Abbeel, *Towards Characterizing Divergence in Deep
    Q-Learning*, arXiv:1903.08894, 2019: seed 001, docs/theory.md section 2): (16)
    alpha K_ii rho_i < 1 and (17) (1 + gamma) sum_{j != i} |K_ij| rho_j <= (1 - gamma)
    K_ii rho_i for all i; the sup-norm modulus is
    beta(K) = max_i sum_j (|delta_ij - alpha K_ij rho_j| + alpha gamma |K_ij| rho_j), and
    the verdict is certified only when (16), (17) hold and beta(K) < 1, all decided in exact
    rationals.

    Parameters
    ----------
    k : array (n, n)
        The kernel (floats, or an object array of Fractions).
    rho : array (n,)
        Replay distribution over state-action pairs (state-major).
    gamma : number in [0, 1)
    alpha : number > 0
    prefilter : bool
        Use rigorous float enclosures (:mod:`certify.algorithms.ntk.enclose`) to skip the rows that
        cannot attain an extremum; False evaluates every row exactly.  The result is the same.

    Returns
    -------
    Theorem2Result
        ``condition_16``, ``condition_17``, ``beta`` (a Fraction) with ``beta_rows`` (the
        binding rows), ``alpha_max_16`` (the largest step allowed by (16)), ``row_ratio``,
        ``verdict`` and ``to_dict()``.

    Raises
    ------
    InvalidInput
        K not square or not finite, rho not a distribution of matching length, gamma outside
        [0, 1), alpha not a positive number.

    Examples
    --------
    beta(K) = 1 - (1 - gamma) alpha K_ii rho_i + (1 + gamma) alpha |K_ij| rho_j
    = 1 - 1/4 + 3/32 = 27/32 on both rows:

    >>> import numpy as np
    >>> from certify import analyze_ntk
    >>> res = analyze_ntk(np.array([[1.0, 0.125], [0.125, 1.0]]), rho=np.array([0.5, 0.5]),
    ...                   gamma=0.5, alpha=1.0)
    >>> res.verdict.value, res.beta
    ('certified', Fraction(27, 32))
    """
    from certify.argcheck import check_flag

    data = validate_kernel(k, rho, gamma, alpha)
    return theorem2_validated(data, check_flag(prefilter, "prefilter"))


def _exact_extrema(data: KernelData, prefilter: bool) -> dict[str, dict[int, Fraction]]:
    """Exact a_i, m16_i, m17_i, beta_i on the rows that may attain an extremum."""
    g, a = data.gamma, data.alpha
    n = data.k.shape[0]
    cand = candidates(enclose(data.k, data.rho, g, a)) if prefilter else None
    rows = np.arange(n) if cand is None else np.unique(np.concatenate(list(cand.values())))
    diag, off = exact_rows(data.k, data.rho, rows)
    vals: dict[str, dict[int, Fraction]] = {"a": {}, "m16": {}, "m17": {}, "beta": {}}
    for i, ai, oi in zip(rows.tolist(), diag, off, strict=True):
        vals["a"][i] = ai
        vals["m16"][i] = 1 - a * ai
        vals["m17"][i] = (1 - g) * ai - (1 + g) * oi
        vals["beta"][i] = abs(1 - a * ai) + a * g * abs(ai) + (1 + g) * a * oi
    if cand is not None:
        vals = {key: {int(i): v[int(i)] for i in cand[key]} for key, v in vals.items()}
    return vals


def _row_ratio(k: np.ndarray) -> np.ndarray:
    """R_i(K) = (1/n) sum_{j != i} |K_ij| / K_ii in floats (a statistic, not a certificate)."""
    kf = np.asarray(k).astype(float, copy=False)
    n = kf.shape[0]
    d = np.diag(kf)
    off = np.abs(kf).sum(axis=1) - np.abs(d)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(d != 0, off / (n * np.where(d != 0, d, 1.0)), np.inf)


def theorem2_validated(data: KernelData, prefilter: bool = True) -> Theorem2Result:
    """:func:`theorem2` on already validated data."""
    n = data.k.shape[0]
    vals = _exact_extrema(data, prefilter)
    m16, m17, betas = vals["m16"], vals["m17"], vals["beta"]
    w16 = min(m16, key=lambda i: (m16[i], i))
    w17 = min(m17, key=lambda i: (m17[i], i))
    g = data.gamma
    c16 = Condition(m16[w16] > 0, w16, m16[w16], Fraction(1))
    (a17,), (o17,) = exact_rows(data.k, data.rho, [w17])
    c17 = Condition(m17[w17] >= 0, w17, m17[w17], abs((1 - g) * a17) + abs((1 + g) * o17))
    beta = max(betas.values())
    beta_rows = sorted(i for i, b in betas.items() if b == beta)
    top = max(vals["a"].values())
    alpha_max = 1 / top if top > 0 else None
    ratio = _row_ratio(data.k)
    if c16.holds and c17.holds and beta < 1:
        status, verdict = CONTRACTION, Verdict.CERTIFIED
        reason = (f"(16) and (17) hold exactly on all {n} rows; U3 is a sup-norm contraction "
                  f"with modulus beta = {fmt_upper(beta, 10)}")
    elif c16.holds and c17.holds:
        status, verdict = NON_EXPANSION, Verdict.INCONCLUSIVE
        reason = (f"(16) and (17) hold but (17) is tight on row {w17}, so beta = 1: U3 is only "
                  "non-expansive")
    else:
        failed = [f"({c}) fails on row {r} (margin {float(m):.6g})"
                  for c, ok, r, m in (("16", c16.holds, w16, c16.margin),
                                      ("17", c17.holds, w17, c17.margin)) if not ok]
        status, verdict = HYPOTHESES_FAIL, Verdict.INCONCLUSIVE
        tail = (f"; the raw modulus beta = {fmt_upper(beta, 10)} < 1 still bounds the "
                "sup-norm Lipschitz constant of U3, but Theorem 2 does not apply"
                if beta < 1 else f"; beta = {fmt_upper(beta, 10)} >= 1")
        reason = "hypotheses fail: " + "; ".join(failed) + tail
    return Theorem2Result(c16, c17, beta, beta_rows, alpha_max, ratio, status, verdict, reason,
                          data)


def tabular_beta(rho: object, gamma: object, alpha: object) -> Fraction:
    """Closed form for K = I: beta = max_i |1 - alpha rho_i| + alpha gamma rho_i.

    Equals 1 - alpha (1 - gamma) rho_min when alpha rho_max <= 1.
    """
    from certify.exact import fraction_array

    r = fraction_array(np.asarray(rho))
    g, a = Fraction(gamma), Fraction(alpha)
    return max(abs(1 - a * ri) + a * g * ri for ri in r)


# Old names (certify.deprecation): the same functions, with a DeprecationWarning.
from certify.deprecation import deprecated_alias  # noqa: E402

theorem2 = deprecated_alias(analyze_ntk, "theorem2")
