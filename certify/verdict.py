"""The three verdicts of every check in certify."""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    """Outcome of a check.

    CERTIFIED
        An independent exact check of the witness data confirmed the claim.
    REFUTED
        A counterexample was found (a product with spectral radius above the bound, a
        violated inequality at an exact point, a growing trajectory).
    INCONCLUSIVE
        Neither: solver failure, tolerance too tight, budget exhausted, hypotheses not met.
    """

    CERTIFIED = "certified"
    REFUTED = "refuted"
    INCONCLUSIVE = "inconclusive"

    def __str__(self) -> str:
        return self.value


SKIPPED = "skipped"
"""Status of a check that was not run (on request, or beyond a size limit).  Not a verdict:
it never enters :func:`combine` and is shown as "skipped", never as "inconclusive"."""


def is_fragile(margin: object, scale: object = 1) -> bool:
    """Whether a margin that decides a verdict is within rounding of the boundary.

    A margin m >= 0 (the slack of an inequality that holds exactly) is *fragile* when
    |m| <= FRAGILE_RTOL * |scale|, ``scale`` the size of the terms compared: the verdict is
    exact for the numbers given, but a one-ulp change of the input (1/3 given as a double,
    say) could flip it.  Outputs mark such verdicts; they stay what the exact check says.

    Parameters
    ----------
    margin, scale : number
        Exact (Fraction, int) or float.

    >>> from fractions import Fraction
    >>> is_fragile(Fraction(1, 10**17)), is_fragile(Fraction(1, 1000)), is_fragile(-1)
    (True, False, False)
    """
    from fractions import Fraction

    from certify.tolerance import FRAGILE_RTOL

    m, s = Fraction(margin), abs(Fraction(scale))
    return m >= 0 and m <= Fraction(FRAGILE_RTOL) * max(s, Fraction(0)) if s else m == 0


def combine(verdicts: list[Verdict | str]) -> Verdict:
    """Overall verdict of several checks: refuted beats inconclusive beats certified.

    An empty list is inconclusive (nothing was checked).  Plain strings ("certified", ...)
    are accepted and converted; anything else raises.

    Parameters
    ----------
    verdicts : list of Verdict or str

    >>> [str(combine(v)) for v in (["certified", "inconclusive"], [], ["refuted", "certified"])]
    ['inconclusive', 'inconclusive', 'refuted']
    """
    verdicts = [Verdict(v) for v in verdicts]
    if not verdicts:
        return Verdict.INCONCLUSIVE
    if any(v is Verdict.REFUTED for v in verdicts):
        return Verdict.REFUTED
    if any(v is Verdict.INCONCLUSIVE for v in verdicts):
        return Verdict.INCONCLUSIVE
    return Verdict.CERTIFIED


class Evidence(StrEnum):
    """Outcome of a statistical or numerical cross-validation: evidence, never a proof.

    CONSISTENT
        The trajectories agree with the prediction within the stated tolerance.
    VIOLATED
        A trajectory contradicts the prediction beyond the tolerance (with the evidence).
    INCONCLUSIVE
        Not enough data, or nothing certified to hold against the trajectories.
    LOOSE
        A claimed rate slower than both the observed interval and the certified JSR: not
        contradicted, but not the tightest statement the certificates support.
    """

    CONSISTENT = "consistent"
    VIOLATED = "violated"
    LOOSE = "loose"
    INCONCLUSIVE = "inconclusive"

    def __str__(self) -> str:
        return self.value


def combine_evidence(outcomes: list[Evidence | str]) -> Evidence:
    """Violated beats inconclusive beats loose beats consistent (an empty list is inconclusive).

    The one place cross-validation outcomes are combined.

    Parameters
    ----------
    outcomes : list of Evidence or str

    >>> [str(combine_evidence(o)) for o in (["consistent", "loose"], [], ["violated", "loose"])]
    ['loose', 'inconclusive', 'violated']
    """
    outs = [Evidence(o) for o in outcomes]
    if not outs or Evidence.INCONCLUSIVE in outs and Evidence.VIOLATED not in outs:
        return Evidence.INCONCLUSIVE
    if Evidence.VIOLATED in outs:
        return Evidence.VIOLATED
    if Evidence.LOOSE in outs:
        return Evidence.LOOSE
    return Evidence.CONSISTENT
