"""The seed's illustration runs (quick mode) and its table has the right shape and order."""

from __future__ import annotations

import pytest

from tests.helpers import load_example


def test_seed_sls_illustration_quick(tmp_path):
    mod = load_example("seed_sls_illustration")
    rows = mod.main(["--quick", "--alphas", "0.5", "1.0", "-o", str(tmp_path / "fig.png")])
    assert (tmp_path / "fig.png").stat().st_size > 1000
    for r in rows:
        # row-sum rate closed form 1 - alpha d_min (1 - gamma), d_min = 0.1, gamma = 0.9
        assert r["row_sum"] == pytest.approx(1 - r["alpha"] * 0.01)
        # finite-product estimate is a lower bound of the exact JSR (certified upper bound)
        assert r["finite_product"] <= r["certified"] + 1e-12 < r["row_sum"]
        assert r["verdict"] == "consistent"
