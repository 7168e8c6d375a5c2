"""Transition arrays as torch tensors (issue 19, item 4): a float32 tensor gets the same
opt-in as a float32 numpy array; a float64 tensor is read as it is.  torch dtypes are not
numpy dtypes, which used to raise TypeError (a traceback) for every tensor."""

from __future__ import annotations

import numpy as np
import pytest

from certify.errors import InvalidMDP
from certify.mdp.bellman import q_star
from certify.mdp.finite import FiniteMDP

torch = pytest.importorskip("torch")


def _p64() -> np.ndarray:
    return np.random.default_rng(2).dirichlet(np.ones(4), size=(4, 2))


def test_float64_tensor_is_read():
    P = _p64()
    R = np.arange(8.0).reshape(4, 2)
    ref, _ = q_star(FiniteMDP(P, R, 0.9))
    q, _ = q_star(FiniteMDP(torch.tensor(P), torch.tensor(R), 0.9))
    assert np.array_equal(q, ref)


def test_float32_tensor_needs_the_opt_in():
    P32 = torch.tensor(_p64(), dtype=torch.float32)
    assert abs(float(P32.double().sum(-1).sub(1).abs().max())) > 1e-9
    with pytest.raises(InvalidMDP, match=r"^P\[\d\]\[\d\] sums to .*float32.*renormalize=1e-6"):
        FiniteMDP(P32, np.zeros((4, 2)), 0.9)
    m = FiniteMDP(P32, np.zeros((4, 2)), 0.9, renormalize=1e-6)
    assert 0 < m.renormalized < 1e-6


def test_unreadable_and_complex_tensors_are_refused_in_one_line():
    with pytest.raises(InvalidMDP, match="^P: expected an array of real numbers"):
        FiniteMDP(torch.tensor(_p64(), dtype=torch.bfloat16), np.zeros((4, 2)), 0.9)
    with pytest.raises(InvalidMDP, match="complex"):  # not its real part, silently
        FiniteMDP(torch.tensor(_p64(), dtype=torch.complex128), np.zeros((4, 2)), 0.9)
