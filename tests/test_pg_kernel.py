"""The dense policy kernel of small MDPs gives the floats of the sparse product."""

from __future__ import annotations

import numpy as np
import pytest

from certify.algorithms.pg.soft import policy_kernel
from certify.mdp.bellman import policy_matrix
from certify.mdp.finite import FiniteMDP


@pytest.mark.parametrize("seed", range(20))
def test_dense_kernel_equals_sparse_product_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    s, a = int(rng.integers(1, 9)), int(rng.integers(1, 5))
    p = rng.random((s, a, s)) * (rng.random((s, a, s)) < 0.6)  # some transitions missing
    p[..., 0] += 1e-3
    p /= p.sum(axis=-1, keepdims=True)
    mdp = FiniteMDP(p, rng.standard_normal((s, a)), 0.9, layout="SAS")
    for _ in range(5):
        logits = rng.standard_normal((s, a)) * 5
        pi = np.exp(logits - logits.max(axis=1, keepdims=True))
        pi /= pi.sum(axis=1, keepdims=True)
        sparse = (policy_matrix(mdp, pi) @ mdp.P_matrix).toarray()
        dense = policy_kernel(mdp, pi)
        assert np.array_equal(dense, sparse)
        np.testing.assert_allclose(dense, np.einsum("sa,sat->st", pi, p), rtol=1e-14, atol=1e-16)
