"""Finite matrix families, as the JSR machinery sees them.

Two representations share one small protocol (``dim``, ``size``, ``float_matrices()``,
``exact_matrices()``, ``spec()``):

* :class:`MatrixFamily`: an explicit list of square real matrices;
* :class:`~certify.families.selection.SelectionFamily`: the structured families
  A_pi = B + C S_pi (one choice per group), such as the direct Q-learning family, whose
  |A|^|S| members are never materialised unless asked.

Exact values: every double is a dyadic rational, and a family given in doubles *is* the
family of those rationals.  Families built from primitive data (alpha, gamma, d, P) define
their exact entries from those primitives, not from rounded products.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from certify.errors import InvalidFamily
from certify.exact import fraction_array


class Family(Protocol):
    """What a certificate needs to know of a matrix family."""

    @property
    def dim(self) -> int: ...

    @property
    def size(self) -> int: ...

    def float_matrices(self) -> list[np.ndarray]: ...

    def exact_matrices(self) -> list[np.ndarray]: ...

    def spec(self) -> dict: ...


@dataclass(frozen=True, eq=False)
class MatrixFamily:
    """An explicit finite family of real square matrices of one size.

    Parameters
    ----------
    matrices : tuple of array (n, n)
        The members, as given (their doubles define the exact entries).
    name : str
        Label used in messages and reports.

    Raises
    ------
    InvalidFamily
        Empty family, non-square or mixed sizes, complex, NaN or inf entries.
    """

    matrices: tuple[np.ndarray, ...]
    name: str = "family"

    def __post_init__(self) -> None:
        mats = validate_matrices(self.matrices)
        object.__setattr__(self, "matrices", mats)

    @property
    def dim(self) -> int:
        return int(self.matrices[0].shape[0])

    @property
    def size(self) -> int:
        return len(self.matrices)

    def float_matrices(self) -> list[np.ndarray]:
        return list(self.matrices)

    def exact_matrices(self) -> list[np.ndarray]:
        return [fraction_array(m) for m in self.matrices]

    def spec(self) -> dict:
        return {"type": "matrices", "name": self.name,
                "matrices": [m.tolist() for m in self.matrices]}

    @classmethod
    def from_spec(cls, spec: dict) -> MatrixFamily:
        if "matrices" not in spec:
            raise InvalidFamily("family: expected a 'matrices' entry")
        return cls(tuple(np.asarray(m) for m in spec["matrices"]), spec.get("name", "family"))


def validate_matrices(matrices: Sequence) -> tuple[np.ndarray, ...]:
    """Check a list of matrices: non-empty, square, one size, real and finite."""
    mats = list(matrices) if not isinstance(matrices, np.ndarray) else list(matrices)
    if len(mats) == 0:
        raise InvalidFamily("matrices: the family is empty; give at least one matrix")
    from certify.limits import check
    from certify.numcheck import check_real_leaves

    out = []
    for i, m in enumerate(mats):
        if isinstance(m, list | tuple):  # from a document: no strings, booleans, huge numbers
            # any float magnitude: the JSR engine scales (no CERTIFY_MAX_MAGNITUDE here)
            check_real_leaves(m, f"matrices[{i}]", InvalidFamily, magnitude=False)
            check("matrix_dim", len(m), f"matrices[{i}]")
        arr = np.asarray(m)
        if arr.dtype.kind in "bUS":
            what = "booleans" if arr.dtype.kind == "b" else "text"
            raise InvalidFamily(f"matrices[{i}]: holds {what}; expected real numbers")
        if np.iscomplexobj(arr):
            raise InvalidFamily(
                f"matrices[{i}] has complex entries; certify's JSR engine works with real "
                "matrices (write a complex n x n matrix as the real 2n x 2n block "
                "[[Re, -Im], [Im, Re]], which has the same JSR)"
            )
        try:
            arr = np.asarray(arr, dtype=float)
        except (TypeError, ValueError) as exc:
            raise InvalidFamily(f"matrices[{i}]: expected real numbers ({exc})") from exc
        if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
            raise InvalidFamily(f"matrices[{i}]: expected a square matrix, found shape {arr.shape}")
        if out and arr.shape != out[0].shape:
            raise InvalidFamily(
                f"matrices[{i}] has shape {arr.shape} but matrices[0] has {out[0].shape}; "
                "all matrices of a family must have the same size"
            )
        if not np.all(np.isfinite(arr)):
            bad = tuple(int(j) for j in np.argwhere(~np.isfinite(arr))[0])
            raise InvalidFamily(f"matrices[{i}]{list(bad)} is {arr[bad]}; entries must be finite")
        check("matrix_dim", arr.shape[0], f"matrices[{i}]")
        arr = arr.copy()
        arr.setflags(write=False)
        out.append(arr)
    return tuple(out)


FAMILY_TYPES: dict[str, str] = {
    "matrices": "certify.families.matrix:MatrixFamily",
    "selection": "certify.families.selection:SelectionFamily",
    "direct-qlearning": "certify.families.direct:DirectFamily",
    "direct-qlearning-fixed": "certify.families.direct:FixedPolicyFamily",
    "veronese-lift": "certify.families.lifted:LiftedFamily",
}
"""The family types a spec (inside a saved certificate) may name: an explicit mapping to the
classes, all in :mod:`certify.families`, whose ``from_spec`` rebuilds them."""


def family_from_spec(spec: dict) -> Family:
    """Rebuild a family from its ``spec()`` (as stored inside certificates).

    Parameters
    ----------
    spec : dict
        The family's ``spec()``, with its ``type``.

    Raises
    ------
    InvalidFamily
        Not a mapping, or an unknown type.
    """
    import importlib

    if not isinstance(spec, dict) or "type" not in spec:
        raise InvalidFamily("family: expected a mapping with a 'type' entry")
    kind = spec["type"]
    if not isinstance(kind, str) or kind not in FAMILY_TYPES:
        raise InvalidFamily(f"family: unknown type {kind!r}; known types are {sorted(FAMILY_TYPES)}")
    module, _, name = FAMILY_TYPES[kind].partition(":")
    return getattr(importlib.import_module(module), name).from_spec(spec)
