"""The margin of a verdict and whether it is fragile (within rounding of the boundary).

Every verdict decided by an inequality reports its margin, the slack by which the
inequality holds (``1 - upper`` for a rate below 1, ``beta`` for a margin above 0, the
Hurwitz margin ``-max Re eig``).  A margin within :data:`certify.tolerance.FRAGILE_RTOL`
of the size of the terms compared is *fragile* (:func:`certify.verdict.is_fragile`): the
verdict is what the exact check says for the numbers given, but a one-ulp change of an
input (1/3 given as a double, say) could flip it.  Outputs mark it; it is never changed.
"""

from __future__ import annotations

from fractions import Fraction

from certify.verdict import is_fragile


def margin_fields(margin: float | Fraction | None, scale: float | Fraction = 1) -> dict:
    """``{"margin": m, "fragile": bool}`` for a verdict's deciding margin.

    Parameters
    ----------
    margin : float or Fraction or None
        The slack of the deciding inequality (negative when it fails; None when there is
        none, e.g. no bound was certified).
    scale : float or Fraction
        The size of the terms compared (1 for a rate against 1).

    >>> margin_fields(Fraction(1, 10**15)), margin_fields(0.25)["fragile"]
    ({'margin': 9.999999999999999e-16, 'fragile': True}, False)
    """
    if margin is None or margin != margin:  # None or nan
        return {"margin": None, "fragile": False}
    if isinstance(margin, Fraction | int):  # a "margin" field is a lower bound: round down
        from certify.exact import round_down_float

        value = round_down_float(Fraction(margin))
    else:
        value = float(margin)
    return {"margin": value, "fragile": is_fragile(margin, scale)}


def fragile_text(what: str, margin: float) -> str:
    """The one-line mark printed under a fragile verdict.

    Parameters
    ----------
    what : str
        The inequality, e.g. ``"JSR < 1"``.
    margin : float
        Its margin.
    """
    return (f"fragile: {what} holds by {margin:.3g}, within rounding of its terms (a one-ulp "
            "change of an input could flip the verdict)")
