"""examples/dqn_frozenlake.py: a torch DQN on FrozenLake 4x4 checked by Theorem 2 along training."""

from __future__ import annotations

import pytest

from tests.helpers import load_example

pytest.importorskip("torch")


def _example():
    return load_example("dqn_frozenlake", "dqn_frozenlake_example")


def _check_rows(rows):
    for row in rows:
        e = row["env"]
        assert e["n"] == 64 and e["n_states"] == 16 and e["kind"] == "multi-head"
        assert e["framework"] == "torch" and e["n_params"] == 16 * 32 + 32 + 32 * 4 + 4
        # the exact beta is the largest float row modulus, up to rounding
        assert e["beta"] == pytest.approx(e["worst_rows"][0]["beta_row"], rel=1e-12)
        # (17) holds on a row iff its dominance ratio is <= 1; the worst rows fail it here
        assert e["condition_17"]["holds"] is False and e["verdict"] == "inconclusive"
        assert e["worst_rows"][0]["dominance_ratio"] > 1
        # a greedy policy is never better than the optimal one
        assert row["greedy_value"] <= row["v_star"] + 1e-12
        assert e["training"]["steps_run"] == 200 and e["training"]["diverged"] is False
        if "buffer" in row:
            b = row["buffer"]
            assert b["n_actions"] == 4 and b["n"] == 4 * b["n_states"] and b["n_states"] <= 16


def test_dqn_frozenlake_short(capsys):
    rows = _example().main(steps=600, checkpoints=(0, 600))
    assert [r["step"] for r in rows] == [0, 600] and "buffer" in rows[1]
    _check_rows(rows)
    assert "step   600" in capsys.readouterr().out


@pytest.mark.slow
def test_dqn_frozenlake_full():
    rows = _example().main(verbose=False)
    assert [r["step"] for r in rows] == [0, 1000, 2000, 3000]
    _check_rows(rows)
