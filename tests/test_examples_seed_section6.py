"""examples/seed_section6.py (quick mode): the seed's Section 6 instance, its table and figure."""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import load_example


def _load():
    return load_example("seed_section6")


def test_instance_is_the_seeds():
    mod = _load()
    p = mod.seed_instance()
    P = p.mdp.P
    assert np.all(P == P[0, 0])  # identical transition rows for every pair
    # d = (0.1, 0.2, 0.3, 0.4) in the seed's action-major order, state-major here
    assert p.sampling.d.tolist() == [0.1, 0.3, 0.2, 0.4]
    from certify.mdp.bellman import q_star

    q = q_star(p.mdp)[0]
    assert q[:, 0] == pytest.approx([10.0, 10.0]) and q[:, 1] == pytest.approx([9.0, 9.0])


def test_seed_section6_quick(tmp_path):
    mod = _load()
    rows = mod.main(["--quick", "--alphas", "0.25", "0.5", "-o", str(tmp_path / "fig.png")])
    assert (tmp_path / "fig.png").stat().st_size > 1000
    for r in rows:
        # row-sum rate 1 - alpha d_min (1 - gamma) with d_min = 0.1, gamma = 0.9
        assert r["row_sum"] == pytest.approx(1 - r["alpha"] * 0.01)
        # identical rows: one member attains the JSR, so the finite-product estimate meets it
        assert r["jsr_lower"] - 1e-12 <= r["finite_product"] <= r["jsr_upper"] + 1e-12
        assert r["jsr_upper"] < r["row_sum"]
        # the certified mean-square bound holds and binds (trivial 2 (1 + 0.5) / 0.1 = 30)
        assert r["trivial"] == pytest.approx(30.0)
        assert r["rms"] <= r["bound"] < r["trivial"] and r["verdict"] == "certified"
