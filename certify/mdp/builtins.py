"""Built-in problem instances, addressed by name.

``certify examples`` lists them; ``certify show NAME`` prints one.  Each builder is a pure
function returning a :class:`~certify.mdp.problem.Problem`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from certify.errors import UnknownName, did_you_mean
from certify.mdp.finite import FiniteMDP
from certify.mdp.problem import Problem
from certify.mdp.sampling import sampling_from_d, sampling_markov


def seed_sls() -> Problem:
    """2 states, 2 actions, non-uniform i.i.d. sampling, gamma = 0.9.

    In the spirit of the numerical illustration of seed 002 (Section 6, whose numbers were
    lost in conversion): action 0 pays 1 and is optimal in both states; the sampling
    distribution is non-uniform so that the direct JSR is strictly below the row-sum rate.
    """
    P = np.array(
        [
            [[0.9, 0.1], [0.2, 0.8]],
            [[0.3, 0.7], [0.6, 0.4]],
        ]
    )
    R = np.array([[1.0, 0.0], [1.0, 0.0]])
    mdp = FiniteMDP(P, R, 0.9, layout="SAS", states=("s0", "s1"), actions=("a0", "a1"), name="seed-sls")
    d = np.array([0.1, 0.2, 0.3, 0.4])
    return Problem(mdp, sampling_from_d(mdp, d), description=seed_sls.__doc__.split("\n")[0])


def random_walk_5(gamma: float = 0.9) -> Problem:
    """5-state random walk A-E (Sutton and Barto), as a continuing MDP.

    Actions left / right move deterministically; leaving at the right end pays 1, at the
    left end 0, and both restart in the centre state C.  The behaviour policy is uniform (the
    classic random walk) and sampling is Markovian along it; the uniform policy is also the
    target policy for policy evaluation.  Features are tabular.
    """
    S, A = 5, 2
    P = np.zeros((S, A, S))
    R = np.zeros((S, A))
    centre = 2
    for s in range(S):
        left, right = s - 1, s + 1
        P[s, 0, left if left >= 0 else centre] = 1.0
        if right < S:
            P[s, 1, right] = 1.0
        else:
            P[s, 1, centre] = 1.0
            R[s, 1] = 1.0
    mdp = FiniteMDP(P, R, gamma, layout="SAS", states=tuple("ABCDE"), actions=("left", "right"),
                    name="random-walk-5")
    beta = np.full((S, A), 0.5)
    return Problem(mdp, sampling_markov(mdp, beta), features=np.eye(S), target=beta.copy(),
                   description="5-state random walk (continuing, restart in C), tabular features")


def boyan_chain(n_states: int = 13, gamma: float = 0.95) -> Problem:
    """Boyan's chain (Boyan 2002) with 13 states and 4 hat features, as a continuing MDP.

    From state s >= 2 the chain moves to s-1 or s-2 with probability 1/2 each, reward -3;
    from state 1 it moves to 0 with reward -2; state 0 restarts at the top state with
    reward 0.  One action.  Features: four "hat" features, 1 at states 12, 8, 4, 0 and
    linear in between (Boyan's representation, exact for the episodic value function).
    """
    S = n_states
    top = S - 1
    P = np.zeros((S, 1, S))
    R = np.zeros((S, 1))
    for s in range(S):
        if s >= 2:
            P[s, 0, s - 1] = 0.5
            P[s, 0, s - 2] = 0.5
            R[s, 0] = -3.0
        elif s == 1:
            P[s, 0, 0] = 1.0
            R[s, 0] = -2.0
        else:
            P[s, 0, top] = 1.0
    mdp = FiniteMDP(P, R, gamma, layout="SAS", states=tuple(str(s) for s in range(S)), actions=("step",),
                    name="boyan-chain")
    anchors = np.linspace(top, 0, 4)
    phi = np.zeros((S, 4))
    for s in range(S):
        for k, c in enumerate(anchors):
            phi[s, k] = max(0.0, 1.0 - abs(s - c) / (anchors[0] - anchors[1]))
    beta = np.ones((S, 1))
    return Problem(mdp, sampling_markov(mdp, beta), features=phi, target=beta.copy(),
                   description="Boyan chain, 13 states, 4 hat features (continuing version)")


def baird_star(gamma: float = 0.99) -> Problem:
    """Baird's star counterexample (Baird 1995; Sutton and Barto, Example 11.1).

    Seven states; action 'dashed' moves to one of the six upper states uniformly, action
    'solid' moves to the lower state 7.  All rewards 0.  The behaviour policy takes dashed
    with probability 6/7, the target policy always takes solid.  Features are the classic
    8-dimensional ones: phi(i) = 2 e_i + e_8 for the upper states, phi(7) = e_7 + 2 e_8.
    Off-policy TD(0) diverges on it.
    """
    S, A = 7, 2
    P = np.zeros((S, A, S))
    P[:, 0, :6] = 1.0 / 6.0
    P[:, 1, 6] = 1.0
    R = np.zeros((S, A))
    mdp = FiniteMDP(P, R, gamma, layout="SAS", states=tuple(str(i + 1) for i in range(S)),
                    actions=("dashed", "solid"), name="baird-star")
    beta = np.tile([6.0 / 7.0, 1.0 / 7.0], (S, 1))
    target = np.tile([0.0, 1.0], (S, 1))
    phi = np.zeros((S, 8))
    for i in range(6):
        phi[i, i] = 2.0
        phi[i, 7] = 1.0
    phi[6, 6] = 1.0
    phi[6, 7] = 2.0
    return Problem(mdp, sampling_markov(mdp, beta), features=phi, target=target,
                   description="Baird's star: 7 states, off-policy counterexample for TD(0)")


def garnet(n_states: int, n_actions: int, branching: int, seed: int,
           gamma: float = 0.9) -> Problem:
    """Garnet MDP (Archibald, McKinnon and Thomas 1995; Bhatnagar et al. 2009).

    Each pair (s, a) moves to ``branching`` distinct next states drawn uniformly, with
    probabilities given by the gaps of ``branching - 1`` sorted uniform cuts of [0, 1];
    rewards are uniform on [0, 1].  The sampling distribution is non-uniform (uniform
    weights on [0.5, 1.5], normalised) so that the direct JSR differs from the row-sum rate.
    Everything is drawn from ``numpy.random.default_rng(seed)``.
    """
    from certify.errors import InvalidMDP

    if n_states < 1 or n_actions < 1 or not (1 <= branching <= n_states) or seed < 0:
        raise InvalidMDP(
            f"garnet:{n_states}:{n_actions}:{branching}:{seed}: expected S >= 1, A >= 1, "
            "1 <= branching <= S and seed >= 0"
        )
    from certify.limits import check, check_mdp_size

    where = f"garnet:{n_states}:{n_actions}:{branching}:{seed}"
    check_mdp_size(n_states, n_actions, where)
    check("entries", n_states * n_actions * (n_states if 2 * branching > n_states else branching),
          where)
    rng = np.random.default_rng(seed)
    n = n_states * n_actions
    # distinct next states per pair: draw, then redraw the rows that repeat a state
    if 2 * branching > n_states:
        nxt = np.argsort(rng.random((n, n_states)), axis=1)[:, :branching]
    else:
        nxt = rng.integers(0, n_states, size=(n, branching))
    while True:
        srt = np.sort(nxt, axis=1)
        dup = np.flatnonzero(np.any(srt[:, 1:] == srt[:, :-1], axis=1))
        if dup.size == 0:
            break
        nxt[dup] = rng.integers(0, n_states, size=(dup.size, branching))
    cuts = np.sort(rng.random((n, branching - 1)), axis=1)
    probs = np.diff(np.concatenate([np.zeros((n, 1)), cuts, np.ones((n, 1))], axis=1), axis=1)
    P = sp.csr_matrix((probs.reshape(-1), (np.repeat(np.arange(n), branching), nxt.reshape(-1))),
                      shape=(n, n_states))
    R = rng.random((n_states, n_actions))
    name = f"garnet:{n_states}:{n_actions}:{branching}:{seed}"
    mdp = FiniteMDP(P, R, gamma, layout="SAS", name=name)
    w = rng.uniform(0.5, 1.5, size=n)
    return Problem(mdp, sampling_from_d(mdp, w / w.sum()),
                   description=f"Garnet MDP, {n_states} states, {n_actions} actions, "
                   f"branching {branching}, seed {seed}")


BUILTINS: dict[str, Callable[[], Problem]] = {
    "seed-sls": seed_sls,
    "random-walk-5": random_walk_5,
    "boyan-chain": boyan_chain,
    "baird-star": baird_star,
}

GARNET_FORM = "garnet:S:A:branching:seed"


def builtin_names() -> list[str]:
    """Names accepted by :func:`builtin_problem` (plus the Garnet form)."""
    return [*BUILTINS, GARNET_FORM]


def is_builtin(name: str) -> bool:
    return name in BUILTINS or name.startswith("garnet:")


def builtin_problem(name: str) -> Problem:
    """The built-in problem called ``name``.

    Raises
    ------
    UnknownName
        With the list of valid names.
    """
    if name in BUILTINS:
        return BUILTINS[name]()
    if name.startswith("garnet:"):
        parts = name.split(":")[1:]
        try:
            if len(parts) != 4:
                raise ValueError
            S, A, b, seed = (int(p) for p in parts)
        except ValueError as exc:
            raise UnknownName(
                f"{name!r}: a Garnet MDP is written {GARNET_FORM} with four integers, "
                "e.g. garnet:100:4:3:0"
            ) from exc
        return garnet(S, A, b, seed)
    raise UnknownName(
        f"unknown built-in problem {name!r}{did_you_mean(name, BUILTINS)}; valid names are "
        f"{', '.join(builtin_names())}"
    )
