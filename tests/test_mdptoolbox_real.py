"""FiniteMDP.from_mdptoolbox on pymdptoolbox's own examples (issue 19, item 4), against
pymdptoolbox's own solver.

The reference is ``mdptoolbox.mdp.PolicyIteration(P, R, gamma, eval_type=0)``: policy
iteration with exact policy evaluation (a linear solve), so its V is V* to rounding.  (Its
``ValueIteration`` is not a reference: it stops on the span of the last update, which fixes
the greedy policy but leaves V off V* by up to about 20 on ``forest()``.)  certify's Q* must
give V*(s) = max_a Q*(s, a) within 1e-10 and Q* = R + gamma P V* for pymdptoolbox's V*.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from certify.errors import InvalidMDP
from certify.mdp.bellman import q_star
from certify.mdp.finite import FiniteMDP

mdptoolbox = pytest.importorskip("mdptoolbox")
example = pytest.importorskip("mdptoolbox.example")

GAMMA = 0.9


def _rand(seed: int, S: int, A: int, **kwargs):
    """mdptoolbox.example.rand draws from numpy's global generator: seed it, then restore it."""
    state = np.random.get_state()  # noqa: NPY002
    np.random.seed(seed)  # noqa: NPY002
    try:
        return example.rand(S, A, **kwargs)
    finally:
        np.random.set_state(state)  # noqa: NPY002


def _examples():
    """(name, P, R) from mdptoolbox.example: dense and sparse P, R of shape (S, A) and
    (A, S, S), and S = A."""
    out = [("forest", *example.forest()),
           ("forest-10", *example.forest(S=10, r1=4, r2=2, p=0.1)),
           ("forest-sparse", *example.forest(S=5, is_sparse=True))]
    for name, seed, (S, A), sparse in [("rand-10x3", 0, (10, 3), False), ("rand-4x4", 1, (4, 4), False),
                                       ("rand-5x5-sparse", 2, (5, 5), True)]:
        out.append((name, *_rand(seed, S, A, is_sparse=sparse)))
    return out


def _toolbox_vstar(P, R) -> tuple[np.ndarray, np.ndarray]:
    pi = mdptoolbox.mdp.PolicyIteration(P, R, GAMMA, eval_type=0)
    pi.run()
    return np.asarray(pi.V, dtype=float), np.asarray(pi.policy)


def _dense(M) -> np.ndarray:
    return np.stack([m.toarray() if sp.issparse(m) else np.asarray(m) for m in M])


@pytest.mark.parametrize("name,P,R", _examples(), ids=[e[0] for e in _examples()])
def test_q_star_matches_mdptoolbox_policy_iteration(name, P, R):
    v_ref, pol_ref = _toolbox_vstar(P, R)
    mdp = FiniteMDP.from_mdptoolbox(P, R, GAMMA)
    q, _ = q_star(mdp)
    assert np.abs(q.max(axis=1) - v_ref).max() <= 1e-10
    # Q* = R + gamma P V* with pymdptoolbox's P[a, s, s'] and its expected reward
    Pd = _dense(P)
    Rd = np.asarray(_dense(R) if np.ndim(R) == 3 or isinstance(R, list) else R, dtype=float)
    r_sa = np.einsum("ast,ast->sa", Pd, Rd) if Rd.ndim == 3 else Rd
    q_ref = r_sa + GAMMA * np.einsum("ast,t->sa", Pd, v_ref)
    assert np.abs(q - q_ref).max() <= 1e-10
    # pymdptoolbox's policies (policy and value iteration) are optimal for certify's Q*
    vi = mdptoolbox.mdp.ValueIteration(P, R, GAMMA, epsilon=1e-8)
    vi.run()
    for pol in (pol_ref, np.asarray(vi.policy)):
        assert np.allclose(q[np.arange(len(v_ref)), pol], q.max(axis=1), atol=1e-9)


def test_object_array_of_sparse_matrices():
    """pymdptoolbox documents P as "an object array (numpy.ndarray) with one dimension" of
    (S, S) matrices; scipy.io.loadmat gives MATLAB cell arrays as (1, A) object arrays."""
    P, R = _rand(3, 6, 3, is_sparse=True)
    obj = np.empty(len(P), dtype=object)
    obj[:] = list(P)
    v_ref, _ = _toolbox_vstar(obj, R)
    for arr in (obj, obj.reshape(1, -1)):
        q, _ = q_star(FiniteMDP.from_mdptoolbox(arr, R, GAMMA))
        assert np.abs(q.max(axis=1) - v_ref).max() <= 1e-10


