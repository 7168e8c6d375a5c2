"""Certificates for entropy-regularised policy gradient (seed 004).

Two kinds, both re-checked from the saved data alone in exact rational arithmetic (square
roots and logarithms enclosed by interval arithmetic, :mod:`certify.exact.intervals`):

``pg-meanfield-margin``
    Claim: beta = sigma^2 kappa / 2 - C2_bar - L_bar > 0 for the mean-field tanh network of
    :mod:`certify.algorithms.pg.meanfield` on this MDP, where C2_bar >= C2 and L_bar >= L are the
    stated upper bounds.  Witness: gamma, the rewards R, tau, the width K, sigma, kappa,
    C2_bar, L_bar and the ingredients of the bound formulas (Delta, sum |W|, Hessian and
    gradient bounds of f, the F -> W Lipschitz constant).  ``verify()`` recomputes every
    ingredient and both bounds with :func:`certify.algorithms.pg.constants.margin_bounds` (derivation
    in ``certify/proofs/pg_constants.py``, **derived**), refuses a stored value below the recomputed
    one, and decides the sign of beta exactly.  The bounds depend on the MDP only through
    gamma and the span of R, so P is not stored.  Then W2(nu_t, nu*) <= exp(-beta t)
    W2(nu_0, nu*) (seed 004 theorem).

``pg-tabular-step``
    Claim: the step size eta satisfies eta <= 1 / beta_s, the smoothness constant of
    Mei, Xiao, Szepesvari and Schuurmans (ICML 2020, Lemma 14, **reconstruction** for a
    reference measure and rewards of any range), so their Theorem 6 (linear convergence of
    exact entropy-regularised softmax PG) applies.  Witness: gamma, R, tau, mu, eta and the
    bound beta_s_bar; ``verify()`` recomputes beta_s with
    :func:`certify.algorithms.pg.tabular.smoothness_bound_exact` and checks beta_s <= beta_s_bar and
    eta beta_s_bar <= 1 exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from certify.certificates.base import Certificate, CheckResult, register
from certify.certificates.ntk import exact_from_json, exact_json, exact_json_array
from certify.exact import as_fraction, round_down_float, round_up_float
from certify.exact.printing import fmt_lower, fmt_upper
from certify.verdict import Verdict

#: Ingredients of the mean-field bounds stored in the witness (attribute names of
#: :class:`certify.algorithms.pg.constants.MeanFieldConstants`); each must be >= its recomputed value.
INGREDIENTS: tuple[str, ...] = ("delta", "weight_l1", "hess_f", "grad_f_sq", "lam")


def _rewards(r: np.ndarray) -> list[list[Fraction]]:
    return [[as_fraction(x) for x in row] for row in np.asarray(r, dtype=object)]


def _bad_rewards(r: np.ndarray) -> str | None:
    """Why ``r`` is not a non-empty (states, actions) table of rewards, or None."""
    arr = np.asarray(r, dtype=object)
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        return f"R has shape {arr.shape}; expected (n_states, n_actions) with both >= 1"
    return None


def _span(r: np.ndarray) -> Fraction:
    flat = [x for row in _rewards(r) for x in row]
    return max(flat) - min(flat)


def _refuse(reason: str, diag: dict) -> CheckResult:
    return CheckResult(Verdict.INCONCLUSIVE, f"certificate refused: {reason}", diag)


@register
@dataclass(frozen=True, eq=False)
class MeanFieldMarginCertificate(Certificate):
    """beta = sigma^2 kappa / 2 - C2_bar - L_bar > 0 with C2_bar, L_bar proven upper bounds."""

    gamma: Fraction
    rewards: np.ndarray
    tau: Fraction
    width: int
    sigma: Fraction
    kappa: Fraction
    c2_bar: Fraction
    l_bar: Fraction
    ingredients: dict
    _solver: dict | None = None
    P: np.ndarray | None = None  # with mu, rho, budget: the problem-specific bounds
    mu: np.ndarray | None = None
    rho: np.ndarray | None = None
    budget: int = 0

    kind = "pg-meanfield-margin"
    subject_fields = ("gamma", "R", "tau", "width", "sigma", "kappa")

    @classmethod
    def from_meanfield(cls, mf, consts) -> MeanFieldMarginCertificate:
        """The certificate of :func:`certify.algorithms.pg.constants.bound_constants` ``consts`` for
        ``mf``."""
        sc = getattr(consts, "structured", None)
        extra = () if sc is None else (np.asarray(mf.mdp.P, dtype=float),
                                       np.asarray(mf.mu, dtype=float),
                                       np.asarray(mf.rho, dtype=float), int(sc.budget))
        method = ("derived closed-form bounds (certify.algorithms.pg.constants)" if sc is None else
                  "min of the closed forms and the problem-specific bounds "
                  "(certify.algorithms.pg.structured_constants)")
        return cls(as_fraction(mf.mdp.gamma), np.asarray(mf.mdp.R, dtype=float),
                   as_fraction(mf.tau), mf.width, as_fraction(mf.sigma), as_fraction(mf.kappa),
                   consts.c2, consts.lip, {k: getattr(consts, k) for k in INGREDIENTS},
                   {"method": method}, *extra)

    def _structured(self) -> tuple[str | None, object]:
        """Re-run the problem-specific bounds on the stored P, R, mu, rho (or say why not)."""
        from certify.algorithms.pg.structured_constants import structured_constants
        from certify.mdp.finite import FiniteMDP

        try:
            mdp = FiniteMDP(np.asarray(self.P, dtype=float), np.asarray(self.rewards, dtype=float),
                            float(self.gamma), name="certificate", layout="SAS")
        except (ValueError, TypeError) as exc:
            return f"P, R do not form an MDP: {exc}", None
        mu, rho = np.asarray(self.mu, dtype=float), np.asarray(self.rho, dtype=float)
        if mu.shape != (mdp.n_actions,) or np.any(mu <= 0) or rho.shape != (mdp.n_states,) \
                or np.any(rho < 0):
            return "mu or rho has the wrong shape or sign", None
        if isinstance(self.budget, bool) or not isinstance(self.budget, int) or \
                not 1 <= self.budget <= 10**7:
            return f"budget = {self.budget!r} is not an integer in [1, 1e7]", None
        sc = structured_constants(mdp, float(self.tau), mu, rho, self.width, self.budget)
        if sc is None:
            return "the problem-specific bounds need two actions and at most 3 states", None
        return None, sc

    @property
    def margin(self) -> Fraction:
        return self.sigma ** 2 * self.kappa / 2 - self.c2_bar - self.l_bar

    def claim(self) -> str:
        bounds = f"(C2 <= {fmt_upper(self.c2_bar, 8)}, L <= {fmt_upper(self.l_bar, 8)})"
        if self.margin > 0:
            return (f"mean-field PG margin beta = sigma^2 kappa/2 - C2 - L >= "
                    f"{fmt_lower(self.margin, 8)} > 0 {bounds}")
        # never print "beta >= (negative) > 0": a non-positive margin claims nothing
        return (f"mean-field PG margin beta = sigma^2 kappa/2 - C2 - L >= "
                f"{fmt_lower(self.margin, 8)} (not > 0: the sufficient condition fails) {bounds}")

    def verify(self) -> CheckResult:
        from certify.algorithms.pg.constants import margin_bounds

        g = self.gamma
        if not (0 <= g < 1) or self.tau <= 0 or self.sigma <= 0 or self.kappa <= 0 \
                or self.width < 1:
            return _refuse(f"parameters out of range (gamma = {g}, tau = {self.tau}, sigma = "
                           f"{self.sigma}, kappa = {self.kappa}, width = {self.width})", {})
        if (why := _bad_rewards(self.rewards)) is not None:
            return _refuse(why, {})
        c = margin_bounds(g, _span(self.rewards), self.tau, self.width, self.sigma, self.kappa)
        if self.P is not None:
            from dataclasses import replace

            why, sc = self._structured()
            if why is not None:
                return _refuse(why, {})
            c = replace(c, c2=min(c.c2, sc.c2), lip=min(c.lip, sc.lip))
        diag = {"c2_recomputed": str(c.c2), "l_recomputed": str(c.lip),
                "beta": str(self.margin), "beta_float": round_down_float(self.margin)}
        for name in INGREDIENTS:
            if name not in self.ingredients:
                return _refuse(f"ingredient {name!r} missing from the witness", diag)
            if as_fraction(self.ingredients[name]) < getattr(c, name):
                return _refuse(f"ingredient {name} = {self.ingredients[name]} is below its "
                               f"recomputed value {getattr(c, name)}", diag)
        if self.c2_bar < c.c2:
            return _refuse(f"C2_bar = {self.c2_bar} is below the recomputed bound {c.c2}", diag)
        if self.l_bar < c.lip:
            return _refuse(f"L_bar = {self.l_bar} is below the recomputed bound {c.lip}", diag)
        if self.margin <= 0:
            return _refuse(f"beta = sigma^2 kappa/2 - C2_bar - L_bar = {fmt_upper(self.margin, 8)} "
                           "is not > 0",
                           diag)
        return CheckResult(Verdict.CERTIFIED,
                           "bounds recomputed exactly from the data; beta > 0 exactly", diag)

    def witness_dict(self) -> dict:
        return {"gamma": exact_json(self.gamma), "R": exact_json_array(self.rewards),
                "tau": exact_json(self.tau), "width": self.width,
                "sigma": exact_json(self.sigma), "kappa": exact_json(self.kappa),
                "c2_bar": str(self.c2_bar), "l_bar": str(self.l_bar),
                "ingredients": {k: str(as_fraction(v)) for k, v in self.ingredients.items()},
                **({} if self.P is None else {
                    "P": exact_json_array(self.P), "mu": exact_json_array(self.mu),
                    "rho": exact_json_array(self.rho), "budget": self.budget})}

    @classmethod
    def from_dict(cls, data: dict) -> MeanFieldMarginCertificate:
        w = data["witness"]
        width = w["width"]
        if isinstance(width, bool) or not isinstance(width, int):
            raise ValueError(f"width must be an integer, found {width!r}")
        return cls(as_fraction(w["gamma"]), exact_from_json(w["R"]), as_fraction(w["tau"]),
                   width, as_fraction(w["sigma"]), as_fraction(w["kappa"]),
                   as_fraction(w["c2_bar"]), as_fraction(w["l_bar"]),
                   {k: as_fraction(v) for k, v in dict(w["ingredients"]).items()},
                   data.get("solver"),
                   *((exact_from_json(w["P"]), exact_from_json(w["mu"]),
                      exact_from_json(w["rho"]), w.get("budget", 0)) if "P" in w else ()))


@register
@dataclass(frozen=True, eq=False)
class TabularStepCertificate(Certificate):
    """eta <= 1 / beta_s for exact entropy-regularised softmax PG on this MDP."""

    gamma: Fraction
    rewards: np.ndarray
    tau: Fraction
    mu: np.ndarray
    eta: Fraction
    beta_s_bar: Fraction
    _solver: dict | None = None
    P: np.ndarray | None = None  # set for the problem-specific bound (two actions)
    rho: np.ndarray | None = None
    budget: int = 0

    kind = "pg-tabular-step"
    subject_fields = ("gamma", "R", "tau", "mu", "eta")

    @classmethod
    def from_problem(cls, mdp, tau: float, mu: np.ndarray, eta: float,
                     rho: np.ndarray | None = None, beta: Fraction | None = None,
                     budget: int = 0) -> TabularStepCertificate:
        """The step certificate for ``mdp`` with the validated reference measure ``mu``.

        With ``beta`` (the problem-specific bound of :mod:`certify.algorithms.pg.local_rate`, computed
        with ``budget`` boxes for initial distribution ``rho``) the witness also stores P and
        rho, and ``verify()`` re-runs that branch and bound; otherwise Mei's closed form.
        """
        from certify.algorithms.pg.tabular import smoothness_bound

        if beta is not None and rho is not None:
            return cls(as_fraction(mdp.gamma), np.asarray(mdp.R, dtype=float), as_fraction(tau),
                       np.asarray(mu, dtype=float), as_fraction(eta), beta,
                       {"method": "problem-specific Hessian supremum (certify.algorithms.pg.local_rate)"},
                       np.asarray(mdp.P, dtype=float), np.asarray(rho, dtype=float), int(budget))
        return cls(as_fraction(mdp.gamma), np.asarray(mdp.R, dtype=float), as_fraction(tau),
                   np.asarray(mu, dtype=float), as_fraction(eta), smoothness_bound(mdp, tau, mu),
                   {"method": "reconstructed closed form (certify.algorithms.pg.tabular.smoothness_bound)"})

    def claim(self) -> str:
        # the proven eta <= 1/beta_s holds for every smaller eta: eta is printed rounded down
        if self.eta * self.beta_s_bar > 1:  # say so rather than claim what fails
            return (f"softmax PG step eta = {fmt_upper(self.eta, 10)} exceeds 1/beta_s_bar "
                    f"(beta_s <= {fmt_upper(self.beta_s_bar, 8)}): the step condition fails")
        return (f"softmax PG step eta = {fmt_lower(self.eta, 10)} <= 1/beta_s "
                f"(beta_s <= {fmt_upper(self.beta_s_bar, 8)})")

    def verify(self) -> CheckResult:
        from certify.algorithms.pg.tabular import smoothness_bound_exact

        if (why := _bad_rewards(self.rewards)) is not None:
            return _refuse(why, {})
        r = _rewards(self.rewards)
        mu = [as_fraction(m) for m in np.asarray(self.mu, dtype=object)]
        if not (0 <= self.gamma < 1) or self.tau <= 0 or self.eta <= 0:
            return _refuse(f"parameters out of range (gamma = {self.gamma}, tau = {self.tau}, "
                           f"eta = {self.eta})", {})
        if not mu or any(m <= 0 for m in mu) or any(len(row) != len(mu) for row in r):
            return _refuse(f"mu = {[str(m) for m in mu]} is not a positive weight over the "
                           "actions of R (the bound needs ln mu finite)", {})
        beta_s = smoothness_bound_exact(r, self.gamma, self.tau, mu)
        if self.P is not None:
            why, beta_p = self._problem_beta()
            if why is not None:
                return _refuse(why, {})
            beta_s = min(beta_s, beta_p)
        diag = {"beta_s_recomputed": str(beta_s), "beta_s_float": round_up_float(beta_s),
                "eta_times_beta_s_bar": str(self.eta * self.beta_s_bar)}
        if self.beta_s_bar < beta_s:
            return _refuse(f"beta_s_bar = {self.beta_s_bar} is below the recomputed bound "
                           f"{beta_s}", diag)
        if self.eta * self.beta_s_bar > 1:
            return _refuse(f"eta * beta_s_bar = {float(self.eta * self.beta_s_bar)!r} > 1", diag)
        return CheckResult(Verdict.CERTIFIED, "beta_s recomputed exactly from the data; "
                           "eta * beta_s <= 1 exactly", diag)

    def _problem_beta(self) -> tuple[str | None, Fraction]:
        """Re-run the problem-specific branch and bound on the stored P, R, mu, rho."""
        from certify.algorithms.pg.local_rate import smoothness
        from certify.mdp.finite import FiniteMDP

        try:
            mdp = FiniteMDP(np.asarray(self.P, dtype=float), np.asarray(self.rewards, dtype=float),
                            float(self.gamma), name="certificate", layout="SAS")
        except (ValueError, TypeError) as exc:
            return f"P, R do not form an MDP: {exc}", Fraction(0)
        rho = np.asarray(self.rho, dtype=float)
        if rho.shape != (mdp.n_states,) or np.any(rho < 0):
            return "rho is not a distribution over the states", Fraction(0)
        if isinstance(self.budget, bool) or not isinstance(self.budget, int) or \
                not 1 <= self.budget <= 10**6:
            return f"budget = {self.budget!r} is not an integer in [1, 1e6]", Fraction(0)
        res = smoothness(mdp, float(self.tau), np.asarray(self.mu, dtype=float), rho,
                         self.budget)
        if res is None:
            return "the problem-specific bound needs two actions and at most 3 states", \
                Fraction(0)
        return None, res[0]

    def witness_dict(self) -> dict:
        out = {"gamma": exact_json(self.gamma), "R": exact_json_array(self.rewards),
               "tau": exact_json(self.tau), "mu": exact_json_array(self.mu),
               "eta": exact_json(self.eta), "beta_s_bar": str(self.beta_s_bar)}
        if self.P is not None:
            out.update(P=exact_json_array(self.P), rho=exact_json_array(self.rho),
                       budget=self.budget)
        return out

    @classmethod
    def from_dict(cls, data: dict) -> TabularStepCertificate:
        w = data["witness"]
        extra = ((exact_from_json(w["P"]), exact_from_json(w["rho"]), w.get("budget", 0))
                 if "P" in w else ())
        return cls(as_fraction(w["gamma"]), exact_from_json(w["R"]), as_fraction(w["tau"]),
                   exact_from_json(w["mu"]), as_fraction(w["eta"]),
                   as_fraction(w["beta_s_bar"]), data.get("solver"), *extra)
