"""Where rho and the targets come from, without torch or jax: Gym P dicts and replay buffers."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from certify.algorithms.ntk.gym_env import FROZENLAKE_4X4, env_mdp, frozenlake_p, mdp_from_gym_p
from certify.algorithms.ntk.model import env_targets
from certify.algorithms.ntk.replay import ReplayBuffer, buffer_targets, pair_of_state_features
from certify.errors import InvalidInput
from certify.mdp import q_star

# Two states, two actions: from 0, action 0 stays (r = 1), action 1 goes to 1 w.p. 1/2
# (r = 0) or ends the episode w.p. 1/2 (r = 2); state 1 ends the episode on every action (r = 5).
HAND_P = {
    0: {0: [(1.0, 0, 1.0, False)], 1: [(0.5, 1, 0.0, False), (0.5, 0, 2.0, True)]},
    1: {0: [(1.0, 1, 5.0, True)], 1: [(1.0, 0, 5.0, True)]},
}


def test_hand_built_dict_to_mdp():
    mdp = mdp_from_gym_p(HAND_P, 0.5, "hand")
    assert mdp.n_states == 3 and mdp.n_actions == 2 and mdp.states[-1] == "terminal"
    P = mdp.P
    np.testing.assert_array_equal(P[0, 0], [1, 0, 0])
    np.testing.assert_array_equal(P[0, 1], [0, 0.5, 0.5])
    np.testing.assert_array_equal(P[1, 0], [0, 0, 1])
    np.testing.assert_array_equal(P[1, 1], [0, 0, 1])
    np.testing.assert_array_equal(P[2], np.eye(3)[[2, 2]])
    np.testing.assert_array_equal(mdp.R, [[1, 1], [5, 5], [0, 0]])
    # Q*: V(1) = 5; Q(0,0) = 1 + V(0)/2, Q(0,1) = 1 + 0.5 * 0.5 * 5 = 2.25; V(0) = max(Q(0,0), 2.25)
    # Q(0,0) = 1 + V(0)/2 with V(0) = Q(0,0) gives 2 < 2.25, so V(0) = 2.25 and Q(0,0) = 2.125.
    q, _ = q_star(mdp)
    np.testing.assert_allclose(q, [[2.125, 2.25], [5, 5], [0, 0]], atol=1e-12)


def test_hand_built_dict_targets_pin_terminal():
    t = env_targets(HAND_P, 0.5)
    assert t.n_states == 2 and t.rho.tolist() == [0.25] * 4
    q = np.array([1.0, 3.0, 4.0, -2.0])  # Q(0,.) = (1, 3), Q(1,.) = (4, -2)
    # T*Q(0,0) = 1 + 0.5 * 3;  T*Q(0,1) = 0.5 * (0 + 0.5 * 4) + 0.5 * 2;  T*Q(1,.) = 5
    np.testing.assert_allclose(t.bellman(q), [2.5, 2.0, 5.0, 5.0])
    np.testing.assert_allclose(t.q_opt, [2.125, 2.25, 5, 5])


@pytest.mark.parametrize("bad, words", [
    ({}, "non-empty"),
    ({0: {0: [(1.0, 3, 0.0, False)]}}, "outside"),
    ({0: {0: [(1.0, 0)]}}, "expected (prob"),
    ({1: {0: [(1.0, 0, 0.0, False)]}}, "states 0..0"),
    ({0: {0: [(0.5, 0, 0.0, False)]}}, "sums to"),
])
def test_bad_dicts(bad, words):
    with pytest.raises(InvalidInput, match=None) as exc:
        mdp_from_gym_p(bad, 0.9)
    assert words in str(exc.value)


def test_frozenlake_model():
    p = frozenlake_p()
    assert len(p) == 16 and all(len(p[s]) == 4 for s in p)
    mdp, n_real = env_mdp("FrozenLake-v1", 0.9)
    assert n_real == 16 and mdp.n_states == 17
    # from the start, LEFT slips to LEFT (stay), DOWN (to 4) or UP (stay)
    np.testing.assert_allclose(mdp.P[0, 0, [0, 4]], [2 / 3, 1 / 3])
    # entering the goal from 14 by RIGHT (prob 1/3 when slippery) pays 1 and ends
    assert mdp.R[14, 2] == pytest.approx(1 / 3) and mdp.P[14, 2, 16] == pytest.approx(1 / 3)
    for hole in (5, 7, 11, 12, 15):
        np.testing.assert_array_equal(mdp.P[hole, :, 16], 1.0)


def test_deterministic_frozenlake_q_star():
    """Without slipping the shortest path from S to G has 6 moves: V*(0) = gamma^5."""
    mdp = mdp_from_gym_p(frozenlake_p(FROZENLAKE_4X4, slippery=False), 0.9)
    q, _ = q_star(mdp)
    assert q[0].max() == pytest.approx(0.9 ** 5, abs=1e-12)
    assert q[14, 2] == pytest.approx(1.0)


def test_unknown_env_without_gymnasium(monkeypatch):
    """Runs with gymnasium installed too (it is in the dev extra): the import is made to fail."""
    monkeypatch.setitem(sys.modules, "gymnasium", None)  # `import gymnasium` raises ImportError
    with pytest.raises(InvalidInput, match="gymnasium"):
        env_mdp("Taxi-v3", 0.9)
    mdp, n_real = env_mdp("FrozenLake-v1", 0.9)  # the built-in lake needs no gymnasium
    assert (mdp.n_states, n_real) == (17, 16)


def _buffer():
    # states ids 0..2, 2 actions; transitions (s, a, r, s', done)
    data = [(0, 0, 1.0, 1, False), (0, 0, 3.0, 2, False), (0, 1, 0.0, 0, True), (1, 1, 2.0, 0, False)]
    s, a, r, s2, d = (np.array(c) for c in zip(*data, strict=True))
    return ReplayBuffer(s, a, r.astype(float), s2, d.astype(bool))


def test_buffer_rho_and_targets():
    bt = buffer_targets(_buffer(), 0.5)
    assert bt.n_states == 3 and bt.n_actions == 2
    np.testing.assert_array_equal(bt.rho, [0.5, 0.25, 0, 0.25, 0, 0])
    np.testing.assert_array_equal(bt.features, np.eye(3))
    q = np.array([1.0, 2.0, 3.0, -1.0, 4.0, 0.0])  # Q(0) = (1, 2), Q(1) = (3, -1), Q(2) = (4, 0)
    # (0,0): mean(1 + 0.5 * 3, 3 + 0.5 * 4) = 3.75; (0,1): 0 (done); (1,1): 2 + 0.5 * 2 = 3
    np.testing.assert_allclose(bt.bellman(q), [3.75, 0.0, 0.0, 3.0, 0.0, 0.0])


def test_buffer_npz_and_features(tmp_path):
    b = _buffer()
    feats = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, -1.0]])
    np.savez(tmp_path / "b.npz", obs=feats[b.states], actions=b.actions, rewards=b.rewards,
             next_obs=feats[b.next_states], terminated=b.dones)
    bt = buffer_targets(ReplayBuffer.from_npz(tmp_path / "b.npz"), 0.5)
    np.testing.assert_array_equal(bt.features, feats)  # np.unique sorts rows: already sorted
    np.testing.assert_array_equal(bt.rho, [0.5, 0.25, 0, 0.25, 0, 0])
    np.savez(tmp_path / "bad.npz", states=b.states)
    with pytest.raises(InvalidInput, match="no array 'actions'"):
        ReplayBuffer.from_npz(tmp_path / "bad.npz")


@pytest.mark.parametrize("field, value, words", [
    ("actions", np.array([0, -1, 0, 0]), "integers >= 0"),
    ("rewards", np.array([0.0, np.nan, 0, 0]), "finite"),
    ("dones", np.array([True]), "shape (4,)"),
    ("states", np.array([0.5, 1, 2, 0]), "state ids"),
])
def test_bad_buffers(field, value, words):
    b = _buffer()
    kw = {f: getattr(b, f) for f in ("states", "actions", "rewards", "next_states", "dones")}
    kw[field] = value
    with pytest.raises(InvalidInput) as exc:
        ReplayBuffer(**kw)
    assert words in str(exc.value)


def test_pair_features_state_major():
    x = pair_of_state_features(np.array([[7.0], [8.0]]), 3)
    np.testing.assert_array_equal(x[:, 0], [7, 7, 7, 8, 8, 8])
    np.testing.assert_array_equal(x[:, 1:], np.tile(np.eye(3), (2, 1)))


def _python(code: str) -> str:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root,
                         env={"PYTHONPATH": str(root), "PATH": ""})
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_no_framework_imported_by_certify():
    assert _python("import sys, certify.algorithms.ntk, certify.cli.ntk, certify.algorithms.ntk.model\n"
                   "print('torch' in sys.modules, 'jax' in sys.modules)") == "False False"


def test_missing_extra_is_a_one_line_error():
    """With torch and jax unimportable, asking for them names the extra to install."""
    code = ("import sys\nsys.modules['torch'] = None\nsys.modules['jax'] = None\n"
            "from certify.algorithms.ntk.torch_model import require_torch\n"
            "from certify.algorithms.ntk.jax_model import require_jax\n"
            "for f in (require_torch, require_jax):\n"
            "    try:\n        f()\n    except ImportError as e:\n        print(e)\n")
    lines = _python(code).splitlines()
    assert lines == [f"this needs the optional package {name!r}, which is not installed: "
                     f"pip install 'certify[{name}]'" for name in ("torch", "jax")]


def test_gamma_checked_first():
    with pytest.raises(InvalidInput, match=r"gamma = 1.5 is outside \[0, 1\)"):
        mdp_from_gym_p(HAND_P, 1.5)