def test_square_toolbox_arrays_without_a_layout_are_refused_clearly():
    P, R = _rand(1, 4, 4)  # P (A, S, S) = (4, 4, 4), R (A, S, S)
    r_sa = np.einsum("ast,ast->sa", P, R)
    with pytest.raises(InvalidMDP, match=r"S = A = 4 the layout is ambiguous.*layout='ASS'") as e:
        FiniteMDP(P, r_sa, GAMMA)
    assert "\n" not in str(e.value)
    with pytest.raises(InvalidMDP, match=r"R\[a, s, s'\] use FiniteMDP.from_mdptoolbox"):
        FiniteMDP(P, R, GAMMA)
    v_ref, _ = _toolbox_vstar(P, R)
    q, _ = q_star(FiniteMDP(P, r_sa, GAMMA, layout="ASS"))
    assert np.abs(q.max(axis=1) - v_ref).max() <= 1e-10
    q_wrong, _ = q_star(FiniteMDP(P, r_sa, GAMMA, layout="SAS"))  # the misreading, asked for
    assert np.abs(q_wrong.max(axis=1) - v_ref).max() > 1e-3


def test_errors_name_the_callers_indices():
    """A bad row of pymdptoolbox's P[a, s, :] is named by the caller's (a, s), not certify's
    transposed (s, a)."""
    P = np.full((2, 3, 3), 1 / 3)
    P[1, 2, 0] = 0.5
    with pytest.raises(InvalidMDP, match=r"^P\[1\]\[2\] \(action 1, state 2\) sums to 1\.1666"):
        FiniteMDP.from_mdptoolbox(P, np.zeros((3, 2)), GAMMA)
    P[1, 2, 0] = -0.1
    with pytest.raises(InvalidMDP, match=r"^P\[1\]\[2\]\[0\] \(action 1, state 2, next state 0\) = -0\.1"):
        FiniteMDP.from_mdptoolbox(P, np.zeros((3, 2)), GAMMA)


def test_float32_toolbox_data_needs_the_opt_in():
    P, R = _rand(4, 6, 3)
    P32 = P.astype(np.float32)
    dev = float(np.abs(P32.astype(float).sum(axis=-1) - 1).max())
    assert 1e-9 < dev < 1e-6
    for data in (P32, [sp.csr_matrix(m) for m in P32]):
        with pytest.raises(InvalidMDP) as e:
            FiniteMDP.from_mdptoolbox(data, R, GAMMA)
        msg = str(e.value)  # names the field, the value and the opt-in
        assert msg.startswith("P[") and ("sums to 0.99999" in msg or "sums to 1.00000" in msg)
        assert "float32" in msg and "renormalize=1e-6" in msg
        m = FiniteMDP.from_mdptoolbox(data, R, GAMMA, renormalize=1e-6)
        assert m.renormalized == pytest.approx(dev, rel=1e-6)
        v_ref, _ = _toolbox_vstar(P, R)
        q, _ = q_star(m)
        assert np.abs(q.max(axis=1) - v_ref).max() <= 1e-4  # float32 data: its own rounding


def test_sparse_float32_opt_in_and_hint():
    """A sparse (S*A, S) float32 P: refused with the hint, accepted with renormalize."""
    P, _ = _rand(5, 5, 2)
    Psa = sp.csr_matrix(P.transpose(1, 0, 2).reshape(10, 5).astype(np.float32))
    R = np.zeros((5, 2))
    with pytest.raises(InvalidMDP, match=r"^P\[\d\]\[\d\] \(state \d, action \d\) sums to "
                                         r"[0-9.]+ over next states.*float32.*renormalize=1e-6"):
        FiniteMDP(Psa, R, GAMMA)
    m = FiniteMDP(Psa, R, GAMMA, renormalize=1e-6)
    assert 0 < m.renormalized < 1e-6
    assert np.abs(np.asarray(m.P_matrix.sum(axis=1)).ravel() - 1).max() <= 1e-15
    bad = Psa.astype(float).tolil()
    bad[3, 0] += 1e-3
    with pytest.raises(InvalidMDP, match=r"P\[1, 1\] sums to .* not a rounding error"):
        FiniteMDP(bad.tocsr(), R, GAMMA, renormalize=1e-6)


