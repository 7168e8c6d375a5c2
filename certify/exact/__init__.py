"""The trusted kernel: exact rational arithmetic and everything a certificate check rests on.

Modules
-------
rational
    Fractions, dyadic numbers, exact matrix products and the LDL^T definiteness test.
intervals
    Rational enclosures of logarithms, square roots and exponentials.
algebraic
    Real algebraic numbers (a squarefree polynomial and an isolating interval).
polynomials
    Characteristic polynomials and eigenvalue enclosures in exact arithmetic.
printing
    Rendering of exact numbers and bounds, rounded the safe way.

See ``docs/trust.md`` for which files a reviewer must read to trust each verdict.
"""

import importlib

_RATIONAL = frozenset({
    "Dyadic", "as_fraction", "dyadic", "dyadic_to_fraction", "float_parts", "fraction_array",
    "fraction_array_from_json", "fraction_array_to_json", "ldl_definiteness", "matmul",
    "rationalize", "round_down_float", "round_up_float", "symmetrize",
})
"""Names of :mod:`certify.exact.rational` re-exported here, imported on first use (PEP 562) so
that ``certify.exact.printing`` stays importable without numpy (fast command-line start-up)."""

__all__ = sorted(_RATIONAL)


def __getattr__(name: str):
    if name in _RATIONAL:
        return getattr(importlib.import_module("certify.exact.rational"), name)
    raise AttributeError(f"module 'certify.exact' has no attribute {name!r}")
