"""Entropy-regularised policy gradient: tabular rates and the mean-field condition (seed 004).

The names below load their module on first use (PEP 562), so that importing one module of
the package (a certificate re-checking its bounds, say) does not run the others.
"""

import importlib

_EXPORTS: dict[str, str] = {
    "run_pg_crossval": "certify.algorithms.pg.analysis",
    "run_pg_meanfield": "certify.algorithms.pg.analysis",
    "pg_simulate": "certify.algorithms.pg.analysis",
    "run_pg_tabular": "certify.algorithms.pg.analysis",
    # deprecated names (certify.deprecation)
    "pg_crossval": "certify.algorithms.pg.analysis",
    "pg_meanfield": "certify.algorithms.pg.analysis",
    "pg_tabular": "certify.algorithms.pg.analysis",
    "MeanFieldConstants": "certify.algorithms.pg.constants",
    "bound_constants": "certify.algorithms.pg.constants",
    "margin_bounds": "certify.algorithms.pg.constants",
    "CouplingResult": "certify.algorithms.pg.coupling",
    "coupled_run": "certify.algorithms.pg.coupling",
    "MeanField": "certify.algorithms.pg.meanfield",
    "make_meanfield": "certify.algorithms.pg.meanfield",
    "MonotoneResult": "certify.algorithms.pg.monotone",
    "flow_monotonicity": "certify.algorithms.pg.monotone",
    "SoftSolution": "certify.algorithms.pg.soft",
    "occupancy": "certify.algorithms.pg.soft",
    "regularised_value": "certify.algorithms.pg.soft",
    "soft_optimal": "certify.algorithms.pg.soft",
    "TabularResult": "certify.algorithms.pg.tabular",
    "policy_gradient": "certify.algorithms.pg.tabular",
    "run_tabular": "certify.algorithms.pg.tabular",
    "smoothness_bound_exact": "certify.algorithms.pg.tabular",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'certify.algorithms.pg' has no attribute {name!r}")
