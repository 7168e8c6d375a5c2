"""A bracket closed to 1e-9 that is not exact still gets the exact routes (issue 18).

rotation: A = 2 R, R a rotation by atan(3/4) (eigenvalues 1.6 +- 1.2 i, |lambda| = 2): the
1- and inf-norms are 2.8, the 2-norm is 2, so ``norms`` closes the bracket at once and only
the balanced complex polytope (the ellipse absco{v}, v the leading eigenvector) proves
JSR = 2.  rank_one: the structure step closes the bracket at rate 3 (1 + 1e-12); the balanced
polytope over Q proves JSR = 3 (the self-loop |v_2 . u_2| = 3, Ahmadi and Parrilo 2012).
"""

from __future__ import annotations

import numpy as np
import pytest

from certify.jsr.bounds import analyze_jsr
from certify.jsr.gallery import check_entry, gallery_entry


@pytest.mark.parametrize("name, value", [("rotation", 2.0), ("rank_one", 3.0)])
def test_gallery_closed_families_are_proved_exact(name, value):
    check = check_entry(gallery_entry(name), budget=20)
    assert check.reproduced and check.exact
    assert check.lower <= value <= check.upper and check.upper - check.lower <= 5e-16 * value


def test_rotation_norm_facts_behind_the_closed_bracket():
    (A,) = gallery_entry("rotation").family.float_matrices()
    assert np.linalg.norm(A, 1) == pytest.approx(2.8) and np.linalg.norm(A, 2) == pytest.approx(2)
    assert max(abs(np.linalg.eigvals(A))) == pytest.approx(2)
    # products + norms alone: closed but not exact (the norm bound is rounded up)
    res = analyze_jsr([A], methods="products,norms", budget=10)
    assert not res.exact and res.relative_gap < 1e-9
    # the polytope step now runs on the closed bracket and proves the value
    res = analyze_jsr([A], methods="products,norms,polytope", budget=10)
    assert res.exact and res.history[-1][2] == "polytope"
    # only the exact route ran on the closed bracket: no float polytope upper bound
    assert [r.side for r in res.certificates if r.method == "polytope"] == ["exact"]

