"""The hook :mod:`certify.algorithms.qlearning.analysis` calls for families that are not nonnegative.

The affine comparison systems of constant-step Q-learning (seed 002, Lemma 6) are

* upper: e_{k+1} <= A_{sigma_k} e_k + alpha w_k, whose switching matrices are exactly the
  direct family {A_pi} (the comparison bounds the error by the switched system itself);
* lower: e_{k+1} >= A_{pi*} e_k + alpha w_k, a single matrix, with JSR = rho(A_{pi*}).

So the upper comparison system's family *is* the direct family: nothing new to compute.
When alpha d_max > 1 the members have negative diagonal entries, the greedy exact method of
:mod:`certify.jsr.policy_iteration` no longer applies, and the generic engine
(:func:`~certify.jsr.bounds.jsr_bounds` on the materialised members) brackets the JSR.
"""

from __future__ import annotations

from certify.errors import InvalidInput
from certify.jsr.bounds import JSRResult, jsr_bounds
from certify.jsr.io import MAX_MEMBERS_MATERIALISED
from certify.mdp.finite import FiniteMDP
from certify.mdp.sampling import Sampling

COMPARISON_METHODS = ("products", "norms", "exact", "polytope", "lifting", "cqlf")


def comparison_jsr(mdp: FiniteMDP, sampling: Sampling, alpha: float,
                   budget: float = 30.0) -> JSRResult:
    """Certified bracket of the JSR of the upper comparison system (= the direct family).

    Raises
    ------
    InvalidInput
        When the family has more than ``MAX_MEMBERS_MATERIALISED`` members (|A|^|S|).
    """
    from certify.algorithms.qlearning.system import DirectFamily

    fam = DirectFamily.from_mdp(mdp, sampling, alpha)
    if fam.size > MAX_MEMBERS_MATERIALISED:
        raise InvalidInput(f"comparison_jsr: the direct family has {fam.size} members "
                           f"(|A|^|S|); at most {MAX_MEMBERS_MATERIALISED} can be listed")
    return jsr_bounds(fam, COMPARISON_METHODS, budget)
