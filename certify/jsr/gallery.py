"""The benchmark gallery: matrix families from the literature with known JSR values.

Each family is a JSON file under ``certify/data/families/`` (package data, so the names work
after ``pip install``: ``certify jsr golden``) with ``matrices`` and

* ``value`` / ``value_float``: the known JSR (a formula and its float), or null when no
  exact value is known (then the engine must report a bracket only);
* ``precision``: the relative width within which the certified bracket must contain the
  value (0 means lower = upper = value exactly);
* ``exact_expected``: whether a finite s.m.p. is known (the finiteness property holds);
* ``source``: where the value comes from.

:func:`check_entry` runs :func:`~certify.jsr.bounds.analyze_jsr` on an entry and says
whether the certified bracket reproduces the value within the stated precision.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from certify.errors import UnknownName
from certify.families.matrix import MatrixFamily

GALLERY_DIR = Path(__file__).resolve().parents[1] / "data" / "families"


@dataclass(frozen=True)
class GalleryEntry:
    """One gallery family and what the literature says of its JSR."""

    name: str
    family: MatrixFamily
    value: str | None
    value_float: float | None
    precision: float | None
    exact_expected: bool
    source: str

    @classmethod
    def from_file(cls, path: Path) -> GalleryEntry:
        doc = json.loads(path.read_text())
        fam = MatrixFamily(tuple(np.asarray(m, dtype=float) for m in doc["matrices"]), doc["name"])
        return cls(doc["name"], fam, doc.get("value"), doc.get("value_float"),
                   doc.get("precision"), bool(doc.get("exact_expected", False)), doc["source"])


def gallery_names(directory: Path = GALLERY_DIR) -> list[str]:
    """Names of the gallery families (the JSON files in ``directory``).

    Parameters
    ----------
    directory : Path
        The gallery folder.

    Raises
    ------
    certify.data.MissingPackageData
        If the folder is missing or holds no family (a broken installation): never ``[]``.
    """
    if Path(directory) == GALLERY_DIR:
        from certify.data import names

        return names("families")
    found = sorted(p.stem for p in Path(directory).glob("*.json"))
    if not found:
        from certify.data import MissingPackageData

        raise MissingPackageData(f"gallery: no family file (*.json) in {str(directory)!r}")
    return found


def gallery_entry(name: str, directory: Path = GALLERY_DIR) -> GalleryEntry:
    """The gallery family ``name`` with its known value, precision and source.

    Parameters
    ----------
    name : str
        A name from :func:`gallery_names`.
    directory : Path
        The gallery folder.
    """
    path = directory / f"{name}.json"
    if not path.exists():
        raise UnknownName(f"gallery: unknown family {name!r}; known families are "
                          f"{gallery_names(directory)}")
    return GalleryEntry.from_file(path)


@dataclass(frozen=True)
class GalleryCheck:
    """Outcome of :func:`check_entry`: the certified bracket against the known value."""

    name: str
    lower: float
    upper: float
    value_float: float | None
    reproduced: bool
    exact: bool
    closed_by: str
    seconds: float

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def check_entry(entry: GalleryEntry, methods=None, budget: float = 30.0) -> GalleryCheck:
    """Bracket ``entry``'s JSR and compare it with the known value.

    Reproduced means: the certified bracket [lower, upper] has width <= precision * value and
    meets [value (1 - precision), value (1 + precision)] (the stated value may be a rounded
    literature figure); for families with no known value: a certified bracket that is *not*
    claimed exact.
    """
    from certify.jsr.bounds import analyze_jsr

    res = analyze_jsr(entry.family, methods, budget)
    by = res.history[-1][2] if res.history else "-"
    ok = math.isfinite(res.lower) and math.isfinite(res.upper)
    if entry.value_float is not None and ok:
        v = entry.value_float
        slack = 4e-16 * max(abs(v), 1e-300)  # the stated value is itself a rounded double
        tol = (entry.precision or 0.0) * abs(v) + slack
        ok = (res.lower <= v + tol and v - tol <= res.upper
              and res.upper - res.lower <= tol + slack)
    elif entry.value_float is None and entry.precision is None:
        ok = ok and not res.exact and res.lower < res.upper
    return GalleryCheck(entry.name, res.lower, res.upper, entry.value_float, bool(ok), res.exact, by,
                        res.seconds)


def run_gallery_check(name: str, methods=None, budget: float = 30.0) -> dict:
    """Commands-registry entry: one gallery family checked, with a ``verdict`` field."""
    check = check_entry(gallery_entry(name), methods, budget)
    return dict(check.to_dict(), verdict="certified" if check.reproduced else "inconclusive")
