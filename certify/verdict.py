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


def combine(verdicts: list[Verdict | str]) -> Verdict:
    """Overall verdict of several checks: refuted beats inconclusive beats certified.

    Plain strings ("certified", ...) are accepted and converted; anything else raises.
    """
    verdicts = [Verdict(v) for v in verdicts]
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
    """Violated beats inconclusive beats consistent (an empty list is inconclusive)."""
    outs = [Evidence(o) for o in outcomes]
    if not outs or Evidence.INCONCLUSIVE in outs and Evidence.VIOLATED not in outs:
        return Evidence.INCONCLUSIVE
    if Evidence.VIOLATED in outs:
        return Evidence.VIOLATED
    if Evidence.LOOSE in outs:
        return Evidence.LOOSE
    return Evidence.CONSISTENT
