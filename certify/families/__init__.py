"""Switching families of matrices: explicit lists and row-selection (policy) families."""

from certify.families.matrix import MatrixFamily as MatrixFamily
from certify.families.matrix import family_from_spec as family_from_spec
from certify.families.selection import SelectionFamily as SelectionFamily
