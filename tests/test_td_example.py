"""examples/gtd_momentum.py (seed 003, Section 5.3) runs in quick mode with the table's shape."""

from __future__ import annotations

import numpy as np

from tests.helpers import load_example


def _load():
    return load_example("gtd_momentum")


def test_table_reading():
    mod = _load()
    rw = mod.TABLE["random-walk-5"]
    assert mod.timescale_exponents("gtd2", rw) == "0.4,0.4"
    assert mod.timescale_exponents("tdc-m3", mod.TABLE["boyan-chain"]) == "0.35,0.35,0.45"
    # four timescales: (xi, xi', varrho, varrho') -> iterates (v, y, u, theta)
    assert mod.timescale_exponents("gtd2-m4", rw) == "0.4,0.4,0.25,0.5"


def test_gtd_momentum_quick(tmp_path, capsys):
    mod = _load()
    res = mod.main(["--quick", "-o", str(tmp_path / "fig.png")])
    assert (tmp_path / "fig.png").stat().st_size > 1000
    assert set(res) == {"random-walk-5", "boyan-chain"}
    for rows in res.values():
        assert tuple(rows) == mod.ALGOS
        for _ex, chk, sim in rows.values():
            # the seed's exponents are below 1/2: not square summable, a failed sufficient
            # condition, so the check is inconclusive (not refuted)
            assert chk.verdict.value == "inconclusive"
            assert "(A:3) sum a_1(n)^2 < inf" in chk.failing
            assert sim.rmspbe_mean.shape == sim.times.shape and sim.times[-1] == 500
            assert np.all(np.isfinite(sim.rmspbe_mean)) and sim.diverged == 0
    # RMSPBE at theta = 0 on the tabular random walk: sqrt(b^T C^{-1} b) = sqrt(mu_E r_E^2) = 1/6
    assert abs(res["random-walk-5"]["gtd2"][2].rmspbe_mean[0] - 1 / 6) < 1e-12
    out = capsys.readouterr().out
    assert "boyan-chain" in out and "tdc-m4" in out and "inconclusive" in out
