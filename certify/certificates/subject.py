"""What a certificate is about: its subject, a content hash of it, and a description.

A certificate's claim concerns exact problem data that its witness embeds: a matrix family
(explicit matrices, or a Q-learning direct family given by P, d, alpha and gamma), a kernel
and replay distribution, an MDP.  The *subject* is that data, without free-text labels
(a family's ``name`` is a label: it never enters the hash).  Its SHA-256 over canonical JSON
(sorted keys, no spaces, floats as the shortest repr that reads back to the same double) ties
a saved certificate to its problem: ``certify verify CERT --against PROBLEM`` rebuilds the
subject from the problem and refuses a certificate whose hash differs.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

LABEL_KEYS = frozenset({"name"})
"""Keys of family specs that are labels, not data."""


def _strip_labels(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _strip_labels(v) for k, v in x.items() if k not in LABEL_KEYS}
    if isinstance(x, list | tuple):
        return [_strip_labels(v) for v in x]
    return x


def subject_of(witness: dict, fields: tuple[str, ...]) -> dict:
    """The subject: the listed witness fields, labels removed.

    Raises
    ------
    KeyError
        A listed field is missing from the witness.
    """
    return {f: _strip_labels(witness[f]) for f in fields}


def subject_hash(subject: dict) -> str:
    """SHA-256 (hex) of the canonical JSON of ``subject``."""
    text = json.dumps(subject, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _shape(m: Any) -> str:
    rows = len(m) if isinstance(m, list) else 0
    cols = len(m[0]) if rows and isinstance(m[0], list) else 0
    return f"{rows}x{cols}"


def describe_subject(subject: dict) -> str:
    """One line on the data a certificate is about (sizes and parameters, not values)."""
    fam = subject.get("family")
    if isinstance(fam, dict):
        kind = fam.get("type", "matrices")
        if kind == "matrices":
            mats = fam.get("matrices", [])
            return f"a family of {len(mats)} matrices of size {_shape(mats[0]) if mats else '0x0'}"
        if kind.startswith("direct-qlearning"):
            shape = fam.get("P", {}).get("shape", ["?", "?"])
            return (f"the direct Q-learning family of an MDP with {shape[1]} states and "
                    f"{fam.get('n_actions', '?')} actions, alpha = {fam.get('alpha')}, "
                    f"gamma = {fam.get('gamma')}")
        return f"a family of type {kind!r}"
    if "K" in subject:
        return f"a kernel K of size {_shape(subject['K'])} with replay distribution rho"
    if "P" in subject:
        shape = subject["P"].get("shape", ["?", "?"]) if isinstance(subject["P"], dict) else "?"
        return f"an MDP with {shape[0]} state-action pairs and {shape[1]} states"
    if "R" in subject:
        return f"an MDP with rewards of size {_shape(subject['R'])}"
    return "data: " + ", ".join(sorted(subject))
