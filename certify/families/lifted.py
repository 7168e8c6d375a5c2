"""The degree-d Veronese lift of a family, with exact entries computed from the base.

JSR({A_i^[d]}) = JSR({A_i})^d (Parrilo and Jadbabaie 2008); the lift of each member is
:func:`certify.exact.lifting.lift_matrix`.
"""

from __future__ import annotations

import numpy as np

from certify.errors import InvalidFamily
from certify.exact.lifting import lift_matrix
from certify.families.matrix import Family, family_from_spec


class LiftedFamily:
    """The degree-d Veronese lift of a family, with exact entries computed from the base."""

    family_type = "veronese-lift"

    def __init__(self, base: Family, degree: int) -> None:
        if int(degree) < 1:
            raise InvalidFamily(f"degree = {degree!r}; the Veronese lift needs degree >= 1")
        self.base, self.degree = base, int(degree)
        self.name = f"{getattr(base, 'name', 'family')}^[{self.degree}]"
        self._exact = [lift_matrix(a, self.degree) for a in base.exact_matrices()]

    @property
    def dim(self) -> int:
        return int(self._exact[0].shape[0])

    @property
    def size(self) -> int:
        return len(self._exact)

    def exact_matrices(self) -> list[np.ndarray]:
        return [a.copy() for a in self._exact]

    def float_matrices(self) -> list[np.ndarray]:
        return [a.astype(float) for a in self._exact]

    def spec(self) -> dict:
        return {"type": self.family_type, "degree": self.degree, "base": self.base.spec()}

    @classmethod
    def from_spec(cls, spec: dict) -> LiftedFamily:
        try:
            return cls(family_from_spec(spec["base"]), int(spec["degree"]))
        except KeyError as exc:
            raise InvalidFamily(f"veronese-lift family: missing field {exc.args[0]!r}") from exc
