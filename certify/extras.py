"""Optional dependencies, grouped in pip extras, and the one error for a missing one.

The core (exact checks, the certificates, ``certify qlearning`` / ``jsr`` / ``smooth`` /
``ntk`` / ``sa`` / ``pg``) needs numpy, scipy, sympy, mpmath, cvxpy (``cvxpy-base``,
without its default solvers) with Clarabel, PyYAML and rich.  The rest is optional:

=============  ======================  =====================================================
extra          packages                used by
=============  ======================  =====================================================
``simulate``   numba                   ``certify simulate``, ``crossval`` (compiled kernels)
``sweep``      dask[distributed],      ``certify sweep`` (cluster, Parquet output,
               pandas, pyarrow         ``SweepResult.to_dataframe()``)
``report``     matplotlib, jinja2      ``certify report``, ``--plot`` figures
``scs``        scs                     ``--solver SCS`` (the default solver is Clarabel)
``torch``      torch (CPU build)       ``certify ntk model`` with a PyTorch Q-network
``jax``        jax, jaxlib             ``certify ntk model`` with a JAX Q-network
``all``        simulate, sweep,        ``make`` installs ``.[dev,all,torch]``
               report, scs
=============  ======================  =====================================================
"""

from __future__ import annotations

import importlib
from types import ModuleType

from certify.errors import CertifyError

EXTRAS: dict[str, str] = {"numba": "simulate", "distributed": "sweep", "dask": "sweep",
                          "pandas": "sweep", "pyarrow": "sweep", "matplotlib": "report",
                          "jinja2": "report", "scs": "scs", "torch": "torch", "jax": "jax",
                          "jaxlib": "jax"}
"""The extra that installs each optional top-level module."""

IN_ALL: frozenset[str] = frozenset({"simulate", "sweep", "report", "scs"})
"""The extras that ``certify[all]`` includes (torch and jax are left to the user)."""


class MissingExtra(CertifyError, ImportError):
    """An optional dependency is not installed; the message names the pip extra."""


def require(module: str, extra: str | None = None) -> ModuleType:
    """Import ``module`` or raise :class:`MissingExtra` with a one-line fix.

    >>> require("math").sqrt(4.0)
    2.0
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        name = extra or EXTRAS.get(top)
        if name is None:
            raise
        also = " (or 'certify[all]')" if name in IN_ALL else ""
        raise MissingExtra(f"this needs the optional package {top!r}, which is not installed: "
                           f"pip install 'certify[{name}]'{also}") from exc


def available(module: str) -> bool:
    """True when ``module`` can be imported (for optional output formats such as Parquet)."""
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


class _PurePythonNumba:
    """Stands in for numba when the ``simulate`` extra is missing, so that modules holding
    compiled kernels still import (their parsers, constants and pure-Python helpers are used
    by the core).  ``njit`` leaves a function as plain Python, ``prange`` is ``range``; the
    simulation entry points call :func:`require` first and so report the missing extra."""

    prange = range

    @staticmethod
    def njit(*args, **kwargs):
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return args[0]
        return lambda f: f


def numba_or_fallback():
    """numba when installed, else :class:`_PurePythonNumba`."""
    return numba_module if (numba_module := _try("numba")) is not None else _PurePythonNumba()


def _try(module: str) -> ModuleType | None:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None
