"""Import every certificate kind so that each registers itself (one line a kind)."""

from . import collatz as collatz  # noqa: F401
from . import maxnorm as maxnorm  # noqa: F401
from . import quadratic as quadratic  # noqa: F401
