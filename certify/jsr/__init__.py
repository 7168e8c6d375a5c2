"""Joint spectral radius of finite matrix families: bounds with exact certificates."""

from .family import MatrixFamily as MatrixFamily
from .family import family_from_spec as family_from_spec
from .selection import SelectionFamily as SelectionFamily
from .selection_exact import SelectionJSRResult as SelectionJSRResult
from .selection_exact import selection_jsr as selection_jsr
