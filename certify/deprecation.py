"""Old names of public entry points, kept as thin aliases that warn.

The entry points follow one verb style (``docs/architecture.md``): ``analyze_<thing>``
returns a frozen result, ``crossval_<thing>`` / ``simulate_<thing>`` evidence, and
``run_<command>`` the JSON document of a registry command.  :data:`RENAMED` maps each
older name to its new one; calling an old name works and emits a DeprecationWarning.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

RENAMED: dict[str, str] = {
    "certify_qlearning": "analyze_qlearning",
    "theorem2": "analyze_ntk",
    "analyse_network": "analyze_ntk_network",
    "check_sa": "analyze_sa",
    "jsr_bounds": "analyze_jsr",
    "pg_tabular": "run_pg_tabular",
    "pg_meanfield": "run_pg_meanfield",
    "pg_crossval": "run_pg_crossval",
}
"""Old public name -> new public name."""


def deprecated_alias(func: Callable[..., Any], old: str) -> Callable[..., Any]:
    """``func`` under its old name ``old``: the same call, with a DeprecationWarning.

    Parameters
    ----------
    func : callable
        The entry point under its new name.
    old : str
        The name it had before.
    """

    @functools.wraps(func)
    def alias(*args: Any, **kwargs: Any) -> Any:
        warnings.warn(f"{old} is deprecated; use {func.__name__} (same arguments)",
                      DeprecationWarning, stacklevel=2)
        return func(*args, **kwargs)

    alias.__name__ = alias.__qualname__ = old
    return alias
