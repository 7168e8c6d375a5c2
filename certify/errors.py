"""The error types of certify: one place for all of them.

Every error subclasses :class:`CertifyError` and the built-in exception that fits
(``ValueError`` for bad data, ``RuntimeError`` for solver trouble), as python-control does
in ``control/exception.py``.  Messages name the field, the offending value and what was
expected; the command line turns any :class:`CertifyError` into exit code 2 without a
traceback.
"""

from __future__ import annotations

from collections.abc import Iterable


class CertifyError(Exception):
    """Base class of every error raised on purpose by certify."""


class InvalidInput(CertifyError, ValueError):
    """A value given by the user is malformed or out of range."""


class InvalidMDP(InvalidInput):
    """The data of a finite MDP (P, R, gamma, sampling) is invalid."""


class InvalidFamily(InvalidInput):
    """A matrix family is empty, ragged, non-square or not finite."""


class InvalidCertificate(InvalidInput):
    """A certificate document cannot be read back (wrong kind, missing or malformed field)."""


class UnknownName(InvalidInput):
    """A name (built-in problem, method, operator, field) is not one certify knows."""


class SolverError(CertifyError, RuntimeError):
    """A numerical solver failed in a way that leaves no usable result."""


class TeXBuildError(SolverError):
    """The TeX engine failed (its first errors are in the message)."""


class TeXNotFound(TeXBuildError):
    """Neither latexmk nor pdflatex is on the PATH."""


class AssertionSyntaxError(InvalidInput):
    """A claims file's ``assert:`` expression is not in the claims expression language."""


class MissingField(UnknownName):
    """An assertion names a field that the command's output does not have."""


class AssertionTypeError(CertifyError, TypeError):
    """An assertion applied an operation to values of the wrong type (e.g. a null field)."""


def expect(condition: bool, message: str, error: type[CertifyError] = InvalidInput) -> None:
    """Raise ``error(message)`` unless ``condition`` holds."""
    if not condition:
        raise error(message)


class InputTooLarge(InvalidInput):
    """An input exceeds one of the limits of :mod:`certify.limits` (the message names the
    limit and the environment variable that raises it)."""


class UnsafeInput(InvalidInput):
    """An input asks for something a file from an untrusted source may not do (a claims file
    writing outside its scratch folder, starting a cluster, reading a FIFO or a device)."""


class BudgetExhausted(InvalidInput):
    """An exact computation on user data ran past its total budget (e.g. a claim's
    assertions); the message names the budget and how to raise it."""


class InfrastructureError(CertifyError, RuntimeError):
    """The machinery a command runs on failed (no live Dask worker, a lost scheduler); the
    command line exits 2, as for an unreachable scheduler."""


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` naming the choices closest to a misspelled ``name``, or "".

    For the one-line error of an unknown name: ``unknown built-in problem 'seed-sl' (did you
    mean 'seed-sls'?); valid names are ...``.  Closeness is difflib's ratio (at least 0.6),
    so a name that resembles nothing gets no suggestion.

    Parameters
    ----------
    name : str
        The name the user gave.
    choices : iterable of str
        The valid names.
    """
    import difflib

    close = difflib.get_close_matches(str(name), [str(c) for c in choices], n=3, cutoff=0.6)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def found(value: object, longest: int = 60) -> str:
    """``type value`` for the "found ..." of a one-line error about an argument: the type's
    name and the value's repr on one line, cut to ``longest`` characters.

    Parameters
    ----------
    value : object
        The argument as given.
    longest : int
        Characters of the repr kept.

    Examples
    --------
    >>> import numpy as np
    >>> found([np.eye(2)])
    'list [array([[1., 0.], [0., 1.]])]'
    """
    text = " ".join(repr(value).split())
    return f"{type(value).__name__} {text if len(text) <= longest else text[:longest - 3] + '...'}"