def test_the_suggested_opt_in_is_accepted():
    """The value the refusal names works: float16 data needs more than 1e-6."""
    P = np.random.default_rng(0).dirichlet(np.ones(6), size=(6, 2)).astype(np.float16)
    with pytest.raises(InvalidMDP, match=r"float16.*renormalize=(1e-\d)") as e:
        FiniteMDP(P, np.zeros((6, 2)), GAMMA)
    tol = float(str(e.value).split("renormalize=")[1].split()[0])
    m = FiniteMDP(P, np.zeros((6, 2)), GAMMA, renormalize=tol)
    assert 0 < m.renormalized <= tol
    far = P.astype(float)
    far[0, 0] *= 0.9  # a row 0.1 off: no tolerance is suggested
    with pytest.raises(InvalidMDP, match="more than rounding") as e:
        FiniteMDP(far.astype(np.float16), np.zeros((6, 2)), GAMMA)
    assert "renormalize=" not in str(e.value)


def test_float32_npz_file_cli(tmp_path, capsys):
    """From a file: exit 2 with the row, its sum and the opt-in; the NPZ array opts in."""
    from certify.cli import main

    P, R = _rand(6, 5, 2)
    Psas = P.transpose(1, 0, 2).astype(np.float32)
    np.savez(tmp_path / "f32.npz", P=Psas, R=np.einsum("ast,ast->sa", P, R), gamma=np.array(GAMMA))
    assert main(["qlearning", str(tmp_path / "f32.npz"), "--alpha", "0.5", "--cqlf", "no"]) == 2
    err = capsys.readouterr().err
    assert "P[" in err and "sums to" in err and "renormalize = 1e-6" in err and "Traceback" not in err
    np.savez(tmp_path / "ok.npz", P=Psas, R=np.zeros((5, 2)), gamma=np.array(GAMMA),
             renormalize=np.array(1e-6))
    assert main(["qlearning", str(tmp_path / "ok.npz"), "--alpha", "0.5", "--cqlf", "no"]) == 0


def test_renormalisation_is_reported(tmp_path, capsys):
    """The opt-in is visible in the output: the JSON's mdp summary and the console say so."""
    from certify.cli import main

    P, _ = _rand(7, 4, 2)
    Psas = P.transpose(1, 0, 2).astype(np.float32)
    np.savez(tmp_path / "ok.npz", P=Psas, R=np.zeros((4, 2)), gamma=np.array(GAMMA),
             renormalize=np.array(1e-6))
    assert main(["qlearning", str(tmp_path / "ok.npz"), "--alpha", "0.5", "--cqlf", "no", "--json"]) == 0
    import json

    corr = json.loads(capsys.readouterr().out)["mdp"]["renormalized"]
    assert 0 < corr < 1e-6
    assert main(["qlearning", str(tmp_path / "ok.npz"), "--alpha", "0.5", "--cqlf", "no"]) == 0
    assert "divided by their sums on request" in capsys.readouterr().out
    assert "renormalized" not in FiniteMDP.from_mdptoolbox(P, np.zeros((4, 2)), GAMMA).summary()


def test_sparse_toolbox_mdp_stays_sparse():
    """forest(S=5000, is_sparse=True): the dense (A, S, S) array would take 400 MB; the MDP is
    built sparse (a few MB at most), and its Q* satisfies the Bellman optimality equation
    written with pymdptoolbox's own sparse matrices (pymdptoolbox's PolicyIteration takes
    a minute at this size; the sparse forests above compare with it)."""
    import tracemalloc

    P, R = example.forest(S=5000, is_sparse=True)
    tracemalloc.start()
    try:
        mdp = FiniteMDP.from_mdptoolbox(P, R, GAMMA)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50e6 and mdp.P_matrix.nnz == 3 * 5000  # forest: wait 2 entries a row, cut 1
    q, _ = q_star(mdp)
    v = q.max(axis=1)
    bellman = np.stack([R[:, a] + GAMMA * (P[a] @ v) for a in range(len(P))], axis=1)
    assert np.abs(q - bellman).max() <= 1e-10 * max(1.0, np.abs(q).max())


def test_sparse_toolbox_rewards_per_transition():
    """R as A sparse (S, S) matrices with sparse P: the expected reward is pymdptoolbox's."""
    P, R = _rand(8, 6, 3, is_sparse=True)
    assert all(sp.issparse(m) for m in R)
    v_ref, _ = _toolbox_vstar(P, R)
    mdp = FiniteMDP.from_mdptoolbox(P, R, GAMMA)
    q, _ = q_star(mdp)
    assert np.abs(q.max(axis=1) - v_ref).max() <= 1e-10
    dense = FiniteMDP.from_mdptoolbox(_dense(P), _dense(R), GAMMA)
    assert np.allclose(dense.R, mdp.R, rtol=0, atol=1e-15) and np.array_equal(dense.P, mdp.P)


