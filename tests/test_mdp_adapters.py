"""Arrays as people have them (issue 19, item 4): pymdptoolbox's (A, S, S) layout, named
layouts in code and files, float32 data by opt-in renormalisation, Gymnasium's P dict."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse as sp

from certify.cli import main
from certify.errors import InvalidMDP
from certify.mdp.bellman import q_star
from certify.mdp.finite import FiniteMDP
from certify.mdp.io import load_problem


def q_by_value_iteration_ass(P_ass: np.ndarray, R: np.ndarray, gamma: float) -> np.ndarray:
    """Q* straight from pymdptoolbox's arrays (P[a, s, s'], R[s, a]), written with loops."""
    A, S, _ = P_ass.shape
    Q = np.zeros((S, A))
    for _ in range(3000):
        V = Q.max(axis=1)
        Q = np.array([[R[s, a] + gamma * sum(P_ass[a, s, t] * V[t] for t in range(S))
                       for a in range(A)] for s in range(S)])
    return Q


@pytest.fixture
def toolbox():
    rng = np.random.default_rng(7)
    P = rng.dirichlet(np.ones(3) * 0.5, size=(3, 3))  # (A, S, S) with S = A = 3
    R = rng.uniform(-1, 1, size=(3, 3))  # (S, A)
    return P, R, 0.8


def test_from_mdptoolbox_square_is_read_right(toolbox):
    P, R, g = toolbox
    ref = q_by_value_iteration_ass(P, R, g)
    q, _ = q_star(FiniteMDP.from_mdptoolbox(P, R, g))
    assert np.allclose(q, ref, atol=1e-9)
    # the silent misreading the layout argument prevents: same shape, different Q*
    q_wrong, _ = q_star(FiniteMDP(P, R, g, layout="SAS"))  # the misreading, now asked for
    assert not np.allclose(q_wrong, ref, atol=1e-3)
    q_named, _ = q_star(FiniteMDP.from_arrays(P, R, g, layout="ASS"))
    assert np.allclose(q_named, ref, atol=1e-9)


def test_ambiguous_arrays_without_layout_are_refused(toolbox):
    P, R, g = toolbox
    with pytest.raises(InvalidMDP, match="layout"):
        FiniteMDP.from_arrays(P, R, g)
    with pytest.raises(InvalidMDP, match="layout = 'SSA'"):
        FiniteMDP.from_arrays(P, R, g, layout="SSA")
    # S != A: the shape decides, no layout needed; an (A, S, S) array gets a hint
    P2 = np.full((2, 3, 3), 1 / 3)
    with pytest.raises(InvalidMDP, match="layout='ASS'"):
        FiniteMDP(P2, np.zeros((3, 2)), 0.5)
    assert FiniteMDP.from_arrays(P2, np.zeros((3, 2)), 0.5, layout="ASS").n_actions == 2


def test_mdptoolbox_reward_shapes_and_sparse(toolbox):
    P, R, g = toolbox
    base = FiniteMDP.from_mdptoolbox(P, R, g)
    sparse = FiniteMDP.from_mdptoolbox([sp.csr_matrix(m) for m in P], R, g)
    assert np.array_equal(base.P, sparse.P)
    vec = FiniteMDP.from_mdptoolbox(P, np.array([1.0, 2.0, 3.0]), g)
    assert np.array_equal(vec.R, [[1, 1, 1], [2, 2, 2], [3, 3, 3]])
    # reward per transition R[a, s, s'] = s': expected reward sum_s' P[a, s, s'] s'
    Rass = np.broadcast_to(np.arange(3.0), (3, 3, 3))
    per = FiniteMDP.from_mdptoolbox(P, Rass, g)
    assert np.allclose(per.R, (P @ np.arange(3.0)).T)
    with pytest.raises(InvalidMDP, match=r"\(S, A\)"):
        FiniteMDP.from_mdptoolbox(P, np.zeros((4, 4)), g)


def test_float32_only_by_opt_in():
    rng = np.random.default_rng(3)
    P = rng.dirichlet(np.ones(5), size=(5, 2)).astype(np.float32)
    assert np.abs(P.astype(float).sum(axis=-1) - 1).max() > 1e-9  # float32 rounding
    R = np.zeros((5, 2))
    with pytest.raises(InvalidMDP, match="renormalize=1e-6"):
        FiniteMDP(P, R, 0.9)
    m = FiniteMDP(P, R, 0.9, renormalize=1e-6)
    assert 1e-9 < m.renormalized <= 1e-6
    assert np.abs(m.P.sum(axis=-1) - 1).max() <= 1e-15
    bad = P.astype(float)
    bad[0, 0, 0] += 1e-3
    with pytest.raises(InvalidMDP, match="not a rounding error"):
        FiniteMDP(bad, R, 0.9, renormalize=1e-6)
    with pytest.raises(InvalidMDP, match="renormalize = 0.5"):
        FiniteMDP(P, R, 0.9, renormalize=0.5)


def test_from_gymnasium_hand_built_dict():
    # 0 --a0--> 1 --any--> goal (reward 1, terminated); a1 in 0 stays put with reward 0
    table = {0: {0: [(1.0, 1, 0.0, False)], 1: [(1.0, 0, 0.0, False)]},
             1: {0: [(1.0, 2, 1.0, True)], 1: [(0.5, 2, 1.0, True), (0.5, 0, 0.0, False)]},
             2: {0: [(1.0, 2, 0.0, True)], 1: [(1.0, 2, 0.0, True)]}}
    env = SimpleNamespace(unwrapped=SimpleNamespace(
        P=table, observation_space=SimpleNamespace(n=3), action_space=SimpleNamespace(n=2),
        spec=SimpleNamespace(id="Chain-v0")))
    g = 0.9
    m = FiniteMDP.from_gymnasium(env, g)
    assert m.n_states == 4 and m.states[-1] == "terminal" and m.name == "Chain-v0"
    q, _ = q_star(m)
    # episodic values: Q(1, a0) = 1, Q(0, a0) = g, Q(1, a1) = 0.5 + 0.5 g Q(0, a0)
    assert np.isclose(q[1, 0], 1.0) and np.isclose(q[0, 0], g)
    assert np.isclose(q[1, 1], 0.5 + 0.5 * g * g)
    assert np.allclose(q[2], 0.0) and np.allclose(q[3], 0.0)
    kept = FiniteMDP.from_gymnasium(env, g, terminal="ignore")
    assert kept.n_states == 3
    with pytest.raises(InvalidMDP, match="no entry for action 1"):
        FiniteMDP.from_gymnasium(SimpleNamespace(P={0: {0: [(1.0, 0, 0.0, False)]}},
                                                 action_space=SimpleNamespace(n=2)), g)


def test_file_layout_field(toolbox, tmp_path, capsys):
    P, R, g = toolbox
    doc = {"gamma": g, "P": P.tolist(), "R": R.tolist(), "layout": "ASS"}
    (tmp_path / "m.json").write_text(json.dumps(doc))
    ref = FiniteMDP.from_mdptoolbox(P, R, g)
    assert np.array_equal(load_problem(tmp_path / "m.json").mdp.P, ref.P)
    np.savez(tmp_path / "amb.npz", P=P, R=R, gamma=np.array(g))
    assert main(["qlearning", str(tmp_path / "amb.npz"), "--alpha", "0.5"]) == 2
    assert "layout" in capsys.readouterr().err
    np.savez(tmp_path / "ok.npz", P=P, R=R, gamma=np.array(g), layout=np.array("ASS"))
    assert np.array_equal(load_problem(tmp_path / "ok.npz").mdp.P, ref.P)
    (tmp_path / "bad.json").write_text(json.dumps({**doc, "layout": "xyz"}))
    assert main(["qlearning", str(tmp_path / "bad.json"), "--alpha", "0.5"]) == 2
    assert "layout" in capsys.readouterr().err


def test_mdptoolbox_float32_needs_opt_in(toolbox):
    P, R, g = toolbox
    P32 = np.random.default_rng(5).dirichlet(np.ones(7), size=(2, 7)).astype(np.float32)
    with pytest.raises(InvalidMDP, match="float32"):
        FiniteMDP.from_mdptoolbox(P32, np.zeros((7, 2)), g)
    m = FiniteMDP.from_mdptoolbox(P32, np.zeros((7, 2)), g, renormalize=1e-6)
    assert m.n_states == 7 and m.n_actions == 2 and m.renormalized <= 1e-6


@pytest.mark.parametrize("table,match", [
    ({0: {0: [("x", 0, 0.0, False)]}}, "probability and reward must be numbers"),
    ({0: {0: [(1.0, None, 0.0, False)]}}, "next state None is not an integer"),
    ({0: {0: [(1.0, 0.5, 0.0, False)]}}, "next state 0.5 is not an integer"),  # not cut to 0
    ({0: {0: [(1.0, 0)]}}, r"expected \(prob, next_state, reward, terminated\) tuples"),
    ({0: [[(1.0, 0, 0.0, False)]]}, "expected a dict {action"),
    ({0: {0: 7}}, "expected a list of"),
])
def test_gymnasium_table_errors_are_one_line(table, match):
    """Malformed P tables (hand-built or from other toolkits) are refused by InvalidMDP, not
    by a TypeError from inside the adapter."""
    with pytest.raises(InvalidMDP, match=match):
        FiniteMDP.from_gymnasium(SimpleNamespace(P=table), 0.9)
