"""Checks of the flag and count arguments of the Python API: one place for each.

Python turns any object into a truth value and numpy accepts many things as a seed, so
``analyze_qlearning(..., cqlf="no")`` would run the SDP (``"no"`` is truthy) and
``analyze_jsr(..., seed="a")`` would be recorded as given.  The public ``analyze_*`` and
``run_*`` functions pass such arguments through these checks, which raise
:class:`certify.errors.InvalidInput` naming the argument, the value found
(:func:`certify.errors.found`) and what was expected.

>>> check_flag(False, "cqlf")
False
>>> check_count(3, "steps")
3
>>> check_flag("no", "cqlf")
Traceback (most recent call last):
    ...
certify.errors.InvalidInput: cqlf: expected True or False, found str 'no'
"""

from __future__ import annotations

import numpy as np

from certify.errors import InvalidInput, found


def check_flag(value: object, field: str, optional: bool = False) -> bool | None:
    """``value`` as a bool: True or False (numpy's bools too), or None when ``optional``.

    Parameters
    ----------
    value : object
        The argument as given.
    field : str
        The argument's name, for the error message.
    optional : bool
        Whether None (meaning "decide automatically") is accepted.

    Raises
    ------
    InvalidInput
        For anything else (``"no"``, ``0``, ``1``): a truthy string must not switch a
        computation on.
    """
    if value is None and optional:
        return None
    if not isinstance(value, bool | np.bool_):
        raise InvalidInput(f"{field}: expected True or False{' or None' if optional else ''}, "
                           f"found {found(value)}")
    return bool(value)


def check_count(value: object, field: str, minimum: int = 1) -> int:
    """``value`` as an int, which must be an integer (not a bool, float or string) >= ``minimum``.

    Parameters
    ----------
    value : object
        The argument as given (a Python or numpy integer).
    field : str
        The argument's name, for the error message.
    minimum : int
        The smallest value accepted.

    Raises
    ------
    InvalidInput
        Naming ``field``, the value found and the range expected.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer) \
            or int(value) < minimum:
        raise InvalidInput(f"{field}: expected an integer >= {minimum}, found {found(value)}")
    return int(value)


def check_seed(seed: object, field: str = "seed") -> int:
    """A random seed: an integer >= 0 (bools, floats and strings are refused)."""
    return check_count(seed, field, 0)
