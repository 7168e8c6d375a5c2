"""Joint spectral radius of finite matrix families: bounds with exact certificates."""

from certify.families.matrix import MatrixFamily as MatrixFamily
from certify.families.matrix import family_from_spec as family_from_spec
from certify.families.selection import SelectionFamily as SelectionFamily
from certify.jsr.policy_iteration import SelectionJSRResult as SelectionJSRResult
from certify.jsr.policy_iteration import selection_jsr as selection_jsr
