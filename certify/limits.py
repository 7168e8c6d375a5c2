"""Input limits: stated once, checked before anything is allocated.

Every input certify reads from a user (problem, family, grid, claims, certificate and
sampling files, built-in names such as ``garnet:S:A:b:seed``) is checked against these
limits *before* the memory or time it would take is spent.  Each limit is raised by an
environment variable (``CERTIFY_MAX_...=N``); a refusal is one line naming the limit, the
value found and the variable to set, and exits with code 2 (:class:`InputTooLarge`).

==========================  =================  ==========================================
variable                    default            bounds
==========================  =================  ==========================================
CERTIFY_MAX_FILE_BYTES      64 MiB             the size of one input file
CERTIFY_MAX_DEPTH           32                 the nesting depth of a YAML/JSON document
CERTIFY_MAX_YAML_ALIASES    1000               the aliases (``*name``) in one YAML file
CERTIFY_MAX_ENTRIES         20,000,000         the numbers in one document or array (after
                                               YAML aliases are expanded), matrix entries
CERTIFY_MAX_STATES          1,000,000          the states of an MDP
CERTIFY_MAX_ACTIONS         100,000            the actions of an MDP
CERTIFY_MAX_PAIRS           2,000,000          the state-action pairs of an MDP
CERTIFY_MAX_MATRIX_DIM      4096               the size n of the n x n matrices of a family
CERTIFY_MAX_NPZ_BYTES       1 GiB              the uncompressed arrays of an NPZ file,
                                               read from the array headers
CERTIFY_MAX_GRID_CELLS      100,000            the cells of a sweep grid
CERTIFY_MAX_MAGNITUDE       1e15               the absolute value of an input number (the
                                               exact arithmetic and the floating-point
                                               bounds derived from it must not overflow)
==========================  =================  ==========================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from certify.errors import InputTooLarge, InvalidInput


@dataclass(frozen=True)
class Limit:
    """One limit: its environment variable, default and what it bounds."""

    env: str
    default: float
    what: str

    def value(self) -> float:
        """The limit in force: the environment variable if set, else the default."""
        raw = os.environ.get(self.env, "").strip()
        if not raw:
            return self.default
        try:
            v = float(raw)
        except ValueError:
            raise InvalidInput(f"{self.env}={raw!r}: expected a positive number") from None
        if not v > 0:
            raise InvalidInput(f"{self.env}={raw!r}: expected a positive number")
        return v


LIMITS: dict[str, Limit] = {
    "file_bytes": Limit("CERTIFY_MAX_FILE_BYTES", 64 * 2**20, "the size of the file in bytes"),
    "depth": Limit("CERTIFY_MAX_DEPTH", 32, "the nesting depth of the document"),
    "aliases": Limit("CERTIFY_MAX_YAML_ALIASES", 1000, "the number of YAML aliases"),
    "entries": Limit("CERTIFY_MAX_ENTRIES", 20_000_000,
                     "the number of values (aliases expanded)"),
    "states": Limit("CERTIFY_MAX_STATES", 1_000_000, "the number of states"),
    "actions": Limit("CERTIFY_MAX_ACTIONS", 100_000, "the number of actions"),
    "pairs": Limit("CERTIFY_MAX_PAIRS", 2_000_000, "the number of state-action pairs"),
    "matrix_dim": Limit("CERTIFY_MAX_MATRIX_DIM", 4096, "the matrix size n"),
    "npz_bytes": Limit("CERTIFY_MAX_NPZ_BYTES", 2**30, "the uncompressed size in bytes"),
    "grid_cells": Limit("CERTIFY_MAX_GRID_CELLS", 100_000, "the number of grid cells"),
    "magnitude": Limit("CERTIFY_MAX_MAGNITUDE", 1e15, "the absolute value of a number"),
}


def limit(name: str) -> float:
    """The value in force of the limit ``name`` (a key of :data:`LIMITS`)."""
    return LIMITS[name].value()


def check(name: str, found: float, where: str) -> None:
    """Raise :class:`InputTooLarge` when ``found`` exceeds the limit ``name``.

    The message is one line: where, what was found, the limit, and how to raise it.
    """
    lim = LIMITS[name]
    cap = lim.value()
    if found > cap:
        raise InputTooLarge(f"{where}: {lim.what} is {_show(found)}, over the limit of "
                            f"{_show(cap)}; set the environment variable {lim.env} to raise it")


def check_product(name: str, factors: tuple[int, ...], where: str) -> None:
    """:func:`check` on the product of ``factors`` (computed in Python integers: no overflow)."""
    total = 1
    for f in factors:
        total *= max(int(f), 0)
    check(name, total, where)


def _show(x: float) -> str:
    if float(x).is_integer() and abs(x) < 1e18:
        return f"{int(x):,}"
    return f"{x:g}"


def check_mdp_size(n_states: int, n_actions: int, where: str) -> None:
    """Refuse an MDP with more states, actions or pairs than the limits allow."""
    check("states", n_states, where)
    check("actions", n_actions, where)
    check("pairs", n_states * n_actions, where)
