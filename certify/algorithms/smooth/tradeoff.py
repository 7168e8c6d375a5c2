"""The trade-off across p: for each even p up to the plain threshold, the best certified rate.

A weighted p-norm certificate V(Q) = (1/p) sum_i w_i e_i^p, dV/dt <= -c V (w = u/d), gives

    ||e(t)||_{w,p} <= e^{-(c/p) t} ||e(0)||_{w,p},
    ||e(t)||_inf  <= K_p e^{-(c/p) t} ||e(0)||_inf,   K_p = (sum w / min w)^{1/p},

(min w |e_i|^p <= p V <= sum w ||e||_inf^p).  So the rates to compare across p are the norm
rates c/p, with the transient constant K_p beside them; V's own rate c is not comparable
across p.  Small p gives a simple polynomial V; larger p usually raises c/p (the young
argument's slack grows with p) but the plain-weights threshold is where the classical
norm-equivalence argument (theory.md section 1) first applies.  Every entry is an exactly
checked certificate (:mod:`certify.algorithms.smooth.search`); a p without one says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.algorithms.smooth.moduli import SIMPLEX_OPERATORS
from certify.algorithms.smooth.search import PNormResult, plain_at, young_at
from certify.mdp.finite import FiniteMDP
from certify.verdict import Verdict

TRADEOFF_MAX_STATES = 40
"""Default size limit for the trade-off table (one Perron search per p)."""


@dataclass(frozen=True)
class TradeoffRow:
    """The best certified certificate at one even p (``best`` is None when there is none)."""

    p: int
    best: PNormResult | None
    tried: tuple[PNormResult, ...]

    @property
    def verdict(self) -> Verdict:
        return Verdict.CERTIFIED if self.best is not None else Verdict.INCONCLUSIVE

    def to_dict(self) -> dict:
        b = self.best
        by_arg = {t.argument: (None if t.certificate is None or t.verdict is not Verdict.CERTIFIED
                               else float(t.certificate.c)) for t in self.tried}
        if b is None:
            return {"p": self.p, "verdict": self.verdict.value, "argument": None, "decay_rate": None,
                    "norm_decay_rate": None, "sup_norm_constant": None,
                    "decay_rate_by_argument": by_arg, "reason": "; ".join(t.reason for t in self.tried)}
        c = float(b.certificate.c)
        return {"p": self.p, "verdict": self.verdict.value, "argument": b.argument, "decay_rate": c,
                "norm_decay_rate": c / self.p, "sup_norm_constant": b.sup_norm_constant,
                "modulus": b.certificate.factor(), "decay_rate_by_argument": by_arg, "reason": b.reason}


@dataclass(frozen=True)
class Tradeoff:
    """Rows for p = 2, 4, ..., p_max; ``default_p`` the smallest certified p."""

    rows: tuple[TradeoffRow, ...]
    p_max: int | None
    note: str = ""

    @property
    def default_p(self) -> int | None:
        return next((r.p for r in self.rows if r.best is not None), None)

    @property
    def fastest_p(self) -> int | None:
        """The p with the largest certified norm rate c/p."""
        ok = [r for r in self.rows if r.best is not None]
        return max(ok, key=lambda r: float(r.best.certificate.c) / r.p).p if ok else None

    def to_dict(self) -> dict:
        return {"rows": [r.to_dict() for r in self.rows], "p_max": self.p_max,
                "default_p": self.default_p, "fastest_norm_rate_p": self.fastest_p,
                "note": self.note,
                "compare": "norm_decay_rate = c/p is the rate of ||Q - Q*||_{w,p}; "
                           "sup_norm_constant K gives ||e(t)||_inf <= K e^{-(c/p) t} ||e(0)||_inf"}


def pnorm_tradeoff(mdp: FiniteMDP, d: np.ndarray, operator: str, a: float, grad_bound: Fraction,
                   p_plain: int | None, known: dict[tuple[str, int], PNormResult] | None = None,
                   ) -> Tradeoff:
    """Best certified certificate for each even p from 2 to ``p_plain`` (the plain threshold).

    Parameters
    ----------
    a : float
        The sup-norm modulus bound used by the norm-equivalence argument.
    p_plain : int or None
        The plain-weights threshold p (None: the operator is not certified to contract, so
        only the young argument is tried, up to the young threshold).
    known : dict, optional
        Results already computed, keyed by (argument, p), reused rather than recomputed.
    """
    known = dict(known or {})
    young_ok = operator in SIMPLEX_OPERATORS
    p_max = p_plain
    if p_max is None and young_ok:
        p_max = next(k[1] for k in known if k[0] == "young") if any(k[0] == "young" for k in known) \
            else None
    if p_max is None:
        return Tradeoff((), None, "no p: the operator is not certified to contract in the sup norm")
    rows = []
    for p in range(2, p_max + 1, 2):
        tried = []
        if young_ok:
            tried.append(known.get(("young", p)) or young_at(mdp, d, operator, p))
        if p_plain is not None and p >= p_plain:
            tried.append(known.get(("norm-equivalence", p))
                         or plain_at(mdp, d, operator, a, grad_bound, p, p_plain))
        elif p_plain is not None:
            tried.append(PNormResult("norm-equivalence", p, None, Verdict.INCONCLUSIVE,
                                     f"plain weights need p >= {p_plain}", p_plain))
        ok = [t for t in tried if t.verdict is Verdict.CERTIFIED and t.certificate is not None]
        best = max(ok, key=lambda t: t.certificate.c) if ok else None
        rows.append(TradeoffRow(p, best, tuple(tried)))
    return Tradeoff(tuple(rows), p_max)
