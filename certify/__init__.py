"""certify: certified convergence theory for reinforcement-learning algorithms.

The public API is re-exported here explicitly (cvxpy style).
"""

from certify.algorithms.qlearning.analysis import QLearningResult as QLearningResult
from certify.algorithms.qlearning.analysis import certify_qlearning as certify_qlearning
from certify.algorithms.qlearning.system import DirectFamily as DirectFamily
from certify.algorithms.qlearning.system import row_sum_rate as row_sum_rate
from certify.certificates import (
    Certificate as Certificate,
)
from certify.certificates import (
    CheckResult as CheckResult,
)
from certify.certificates import (
    certificate_from_dict as certificate_from_dict,
)
from certify.certificates import (
    load_certificate as load_certificate,
)
from certify.errors import (
    CertifyError as CertifyError,
)
from certify.errors import (
    InvalidCertificate as InvalidCertificate,
)
from certify.errors import (
    InvalidFamily as InvalidFamily,
)
from certify.errors import (
    InvalidInput as InvalidInput,
)
from certify.errors import (
    InvalidMDP as InvalidMDP,
)
from certify.errors import (
    SolverError as SolverError,
)
from certify.errors import (
    UnknownName as UnknownName,
)
from certify.jsr import MatrixFamily as MatrixFamily
from certify.jsr import SelectionFamily as SelectionFamily
from certify.jsr.cqlf import cqlf_search as cqlf_search
from certify.jsr.policy_iteration import selection_jsr as selection_jsr
from certify.mdp import (
    FiniteMDP as FiniteMDP,
)
from certify.mdp import (
    Problem as Problem,
)
from certify.mdp import (
    Sampling as Sampling,
)
from certify.mdp import (
    load_problem as load_problem,
)
from certify.mdp import (
    q_star as q_star,
)
from certify.mdp import (
    sampling_from_d as sampling_from_d,
)
from certify.mdp import (
    uniform_sampling as uniform_sampling,
)
from certify.solver_options import SolverOptions as SolverOptions
from certify.verdict import Verdict as Verdict

__version__ = "0.1.0"

# The rest of the public API is imported on first use (PEP 562), so that `import certify`
# and the command line stay fast; every name is listed here explicitly.
_LAZY: dict[str, str] = {
    # JSR engine (issue 4)
    "jsr_bounds": "certify.jsr.bounds",
    "JSRResult": "certify.jsr.bounds",
    "load_family": "certify.jsr.io",
    "comparison_jsr": "certify.jsr.comparison",
    "gallery_names": "certify.jsr.gallery",
    "gallery_entry": "certify.jsr.gallery",
    # simulation, bounds and cross-validation (issue 3)
    "simulate_qlearning": "certify.algorithms.qlearning.simulate",
    "QSimulation": "certify.algorithms.qlearning.simulate",
    "StepSize": "certify.simulate",
    "mean_recursion": "certify.simulate",
    "crossval_qlearning": "certify.algorithms.qlearning.crossval",
    "CrossvalResult": "certify.algorithms.qlearning.crossval",
    "fit_transient_rate": "certify.algorithms.qlearning.crossval",
    "noise_constants": "certify.algorithms.qlearning.bounds",
    "max_norm_bound": "certify.algorithms.qlearning.bounds",
    "reference_filter_bound": "certify.algorithms.qlearning.bounds",
    "quadratic_curve": "certify.algorithms.qlearning.bounds",
    "mixing_constants": "certify.algorithms.qlearning.mixing",
    "MixingConstants": "certify.algorithms.qlearning.mixing",
    "markov_reference_bound": "certify.algorithms.qlearning.bounds_markov",
    # smooth Q-learning (issue 5)
    "analyze_smooth": "certify.algorithms.smooth",
    "SmoothResult": "certify.algorithms.smooth",
    "PNormLyapunovCertificate": "certify.algorithms.smooth",
    "plain_threshold_p": "certify.algorithms.smooth",
    "boltzmann_grad_sup": "certify.algorithms.smooth",
    "pnorm_tradeoff": "certify.algorithms.smooth",
    # NTK (issue 6)
    "theorem2": "certify.algorithms.ntk",
    "Theorem2Result": "certify.algorithms.ntk",
    "MLP": "certify.algorithms.ntk",
    "empirical_ntk": "certify.algorithms.ntk",
    "analyse_network": "certify.algorithms.ntk",
    "ntk_sweep": "certify.algorithms.ntk",
    "preqn_step": "certify.algorithms.ntk",
    "train_preqn": "certify.algorithms.ntk",
    "train_expected": "certify.algorithms.ntk",
    # gradient TD (issue 7)
    "check_sa": "certify.algorithms.td",
    "simulate_td": "certify.algorithms.td",
    "LinearTD": "certify.algorithms.td",
    "mean_run": "certify.algorithms.td",
    # policy gradient (issue 8)
    "pg_tabular": "certify.algorithms.pg",
    "pg_meanfield": "certify.algorithms.pg",
    "soft_optimal": "certify.algorithms.pg",
    "policy_gradient": "certify.algorithms.pg",
    "pg_crossval": "certify.algorithms.pg",
    "flow_monotonicity": "certify.algorithms.pg",
    # reports and claims (issue 9)
    "qlearning_report": "certify.algorithms.qlearning.report",
    "build_pdf": "certify.report",
    "load_claims": "certify.claims",
    "run_claims": "certify.claims",
    "claims_report": "certify.report.claims_report",
    # sweeps on Dask (issue 10)
    "load_grid": "certify.sweep",
    "run_sweep": "certify.sweep",
    "SweepResult": "certify.sweep",
    # the command registry (claims, sweeps)
    "COMMANDS": "certify.commands",
    "get_command": "certify.commands",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'certify' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
