"""An (S, S, S) transition array (as many states as actions) without a named layout is refused
in one line by every entry point that takes arrays: the constructor, from_arrays, YAML / JSON
/ NPZ files, sweep grids and claims files naming such a file.  The adapters that know their
layout (pymdptoolbox, Gymnasium) and the built-in problems are not refused.

Why: pymdptoolbox's P[a, s, s'] has the same shape as certify's P[s, a, s'] when S = A, and
the two readings are different MDPs (checked below on a 2 x 2 example by hand).
"""

import json

import numpy as np
import pytest

from certify.cli import main
from certify.errors import InvalidMDP
from certify.mdp import load_problem, q_star
from certify.mdp.finite import FiniteMDP

# P[s, a, s']: in state 0 action 0 stays, action 1 moves; from state 1 both actions return to
# state 0; reward 1 in state 1 whatever the action
P_SAS = np.array([[[1.0, 0.0], [0.0, 1.0]],
                  [[1.0, 0.0], [1.0, 0.0]]])
R = np.array([[0.0, 0.0], [1.0, 1.0]])
GAMMA = 0.5


def test_the_two_readings_differ():
    """Under SAS: V(0) = 0.5 V(1), V(1) = 1 + 0.5 V(0), so V(1) = 4/3, V(0) = 2/3 and
    Q* = [[1/3, 2/3], [4/3, 4/3]].  Under ASS action 0 keeps state 1 in state 1 (V(1) = 2):
    another MDP."""
    q_sas, _ = q_star(FiniteMDP(P_SAS, R, GAMMA, layout="SAS"))
    q_ass, _ = q_star(FiniteMDP(P_SAS, R, GAMMA, layout="ASS"))
    assert np.allclose(q_sas, [[1 / 3, 2 / 3], [4 / 3, 4 / 3]])
    assert np.isclose(q_ass[1, 0], 2.0) and not np.allclose(q_sas, q_ass)


def test_constructor_refuses_an_unnamed_square_layout():
    with pytest.raises(InvalidMDP, match=r"shape \(2, 2, 2\).*layout is ambiguous.*layout='SAS'") as e:
        FiniteMDP(P_SAS, R, GAMMA)
    assert "\n" not in str(e.value)
    with pytest.raises(InvalidMDP, match="ambiguous"):
        FiniteMDP.from_arrays(P_SAS, R, GAMMA)
    # the shape decides: S != A, and S = A = 1 (both readings are the same array)
    assert FiniteMDP(np.full((3, 2, 3), 1 / 3), np.zeros((3, 2)), GAMMA).n_actions == 2
    assert FiniteMDP(np.ones((1, 1, 1)), np.zeros((1, 1)), GAMMA).n_states == 1
    # a sparse (S*A, S) matrix is state-major by definition
    import scipy.sparse as sp

    assert FiniteMDP(sp.csr_matrix(P_SAS.reshape(4, 2)), R, GAMMA).n_pairs == 4


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_files_refuse_and_accept_a_named_layout(suffix, tmp_path, capsys):
    doc = {"gamma": GAMMA, "P": P_SAS.tolist(), "R": R.tolist()}
    bad = tmp_path / f"bad{suffix}"
    bad.write_text(json.dumps(doc))  # JSON is YAML too
    with pytest.raises(InvalidMDP, match=r"add a field layout: SAS .* or add a field layout: ASS"):
        load_problem(bad)
    assert main(["qlearning", str(bad), "--alpha", "0.5", "--cqlf", "no"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "layout" in err and "Traceback" not in err
    good = tmp_path / f"good{suffix}"
    good.write_text(json.dumps({**doc, "layout": "SAS"}))
    q, _ = q_star(load_problem(good).mdp)
    assert np.allclose(q, [[1 / 3, 2 / 3], [4 / 3, 4 / 3]])


def test_npz_refuses(tmp_path):
    np.savez(tmp_path / "m.npz", P=P_SAS, R=R, gamma=np.array(GAMMA))
    with pytest.raises(InvalidMDP, match="add an array layout = 'SAS'"):
        load_problem(tmp_path / "m.npz")


def test_adapters_that_know_their_layout_are_not_refused():
    q_ref, _ = q_star(FiniteMDP(P_SAS, R, GAMMA, layout="SAS"))
    # pymdptoolbox: P[a] is the (S, S) matrix of action a
    m = FiniteMDP.from_mdptoolbox(P_SAS.transpose(1, 0, 2), R, GAMMA)
    assert np.allclose(q_star(m)[0], q_ref)
    # Gymnasium's dict P[s][a] = [(prob, next, reward, terminated)], reward on arrival
    table = {s: {a: [(1.0, int(np.argmax(P_SAS[s, a])), float(R[s, a]), False)] for a in range(2)}
             for s in range(2)}
    g = FiniteMDP.from_gymnasium(type("Env", (), {"P": table})(), gamma=GAMMA)
    assert g.n_states == 2 and np.allclose(g.P, P_SAS)
    # built-in problems with S = A (seed-sls is 2 x 2; a square Garnet)
    assert load_problem("seed-sls").mdp.n_states == load_problem("seed-sls").mdp.n_actions == 2
    assert load_problem("garnet:3:3:2:0").mdp.n_actions == 3


def test_sweep_cell_on_an_ambiguous_file_is_a_one_line_error(tmp_path):
    from certify.sweep import load_grid
    from certify.sweep.cell import run_cell

    (tmp_path / "sq.yaml").write_text(json.dumps({"gamma": GAMMA, "P": P_SAS.tolist(),
                                                  "R": R.tolist()}))
    (tmp_path / "grid.yaml").write_text("command: qlearning\nproblems:\n  - file: sq.yaml\n"
                                        "alpha: [0.5]\ncqlf: false\nrecord: [row_sum_rate]\n")
    g = load_grid(tmp_path / "grid.yaml")
    row = run_cell(g.cells[0], g.record, g.axes, g.hash)[0]
    assert "layout is ambiguous" in row["error"] and "\n" not in row["error"]
    assert row["row_sum_rate"] is None


def test_claims_file_naming_an_ambiguous_file_reports_it(tmp_path, capsys):
    (tmp_path / "sq.yaml").write_text(json.dumps({"gamma": GAMMA, "P": P_SAS.tolist(),
                                                  "R": R.tolist()}))
    (tmp_path / "c.yaml").write_text("claims:\n  - name: a\n    qlearning: {mdp: sq.yaml, alpha: 0.5, "
                                     "cqlf: false}\n    assert: row_sum_rate < 1\n")
    code = main(["check", str(tmp_path / "c.yaml")])
    out, err = capsys.readouterr()
    assert code in (1, 2) and "layout is ambiguous" in out + err and "Traceback" not in out + err
