"""certify: certified convergence theory for reinforcement-learning algorithms.

The public API is re-exported here explicitly (cvxpy style).
"""

from .certificates import (
    Certificate as Certificate,
)
from .certificates import (
    CheckResult as CheckResult,
)
from .certificates import (
    certificate_from_dict as certificate_from_dict,
)
from .certificates import (
    load_certificate as load_certificate,
)
from .errors import (
    CertifyError as CertifyError,
)
from .errors import (
    InvalidCertificate as InvalidCertificate,
)
from .errors import (
    InvalidFamily as InvalidFamily,
)
from .errors import (
    InvalidInput as InvalidInput,
)
from .errors import (
    InvalidMDP as InvalidMDP,
)
from .errors import (
    SolverError as SolverError,
)
from .errors import (
    UnknownName as UnknownName,
)
from .jsr import MatrixFamily as MatrixFamily
from .jsr import SelectionFamily as SelectionFamily
from .jsr.cqlf import cqlf_search as cqlf_search
from .jsr.selection_exact import selection_jsr as selection_jsr
from .mdp import (
    FiniteMDP as FiniteMDP,
)
from .mdp import (
    Problem as Problem,
)
from .mdp import (
    Sampling as Sampling,
)
from .mdp import (
    load_problem as load_problem,
)
from .mdp import (
    q_star as q_star,
)
from .mdp import (
    sampling_from_d as sampling_from_d,
)
from .mdp import (
    uniform_sampling as uniform_sampling,
)
from .qlearning import QLearningResult as QLearningResult
from .qlearning import certify_qlearning as certify_qlearning
from .solver_options import SolverOptions as SolverOptions
from .systems.qlearning import DirectFamily as DirectFamily
from .systems.qlearning import row_sum_rate as row_sum_rate
from .verdict import Verdict as Verdict

__version__ = "0.1.0"
