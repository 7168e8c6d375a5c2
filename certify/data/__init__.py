"""Data shipped inside the package, addressable by name after ``pip install certify``.

Three folders, each declared as package data in ``pyproject.toml``:

* ``families/``: the JSR gallery (``certify jsr golden``; see :mod:`certify.jsr.gallery`);
* ``claims/``: claims files stating the main results of the five source papers
  (``certify check --example seed-002-qlearning``; ``seed-002`` also works when it names one
  file), with the data files they refer to by relative path;
* ``sweeps/``: sweep grids (``certify sweep --example small -o small.csv``).

A name is a file's stem (``golden``, ``seed-002-qlearning``, ``small``) or a prefix of
exactly one stem followed by ``-`` (``seed-002``).  A path to an existing file is always
taken as that file, so the packaged files can also be copied, edited and passed by path.

A missing data folder is a broken installation: :func:`names` raises
:class:`MissingPackageData` rather than returning an empty list.

>>> names("sweeps")
['garnet_alpha', 'small']
>>> path_of("claims", "seed-002").name
'seed-002-qlearning.yaml'
"""

from __future__ import annotations

from pathlib import Path

from certify.errors import CertifyError, UnknownName, did_you_mean

KINDS: dict[str, tuple[str, ...]] = {
    "families": (".json",),
    "claims": (".yaml", ".yml"),
    "sweeps": (".yaml", ".yml"),
}

_WHAT = {"families": "gallery family", "claims": "example claims file", "sweeps": "example sweep grid"}


class MissingPackageData(CertifyError, FileNotFoundError):
    """The package's data folder is not installed (a wheel built without its package data)."""


def data_folder(kind: str) -> Path:
    """The installed folder of ``kind`` (``families``, ``claims`` or ``sweeps``).

    Parameters
    ----------
    kind : str
        One of :data:`KINDS`.

    Raises
    ------
    MissingPackageData
        If the folder is not installed, or holds no file of its kind.
    """
    if kind not in KINDS:
        raise UnknownName(f"package data: unknown kind {kind!r}; expected one of {sorted(KINDS)}")
    folder = Path(__file__).resolve().parent / kind
    if not folder.is_dir() or not any(p.suffix in KINDS[kind] for p in folder.iterdir()):
        raise MissingPackageData(
            f"package data: the folder {kind}/ of certify.data is missing or empty at {folder}; "
            "the installation is incomplete (reinstall certify from a wheel or a source tree)")
    return folder


def names(kind: str) -> list[str]:
    """Sorted names (file stems) of the packaged files of ``kind``.

    Parameters
    ----------
    kind : str
        ``families``, ``claims`` or ``sweeps``.
    """
    folder = data_folder(kind)
    return sorted(p.stem for p in folder.iterdir() if p.is_file() and p.suffix in KINDS[kind])


def path_of(kind: str, name: str) -> Path:
    """The packaged file named ``name`` (a stem, or a prefix of exactly one stem before ``-``).

    Parameters
    ----------
    kind : str
        ``families``, ``claims`` or ``sweeps``.
    name : str
        A name from :func:`names`, or an unambiguous prefix such as ``seed-002``.

    Raises
    ------
    UnknownName
        If no packaged file (or more than one) has that name.
    """
    known = names(kind)
    folder = data_folder(kind)
    stem = name
    if name not in known:
        hits = [n for n in known if n.startswith(f"{name}-")]
        if len(hits) != 1:
            why = (f"is ambiguous ({', '.join(hits)})" if hits else
                   f"is unknown{did_you_mean(name, known)}")
            raise UnknownName(f"{_WHAT[kind]} {name!r} {why}; the packaged names are "
                              f"{', '.join(known)}")
        stem = hits[0]
    for suffix in KINDS[kind]:
        path = folder / f"{stem}{suffix}"
        if path.is_file():
            return path
    raise UnknownName(f"{_WHAT[kind]} {name!r}: no file")  # pragma: no cover - names() found it


def resolve(kind: str, arg: str | Path) -> Path:
    """A path given by the user: an existing file as it is, else a packaged name.

    Parameters
    ----------
    kind : str
        ``families``, ``claims`` or ``sweeps``.
    arg : str or Path
        A file path or a packaged name.

    Returns
    -------
    Path
        ``arg`` itself if it exists (or looks like a path: has a folder part or a suffix, so
        the caller's loader reports a missing file), else the packaged file of that name.
    """
    p = Path(arg)
    if p.exists() or p.suffix or len(p.parts) != 1:
        return p
    return path_of(kind, str(arg))


def shown_path(kind: str, path: str | Path) -> str:
    """A file as the user named it, for titles: a packaged one by its file name
    (``small.yaml``), not by its path inside site-packages; any other path unchanged.

    Parameters
    ----------
    kind : str
        ``families``, ``claims`` or ``sweeps``.
    path : str or Path
        The file (from :func:`from_arguments` or :func:`resolve`).
    """
    p = Path(path)
    try:
        packaged = p.parent.resolve() == data_folder(kind).resolve()
    except MissingPackageData:
        packaged = False
    return p.name if packaged else str(p)


def from_arguments(kind: str, given: str | Path | None, example: str | None, what: str) -> Path:
    """The file of a command that takes ``FILE`` or ``--example NAME`` (exactly one of them).

    Parameters
    ----------
    kind : str
        ``claims`` or ``sweeps``.
    given : str, Path or None
        The positional argument: a path, or a packaged name (see :func:`resolve`).
    example : str or None
        The ``--example`` argument: a packaged name.
    what : str
        The positional argument's name in messages (``CLAIMS.yaml``, ``GRID``).
    """
    from certify.errors import InvalidInput

    if given is not None and example is not None:
        raise InvalidInput(f"give either {what} or --example NAME, not both")
    if example is not None:
        return path_of(kind, example)
    if given is None:
        raise InvalidInput(f"{what}: missing; give a file or --example NAME (one of "
                           f"{', '.join(names(kind))})")
    return resolve(kind, given)
