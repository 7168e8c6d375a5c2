"""Import every certificate kind so that each registers itself (one line a kind)."""

from ..smooth import pnorm as smooth_pnorm  # noqa: F401
from . import algebraic_balanced as algebraic_balanced  # noqa: F401
from . import algebraic_polytope as algebraic_polytope  # noqa: F401
from . import collatz as collatz  # noqa: F401
from . import complex_balanced as complex_balanced  # noqa: F401
from . import family_maxnorm as family_maxnorm  # noqa: F401
from . import maxnorm as maxnorm  # noqa: F401
from . import norm as norm  # noqa: F401
from . import ntk as ntk  # noqa: F401
from . import pg as pg  # noqa: F401
from . import polytope as polytope  # noqa: F401
from . import product_word as product_word  # noqa: F401
from . import quadratic as quadratic  # noqa: F401
from . import sos as sos  # noqa: F401
from . import structure as structure  # noqa: F401
