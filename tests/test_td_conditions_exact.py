"""The N-timescale checker decides its verdict exactly, never on a float rank."""

from __future__ import annotations

import dataclasses

import numpy as np

from certify.algorithms.td.analysis import analyze_sa
from certify.algorithms.td.linear import from_problem
from certify.mdp import load_problem


def _ill_conditioned_walk():
    # two nearly dependent features: Phi has full rank, but C = Phi^T M Phi has a condition
    # number near 1e18, so a float rank test calls C (hence L_1 = -C) singular.
    p = load_problem("random-walk-5")
    one = np.ones(5)
    phi = np.stack([one, one + 1e-9 * np.eye(5)[4]], axis=1)
    return dataclasses.replace(p, features=phi)


def test_float_rank_does_not_refute_an_exactly_nonsingular_level():
    p = _ill_conditioned_walk()
    td = from_problem(p)
    assert td.C_exact.det() != 0 and td.A_exact.det() != 0
    assert np.linalg.matrix_rank(td.C) < 2  # the float rank test is wrong here
    # exactly: L_1 = -C is Hurwitz (C > 0), L_2 = -A^T C^{-1} A is Hurwitz (A nonsingular)
    res = analyze_sa("gtd2", p, "0.6,0.7")
    levels = {c.name: c.holds for c in res.conditions}
    assert levels["(C.2.1)"] is True and levels["(C.2.2)"] is True, res.failing
    assert res.verdict.value == "certified"


def test_float_only_levels_are_never_refuted_on_a_float_rank():
    # above the exact size limit nothing about the levels is proven: undecided, not "fails"
    from fractions import Fraction as F

    from certify.algorithms.td.algorithms import get_algorithm
    from certify.algorithms.td.conditions import check_conditions

    td = from_problem(_ill_conditioned_walk(), exact=False)
    conds, _ = check_conditions(get_algorithm("gtd2"), td, (F(3, 5), F(7, 10)), 1.0)
    for c in conds:
        if c.name.startswith(("(B", "(C")):
            assert c.holds is None, (c.name, c.detail)


def test_undecided_series_is_not_reported_as_divergent(monkeypatch):
    # if sympy cannot decide a series, (A:3) must be undecided, never "holds"
    import sympy as sp

    from certify.algorithms.td.stepsizes import series_facts

    monkeypatch.setattr(sp.Sum, "is_convergent", lambda self: None)
    from fractions import Fraction as F

    facts = series_facts(F(3, 5), 1)
    assert all(f.holds is None for f in facts), [(f.name, f.holds) for f in facts]
