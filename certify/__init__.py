"""certify: certified convergence theory for reinforcement-learning algorithms.

The public API is re-exported here explicitly (cvxpy style).
"""

from certify.errors import CertifyError as CertifyError
from certify.errors import InvalidCertificate as InvalidCertificate
from certify.errors import InvalidFamily as InvalidFamily
from certify.errors import InvalidInput as InvalidInput
from certify.errors import InvalidMDP as InvalidMDP
from certify.errors import SolverError as SolverError
from certify.errors import UnknownName as UnknownName
from certify.verdict import Verdict as Verdict

__version__ = "0.1.0"

# The rest of the public API is imported on first use (PEP 562), so that `import certify`
# and the command line stay fast; every name is listed here explicitly.
_LAZY: dict[str, str] = {
    # core API
    "Certificate": "certify.certificates",
    "CheckResult": "certify.certificates",
    "certificate_from_dict": "certify.certificates",
    "load_certificate": "certify.certificates",
    "MatrixFamily": "certify.jsr",
    "SelectionFamily": "certify.jsr",
    "cqlf_search": "certify.jsr.cqlf",
    "selection_jsr": "certify.jsr.policy_iteration",
    "FiniteMDP": "certify.mdp",
    "Problem": "certify.mdp",
    "Sampling": "certify.mdp",
    "load_problem": "certify.mdp",
    "q_star": "certify.mdp",
    "sampling_from_d": "certify.mdp",
    "uniform_sampling": "certify.mdp",
    "QLearningResult": "certify.algorithms.qlearning.analysis",
    "analyze_qlearning": "certify.algorithms.qlearning.analysis",
    "SolverOptions": "certify.solver_options",
    "DirectFamily": "certify.algorithms.qlearning.system",
    "row_sum_rate": "certify.algorithms.qlearning.system",
    # JSR engine (issue 4)
    "analyze_jsr": "certify.jsr.bounds",
    "JSRResult": "certify.jsr.bounds",
    "load_family": "certify.jsr.io",
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
    "PNormLyapunovCertificate": "certify.certificates.pnorm",
    "plain_threshold_p": "certify.algorithms.smooth",
    "boltzmann_grad_sup": "certify.algorithms.smooth",
    "pnorm_tradeoff": "certify.algorithms.smooth",
    # NTK (issue 6)
    "analyze_ntk": "certify.algorithms.ntk",
    "Theorem2Result": "certify.algorithms.ntk",
    "MLP": "certify.algorithms.ntk",
    "empirical_ntk": "certify.algorithms.ntk",
    "analyze_ntk_network": "certify.algorithms.ntk",
    "ntk_sweep": "certify.algorithms.ntk",
    "preqn_step": "certify.algorithms.ntk",
    "train_preqn": "certify.algorithms.ntk",
    "train_expected": "certify.algorithms.ntk",
    # gradient TD (issue 7)
    "analyze_sa": "certify.algorithms.td",
    "simulate_td": "certify.algorithms.td",
    "LinearTD": "certify.algorithms.td",
    "mean_run": "certify.algorithms.td",
    # policy gradient (issue 8)
    "run_pg_tabular": "certify.algorithms.pg",
    "run_pg_meanfield": "certify.algorithms.pg",
    "soft_optimal": "certify.algorithms.pg",
    "policy_gradient": "certify.algorithms.pg",
    "run_pg_crossval": "certify.algorithms.pg",
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

# `from certify import *` gives the whole public API (each lazy name is imported then).
__all__ = ["CertifyError", "InvalidCertificate", "InvalidFamily", "InvalidInput", "InvalidMDP",
           "SolverError", "UnknownName", "Verdict", *_LAZY]


def __getattr__(name: str):
    from certify.deprecation import RENAMED

    if name in RENAMED:  # an old name: the new function, warning when called
        from certify.deprecation import deprecated_alias

        return deprecated_alias(__getattr__(RENAMED[name]), name)
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if not name.startswith("_"):  # a subpackage not imported yet (``certify.mdp``)
        import importlib

        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module 'certify' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))  # old names (certify.deprecation) not listed
