"""Import every certificate kind so that each registers itself (one line a kind)."""

from certify.algorithms.smooth import pnorm as smooth_pnorm  # noqa: F401
from certify.certificates import algebraic_polytope as algebraic_polytope  # noqa: F401
from certify.certificates import collatz as collatz  # noqa: F401
from certify.certificates import family_maxnorm as family_maxnorm  # noqa: F401
from certify.certificates import maxnorm as maxnorm  # noqa: F401
from certify.certificates import norm as norm  # noqa: F401
from certify.certificates import ntk as ntk  # noqa: F401
from certify.certificates import pg as pg  # noqa: F401
from certify.certificates import polytope as polytope  # noqa: F401
from certify.certificates import product_word as product_word  # noqa: F401
from certify.certificates import quadratic as quadratic  # noqa: F401
from certify.certificates import sos as sos  # noqa: F401
from certify.certificates import structure as structure  # noqa: F401
