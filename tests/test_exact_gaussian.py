"""Exact Gaussian-rational disc arithmetic and the exact hull-membership bound."""

from __future__ import annotations

import random
from fractions import Fraction as F

from certify.exact.gaussian import Disc, basis_data, gaussian_inverse, hull_gauge_bound, mod_up


def _inside(z: tuple[F, F], d: Disc) -> bool:
    return (z[0] - d.re) ** 2 + (z[1] - d.im) ** 2 <= d.rad ** 2


def _point(d: Disc, rng: random.Random) -> tuple[F, F]:
    # a point of the disc: the centre plus an offset of modulus <= rad (|a| + |b| <= rad)
    a = F(rng.randint(-1000, 1000), 1000) * d.rad / 2
    b = F(rng.randint(-1000, 1000), 1000) * d.rad / 2
    return d.re + a, d.im + b


def test_mod_up_is_an_upper_bound():
    assert mod_up(F(3), F(4)) == 5
    for a, b in [(F(1, 3), F(2, 7)), (F(-5, 11), F(0)), (F(10**20, 3), F(-1, 10**20))]:
        u = mod_up(a, b)
        assert u >= 0 and u * u >= a * a + b * b
        assert (u - F(1, 2**90)) ** 2 < a * a + b * b  # and tight to 2^-96


def test_disc_operations_contain_every_result():
    rng = random.Random(1)
    for _ in range(200):
        x = Disc.make(F(rng.randint(-99, 99), 7), F(rng.randint(-99, 99), 13), F(rng.randint(0, 9), 100))
        y = Disc.make(F(rng.randint(-99, 99), 11), F(rng.randint(-99, 99), 3), F(rng.randint(0, 9), 100))
        p, q = _point(x, rng), _point(y, rng)
        assert _inside((p[0] + q[0], p[1] + q[1]), x + y)
        assert _inside((p[0] - q[0], p[1] - q[1]), x - y)
        assert _inside((p[0] * q[0] - p[1] * q[1], p[0] * q[1] + p[1] * q[0]), x * y)
        assert _inside((p[0] * F(-3, 7), p[1] * F(-3, 7)), x.scale(F(-3, 7)))
        assert _inside((p[0], -p[1]), x.conj())


def test_gaussian_inverse_exact():
    w = [[(F(1), F(1)), (F(2), F(0))], [(F(0), F(-1)), (F(1, 3), F(2))]]
    inv = gaussian_inverse(w)
    for i in range(2):
        for j in range(2):
            re = sum(w[i][t][0] * inv[t][j][0] - w[i][t][1] * inv[t][j][1] for t in range(2))
            im = sum(w[i][t][0] * inv[t][j][1] + w[i][t][1] * inv[t][j][0] for t in range(2))
            assert (re, im) == (F(int(i == j)), F(0))
    assert gaussian_inverse([[(F(1), F(0)), (F(2), F(0))], [(F(2), F(0)), (F(4), F(0))]]) is None


def test_hull_gauge_bound_closed_form():
    # vertices e1, e2 and (1 + i)/2 (e1 + e2), exact; x = (0.3 + 0.4 i, 0.2): gauge 0.7 by the basis
    e1 = [Disc(F(1), F(0)), Disc(F(0), F(0))]
    e2 = [Disc(F(0), F(0)), Disc(F(1), F(0))]
    v3 = [Disc(F(1, 2), F(1, 2)), Disc(F(1, 2), F(1, 2))]
    verts = [e1, e2, v3]
    bd = basis_data(verts, [0, 1])
    assert bd is not None and bd.eta == 0
    x = [Disc(F(3, 10), F(4, 10)), Disc(F(2, 10), F(0))]
    g = hull_gauge_bound(x, verts, [], bd)
    assert F(7, 10) <= g < F(7, 10) + F(1, 10**20)
    # x = v3 / 2: through the basis its gauge bound is sqrt(2)/2, through v3 it is 1/2
    x = [Disc(F(1, 4), F(1, 4)), Disc(F(1, 4), F(1, 4))]
    assert abs(hull_gauge_bound(x, verts, [], bd) - F(7071067811865475, 10**16)) < F(1, 10**15)
    assert F(1, 2) <= hull_gauge_bound(x, verts, [(2, (F(1, 2), F(0)))], bd) < F(1, 2) + F(1, 10**20)
    # radii: every point of a disc of radius 1/100 around x is covered, the bound grows
    xr = [Disc(F(1, 4), F(1, 4), F(1, 100)), Disc(F(1, 4), F(1, 4), F(1, 100))]
    g = hull_gauge_bound(xr, verts, [(2, (F(1, 2), F(0)))], bd)
    assert F(1, 2) + F(1, 50) <= g <= F(1, 2) + F(3, 100)