def test_float32_sampling_distribution_in_npz(tmp_path, capsys):
    """An NPZ's float32 d is refused with the hint, and its renormalize array covers d too."""
    from certify.cli import main

    rng = np.random.default_rng(1)
    P = rng.dirichlet(np.ones(5), size=(5, 2))
    d = rng.dirichlet(np.ones(10)).astype(np.float32)
    assert 1e-9 < abs(float(d.astype(float).sum()) - 1) < 1e-6
    np.savez(tmp_path / "d.npz", P=P, R=np.zeros((5, 2)), gamma=np.array(GAMMA), d=d)
    assert main(["qlearning", str(tmp_path / "d.npz"), "--alpha", "0.5", "--cqlf", "no"]) == 2
    err = capsys.readouterr().err
    assert "sampling.d sums to" in err and "float32" in err and "renormalize = 1e-6" in err
    np.savez(tmp_path / "ok.npz", P=P, R=np.zeros((5, 2)), gamma=np.array(GAMMA), d=d,
             renormalize=np.array(1e-6))
    assert main(["qlearning", str(tmp_path / "ok.npz"), "--alpha", "0.5", "--cqlf", "no"]) == 0
    capsys.readouterr()
    far = d.astype(float)
    far[0] += 1e-3
    np.savez(tmp_path / "far.npz", P=P, R=np.zeros((5, 2)), gamma=np.array(GAMMA), d=far,
             renormalize=np.array(1e-6))
    assert main(["qlearning", str(tmp_path / "far.npz"), "--alpha", "0.5", "--cqlf", "no"]) == 2
    assert "not a rounding error" in capsys.readouterr().err


def test_reward_shape_errors_are_one_line():
    """R with a transition axis points to from_mdptoolbox; a ragged R is still refused in one
    line (the shape test must not ask numpy for the shape of a ragged list)."""
    P = np.full((2, 2, 2), 0.5)
    with pytest.raises(InvalidMDP, match="use FiniteMDP.from_mdptoolbox"):
        FiniteMDP(P, np.zeros((2, 2, 2)), GAMMA, layout="SAS")
    with pytest.raises(InvalidMDP, match="^R: expected an array of real numbers"):
        FiniteMDP(P, [[1.0, 2.0], [3.0]], GAMMA, layout="SAS")


def test_ragged_transition_lists_are_one_line():
    ragged = [[[1.0], [0.5, 0.5]], [[1.0, 0.0], [0.0, 1.0]]]
    for build in (lambda: FiniteMDP(ragged, np.zeros((2, 2)), GAMMA),
                  lambda: FiniteMDP.from_arrays(ragged, np.zeros((2, 2)), GAMMA)):
        with pytest.raises(InvalidMDP, match="^P: expected an array of real numbers"):
            build()


def test_toolbox_odd_inputs_are_one_line():
    R = np.zeros((2, 2))
    with pytest.raises(InvalidMDP, match="^P: expected pymdptoolbox's arrays, found ragged"):
        FiniteMDP.from_mdptoolbox([[[1.0], [0.5, 0.5]], [[1.0, 0.0], [0.0, 1.0]]], R, GAMMA)
    with pytest.raises(InvalidMDP, match="^R: expected pymdptoolbox's arrays, found ragged"):
        FiniteMDP.from_mdptoolbox(np.full((2, 2, 2), 0.5), [[1.0], [2.0, 3.0]], GAMMA)
    with pytest.raises(InvalidMDP, match="A matrices of one shape"):
        FiniteMDP.from_mdptoolbox([sp.eye(2, format="csr"), sp.eye(3, format="csr")], R, GAMMA)
    with pytest.raises(InvalidMDP, match=r"shape \(A, S, S\), found \(\)"):
        FiniteMDP.from_mdptoolbox(None, R, GAMMA)
    P = np.full((2, 3, 3), 1 / 3)
    for bad in ("abc", [[1, 2], [3, 4], [5, "x"]]):
        with pytest.raises(InvalidMDP, match="^R"):
            FiniteMDP.from_mdptoolbox(P, bad, GAMMA)
    # one sparse (S, A) reward matrix is read as the dense one
    Rs = sp.csr_matrix(np.arange(6.0).reshape(3, 2))
    assert np.array_equal(FiniteMDP.from_mdptoolbox(P, Rs, GAMMA).R, Rs.toarray())
