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

from certify.exact.rational import Dyadic as Dyadic
from certify.exact.rational import as_fraction as as_fraction
from certify.exact.rational import dyadic as dyadic
from certify.exact.rational import dyadic_to_fraction as dyadic_to_fraction
from certify.exact.rational import float_parts as float_parts
from certify.exact.rational import fraction_array as fraction_array
from certify.exact.rational import fraction_array_from_json as fraction_array_from_json
from certify.exact.rational import fraction_array_to_json as fraction_array_to_json
from certify.exact.rational import ldl_definiteness as ldl_definiteness
from certify.exact.rational import matmul as matmul
from certify.exact.rational import rationalize as rationalize
from certify.exact.rational import round_down_float as round_down_float
from certify.exact.rational import round_up_float as round_up_float
from certify.exact.rational import symmetrize as symmetrize
