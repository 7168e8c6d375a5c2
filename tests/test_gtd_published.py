"""examples/gtd_momentum_published.py: the episodic problems of the GTD literature, closed forms
of their mean-field quantities, the reading of Table 1, and the quick run."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from certify.algorithms.td.stepsizes import ratio_fact
from tests.helpers import load_example


def _load():
    return load_example("gtd_momentum_published")


MOD = _load()


def test_random_walk_closed_forms():
    env = MOD.random_walk("tabular")
    td, visits = env.quantities()
    # expected visits from C on the 5-state walk absorbed at both ends: 1, 2, 3, 2, 1
    assert visits == pytest.approx([1, 2, 3, 2, 1])
    assert td.theta_star == pytest.approx(np.arange(1, 6) / 6)  # true values 1/6 .. 5/6
    # RMSPBE at 0 with tabular features: sqrt(mu_E (1/2)^2) = sqrt(1/9 / 4) = 1/6
    assert np.sqrt(td.mspbe(np.zeros(5))) == pytest.approx(1 / 6)
    inv = MOD.random_walk("inverted")
    t, _ = inv.quantities()
    assert inv.phi @ t.theta_star == pytest.approx(np.arange(1, 6) / 6)  # full rank: exact
    dep = MOD.random_walk("dependent")
    t, _ = dep.quantities()
    assert dep.phi.shape == (5, 3) and np.linalg.norm(dep.phi, axis=1) == pytest.approx(1)
    assert t.mspbe(t.theta_star) == pytest.approx(0, abs=1e-24)  # the TD fixed point


def test_boyan_closed_forms():
    env = MOD.boyan_chain()
    td, visits = env.quantities()
    assert env.phi.shape == (12, 4) and env.start == 11
    # V(s) = -2 s is represented exactly: theta* = V at the peaks 12, 8, 4, 0
    assert td.theta_star == pytest.approx([-24, -16, -8, 0])
    assert td.mspbe(td.theta_star) == pytest.approx(0, abs=1e-20)


def test_table_readings():
    row = MOD.TABLE["random-walk"]
    assert MOD.printed_exponents("tdc-m3", row) == (0.4, 0.4, 0.5)
    assert MOD.printed_exponents("gtd2-m4", row) == (0.4, 0.4, 0.25, 0.5)
    assert MOD.exponents_for("gtd2-m4", row, "ordered") == (0.4, 0.45, 0.5, 0.55)
    assert MOD.exponents_for("tdc", row, "ordered") == (0.4, 0.45)
    for key, r in MOD.TABLE.items():
        for algo in MOD.ALGOS:
            printed = MOD.printed_exponents(algo, r)
            ordered = MOD.exponents_for(algo, r, "ordered")
            assert (MOD.ordering_holds(printed), MOD.ordering_holds(ordered)) == (
                len(printed) == 1, True), (key, algo)
            # agrees with the checker's symbolic ratio test
            for a, b in zip(ordered, ordered[1:], strict=False):
                assert ratio_fact(Fraction(str(a)), Fraction(str(b)), 1).holds


def test_matched_control_steps():
    c = MOD.Config("tdc-m4", (0.35, 0.4, 0.45, 0.5), 0.25)
    m = MOD.matched_vanilla(c)
    assert (m.algo, m.exponents, m.scales, m.name) == ("tdc", (0.45, 0.5), (4.0, 4.0), "tdc@m4")


def test_quick_run(tmp_path, capsys):
    res = MOD.main(["--quick", "-o", str(tmp_path / "fig.png")])
    assert (tmp_path / "fig.png").stat().st_size > 1000
    assert [(r["panel"], r["reading"]) for r in res] == [
        ("rw-tabular", "printed"), ("boyan", "printed"), ("rw-tabular", "ordered"),
        ("boyan", "ordered")]
    for r in res:
        v = r["rmspbe"]
        assert v.shape == (len(MOD.ALGOS) + 4, 5, 26)
        assert np.all(np.isfinite(v)) and not r["diverged"].any()
        start = 1 / 6 if r["panel"] == "rw-tabular" else v[0, 0, 0]
        assert v[:, :, 0] == pytest.approx(start)
        # TD(0) learns on both problems within 25 episodes
        assert v[0, :, -1].mean() < 0.5 * start
    out = capsys.readouterr().out
    assert "reading 'ordered'" in out and "tdc@m3" in out


def test_check_on_the_episodic_chain():
    """The ordered reading passes the ordering part of (A:3) and fails only square
    summability; the printed one fails the ordering too; the levels are Hurwitz."""
    env = MOD.boyan_chain()
    row = MOD.TABLE["boyan"]
    verdict, failing = MOD.check_config(env, MOD.Config("tdc-m3", MOD.exponents_for(
        "tdc-m3", row, "ordered"), 0.25))
    assert verdict == "inconclusive"
    assert failing == [f"(A:3) sum a_{i}(n)^2 < inf" for i in (1, 2, 3)]
    verdict, failing = MOD.check_config(env, MOD.Config("tdc-m3", MOD.exponents_for(
        "tdc-m3", row, "printed"), 0.25))
    assert verdict == "inconclusive" and "(A:3) a_2(n)/a_1(n) -> 0" in failing
    assert not [f for f in failing if f.startswith(("(B", "(C"))]
