"""Reading matrix families from files: JSON ``{"matrices": [[[...]]]}`` or NPZ ``matrices``.

Complex entries are refused (the message of :func:`certify.families.matrix.validate_matrices`
says how to write a complex family as a real one with the same JSR).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from certify.errors import InvalidFamily, InvalidInput, found
from certify.families.matrix import Family, MatrixFamily

FAMILY_KEYS: tuple[str, ...] = ("matrices", "name", "description", "source", "value",
                                 "value_float", "precision", "exact_expected")
"""The fields of a JSON family file: ``matrices`` and what the gallery files record beside it
(their name, source and known value); any other field is refused, as a misspelling would
otherwise be ignored silently."""

MAX_MEMBERS_MATERIALISED = 256
"""A structured family (e.g. a SelectionFamily) is listed member by member only up to this size."""


def load_family(path: str | Path) -> MatrixFamily:
    """Read a family file (JSON or NPZ, see module docstring).

    Parameters
    ----------
    path : str or Path
        A ``.json`` or ``.npz`` family file, or the name of a gallery family
        (:func:`certify.gallery_names`) when no such file exists.
    """
    import os

    if not isinstance(path, str | os.PathLike):
        raise InvalidInput(f"path: expected a family file or a gallery name (str or Path), found "
                           f"{found(path)}")
    p = Path(path)
    if not p.exists() and not p.suffix and len(p.parts) == 1:
        from certify.data import path_of  # a gallery name (package data): `certify jsr golden`

        p = path_of("families", str(path))
    if not p.exists():
        raise InvalidInput(f"family file {str(path)!r} does not exist")
    if p.is_dir():
        raise InvalidFamily(f"family file {str(path)!r} is a folder; expected a .json or .npz file")
    from certify.safeio import check_npz, check_regular, load_json, read_text

    check_regular(p, "family file")
    suffix = p.suffix.lower()
    if suffix == ".npz":
        check_npz(p, "family file", InvalidFamily)  # sizes from the headers, before decompressing
        try:
            with np.load(p, allow_pickle=False) as data:
                if "matrices" not in data.files:
                    raise InvalidFamily(f"{p.name}: expected an array 'matrices' of shape "
                                        f"(m, n, n), found arrays {sorted(data.files)}")
                arr = np.asarray(data["matrices"])
        except (OSError, ValueError) as exc:
            raise InvalidFamily(f"{p.name}: cannot read as NPZ ({exc})") from exc
        if arr.ndim != 3:
            raise InvalidFamily(f"{p.name}: 'matrices' has shape {arr.shape}; expected (m, n, n)")
        return MatrixFamily(tuple(arr), p.stem)
    if suffix == ".json":
        doc = load_json(read_text(p, "family file", InvalidFamily), p.name, InvalidFamily)
        if not isinstance(doc, dict) or "matrices" not in doc:
            raise InvalidFamily(f"{p.name}: expected a JSON object with a 'matrices' entry "
                                "(a list of square matrices)")
        unknown = sorted(set(map(str, doc)) - set(FAMILY_KEYS))
        if unknown:
            from certify.errors import did_you_mean

            hint = "".join(did_you_mean(k, FAMILY_KEYS) for k in unknown)
            raise InvalidFamily(f"{p.name}: unknown keys {unknown}{hint}; allowed keys are "
                                f"{list(FAMILY_KEYS)}")
        if not isinstance(doc["matrices"], list):
            raise InvalidFamily(f"{p.name}: 'matrices' is {doc['matrices']!r}; expected a list of "
                                "square matrices")
        return as_family(doc["matrices"], str(doc.get("name", p.stem)))
    raise InvalidFamily(f"{p.name}: unknown file type {suffix!r}; expected .json or .npz")


def as_family(obj: Family | Sequence | str | Path, name: str = "family") -> Family:
    """A family from a Family, a list of matrices, or a path to a family file."""
    if isinstance(obj, str | Path):
        return load_family(obj)
    if hasattr(obj, "exact_matrices") and hasattr(obj, "dim"):
        return obj  # type: ignore[return-value]
    if not isinstance(obj, Sequence | np.ndarray):
        raise InvalidFamily(f"matrices: expected a list of square matrices, found "
                            f"{type(obj).__name__}")
    mats = []
    for i, m in enumerate(obj):
        try:
            arr = np.asarray(m)
        except ValueError as exc:
            raise InvalidFamily(f"matrices[{i}]: ragged rows ({exc})") from exc
        if arr.dtype == object:
            raise InvalidFamily(f"matrices[{i}]: ragged rows or non-numeric entries")
        mats.append(arr)
    return MatrixFamily(tuple(mats), name)


def check_listable(family: Family) -> Family:
    """``family`` itself, after checking that its members can be listed one by one.

    A structured family (a SelectionFamily) keeps its own exact entries: its members are
    listed through ``float_matrices()`` / ``exact_matrices()``, never re-read from rounded
    floats.
    """
    if family.size > MAX_MEMBERS_MATERIALISED:
        raise InvalidFamily(f"family {getattr(family, 'name', '')!r} has {family.size} members; "
                            f"at most {MAX_MEMBERS_MATERIALISED} can be listed one by one")
    return family
