"""certify: certified convergence theory for reinforcement-learning algorithms.

The public API is re-exported here explicitly (cvxpy style).
"""

from .errors import CertifyError as CertifyError
from .errors import InvalidCertificate as InvalidCertificate
from .errors import InvalidFamily as InvalidFamily
from .errors import InvalidInput as InvalidInput
from .errors import InvalidMDP as InvalidMDP
from .errors import SolverError as SolverError
from .errors import UnknownName as UnknownName
from .verdict import Verdict as Verdict

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
    "selection_jsr": "certify.jsr.selection_exact",
    "FiniteMDP": "certify.mdp",
    "Problem": "certify.mdp",
    "Sampling": "certify.mdp",
    "load_problem": "certify.mdp",
    "q_star": "certify.mdp",
    "sampling_from_d": "certify.mdp",
    "uniform_sampling": "certify.mdp",
    "QLearningResult": "certify.qlearning",
    "certify_qlearning": "certify.qlearning",
    "SolverOptions": "certify.solver_options",
    "DirectFamily": "certify.systems.qlearning",
    "row_sum_rate": "certify.systems.qlearning",
    # JSR engine (issue 4)
    "jsr_bounds": "certify.jsr.bounds",
    "JSRResult": "certify.jsr.bounds",
    "load_family": "certify.jsr.io",
    "comparison_jsr": "certify.jsr.comparison",
    "gallery_names": "certify.jsr.gallery",
    "gallery_entry": "certify.jsr.gallery",
    # simulation, bounds and cross-validation (issue 3)
    "simulate_qlearning": "certify.simulate",
    "QSimulation": "certify.simulate",
    "StepSize": "certify.simulate",
    "mean_recursion": "certify.simulate",
    "crossval_qlearning": "certify.crossval",
    "CrossvalResult": "certify.crossval",
    "fit_transient_rate": "certify.crossval",
    "noise_constants": "certify.bounds",
    "max_norm_bound": "certify.bounds",
    "reference_filter_bound": "certify.bounds",
    "quadratic_curve": "certify.bounds",
    "mixing_constants": "certify.mixing",
    "MixingConstants": "certify.mixing",
    "markov_reference_bound": "certify.bounds_markov",
    # smooth Q-learning (issue 5)
    "analyze_smooth": "certify.smooth",
    "SmoothResult": "certify.smooth",
    "PNormLyapunovCertificate": "certify.smooth",
    "plain_threshold_p": "certify.smooth",
    "boltzmann_grad_sup": "certify.smooth",
    "pnorm_tradeoff": "certify.smooth",
    # NTK (issue 6)
    "theorem2": "certify.ntk",
    "Theorem2Result": "certify.ntk",
    "MLP": "certify.ntk",
    "empirical_ntk": "certify.ntk",
    "analyse_network": "certify.ntk",
    "ntk_sweep": "certify.ntk",
    "preqn_step": "certify.ntk",
    "train_preqn": "certify.ntk",
    "train_expected": "certify.ntk",
    # gradient TD (issue 7)
    "check_sa": "certify.td",
    "simulate_td": "certify.td",
    "LinearTD": "certify.td",
    "mean_run": "certify.td",
    # policy gradient (issue 8)
    "pg_tabular": "certify.pg",
    "pg_meanfield": "certify.pg",
    "soft_optimal": "certify.pg",
    "policy_gradient": "certify.pg",
    "pg_crossval": "certify.pg",
    "flow_monotonicity": "certify.pg",
    # reports and claims (issue 9)
    "qlearning_report": "certify.report",
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
    if not name.startswith("_"):  # a subpackage not imported yet (``certify.mdp``)
        import importlib

        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module 'certify' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
