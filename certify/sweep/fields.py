"""Recorded fields: dotted paths into a command's JSON document.

``record: [direct_jsr.upper, cqlf.rate]`` names fields of the document a command returns
(:data:`certify.commands.COMMANDS`).  Unknown fields are caught as early as possible:

* for a command listed in :data:`DECLARED_FIELDS`, when the grid is read, before anything
  runs (a test keeps the list equal to the fields the command really returns);
* for any other command, against the document of the first cell that succeeds: the sweep
  then stops with the list of valid fields (exit code 2).

A declared field that a particular cell's document lacks (e.g. ``cqlf.solver`` when the CQLF
was skipped) is recorded as empty.
"""

from __future__ import annotations

import json
from typing import Any

from certify.errors import UnknownName

_QL = """alpha mdp mdp.gamma mdp.n_actions mdp.n_states mdp.name notes pi_star q_star row_sum_rate
sampling sampling.d_max sampling.d_min sampling.description sampling.kind speedup
trivial_lower_rate verdict
comparison comparison.lower_system comparison.lower_system.lower comparison.lower_system.policy
comparison.lower_system.upper comparison.lower_system.verdict comparison.upper_system
cqlf cqlf.bisection_steps cqlf.certificate cqlf.certificate.claim cqlf.certificate.kind
cqlf.certificate.verdict cqlf.rate cqlf.reason cqlf.seconds cqlf.solver cqlf.solver.settings
cqlf.solver.solver cqlf.solver.status cqlf.verdict
direct_jsr direct_jsr.certificate direct_jsr.certificate.kind direct_jsr.certificate.reason
direct_jsr.certificate.verdict direct_jsr.iterations direct_jsr.lower direct_jsr.lower_certificate
direct_jsr.lower_certificate.kind direct_jsr.lower_certificate.reason
direct_jsr.lower_certificate.verdict direct_jsr.nonnegative_family direct_jsr.policy
direct_jsr.timings direct_jsr.timings.exact_check_s direct_jsr.timings.search_s direct_jsr.upper
direct_jsr.verdict
finite_time finite_time.max_norm finite_time.max_norm.alpha finite_time.max_norm.formula
finite_time.max_norm.kind finite_time.mean_square finite_time.seed_theorem2
finite_time.max_norm.kappa finite_time.max_norm.noise_floor finite_time.max_norm.rate
finite_time.max_norm.trivial finite_time.max_norm.vacuous
finite_time.max_norm.w_inf finite_time.quadratic finite_time.quadratic.W
finite_time.quadratic.alpha finite_time.quadratic.formula finite_time.quadratic.lambda_max_X
finite_time.quadratic.noise_floor finite_time.quadratic.rate
q_star_check q_star_check.bellman_residual q_star_check.certified_states q_star_check.error_bound
q_star_check.iterations q_star_check.krylov_iterations q_star_check.method
q_star_check.min_action_gap q_star_check.n_states q_star_check.notes
q_star_check.policy_certified_optimal q_star_check.seconds
timings timings.bounds_s timings.cqlf_s timings.direct_jsr_s timings.lower_comparison_s
timings.q_star_s
cqlf.rate_exact direct_jsr.lower_exact direct_jsr.upper_exact row_sum_rate_exact
trivial_lower_rate_exact direct_jsr.margin direct_jsr.fragile finite_time.seed_theorem2"""

DECLARED_FIELDS: dict[str, frozenset[str]] = {"qlearning": frozenset(_QL.split())}
"""Every dotted field a command's document can hold (union over the cases it covers)."""

_MISSING = object()


def field_paths(doc: dict, prefix: str = "") -> list[str]:
    """All dotted paths of a nested dict (lists are leaves), in document order."""
    out: list[str] = []
    for k, v in doc.items():
        out.append(prefix + str(k))
        if isinstance(v, dict):
            out.extend(field_paths(v, f"{prefix}{k}."))
    return out


def lookup(doc: dict, path: str) -> Any:
    """The value at dotted ``path``, or the module's missing marker."""
    cur: Any = doc
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return _MISSING
        cur = cur[part]
    return cur


def is_missing(value: Any) -> bool:
    return value is _MISSING


def cell_value(value: Any) -> Any:
    """A row value: scalars as they are, lists and dicts as compact JSON, missing as None."""
    if value is _MISSING:
        return None
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), default=str)
    return value


def unknown_fields_error(command: str, unknown: list[str], valid: list[str]) -> UnknownName:
    from certify.errors import did_you_mean

    hint = "".join(did_you_mean(f, valid) for f in unknown)  # before the long list is cut
    return UnknownName(f"record: unknown fields {unknown}{hint} for command {command!r}; valid "
                       f"fields are {valid}")


def check_record(command: str, record: list[str]) -> None:
    """Refuse fields not declared for ``command`` (no-op for undeclared commands)."""
    declared = DECLARED_FIELDS.get(command)
    if declared is None:
        return
    unknown = [r for r in record if r not in declared]
    if unknown:
        raise unknown_fields_error(command, unknown, sorted(declared))
