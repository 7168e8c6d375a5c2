"""Finite MDPs from Gymnasium-style environments that expose their model.

Gymnasium's toy-text environments (FrozenLake, Taxi, CliffWalking) keep their dynamics in a
dict ``P[s][a] = [(prob, next_state, reward, done), ...]``.  :func:`mdp_from_gym_p` turns that
dict into a :class:`certify.mdp.finite.FiniteMDP` without needing gymnasium: the expected
reward is R[s, a] = sum prob * reward, and a transition with ``done`` goes to one extra
absorbing state "terminal" (reward 0, value 0), so the MDP's Q* on the original states is the
episodic one that DQN's target r + gamma (1 - done) max_a' Q(s', a') aims at.

:func:`frozenlake_p` builds FrozenLake-v1's dict from its map by the rules of the environment
(actions LEFT, DOWN, RIGHT, UP; on slippery ice the intended move or either perpendicular one,
each with probability 1/3; reward 1 on reaching G; holes and the goal end the episode), so the
4x4 lake is available when gymnasium is not installed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from certify.errors import InvalidInput, InvalidMDP, UnknownName
from certify.mdp.finite import FiniteMDP
from certify.mdp.validate import check_gamma

FROZENLAKE_4X4 = ("SFFF", "FHFH", "FFFH", "HFFG")
"""The map of FrozenLake-v1 with ``map_name="4x4"`` (its default)."""

TERMINAL = "terminal"


def frozenlake_p(desc: Sequence[str] = FROZENLAKE_4X4, slippery: bool = True) -> dict:
    """FrozenLake's transition dict ``P[s][a] = [(prob, s', r, done), ...]`` for the map ``desc``.

    States are row-major cells (s = row * ncol + col); actions 0..3 are LEFT, DOWN, RIGHT, UP.
    In a hole or at the goal every action is a done self-loop with reward 0.
    """
    rows = [str(r) for r in desc]
    nrow, ncol = len(rows), len(rows[0]) if rows else 0
    if nrow == 0 or any(len(r) != ncol for r in rows) or set("".join(rows)) - set("SFHG"):
        raise InvalidInput(f"desc: expected equal-length rows of the letters S, F, H, G; found {rows}")
    moves = {0: (0, -1), 1: (1, 0), 2: (0, 1), 3: (-1, 0)}

    def step(r: int, c: int, a: int) -> tuple[int, float, bool]:
        dr, dc = moves[a]
        r2, c2 = min(max(r + dr, 0), nrow - 1), min(max(c + dc, 0), ncol - 1)
        letter = rows[r2][c2]
        return r2 * ncol + c2, float(letter == "G"), letter in "GH"

    p: dict = {}
    for r in range(nrow):
        for c in range(ncol):
            s = r * ncol + c
            p[s] = {}
            for a in range(4):
                if rows[r][c] in "GH":
                    p[s][a] = [(1.0, s, 0.0, True)]
                elif slippery:
                    p[s][a] = [(1.0 / 3.0, *step(r, c, b)) for b in ((a - 1) % 4, a, (a + 1) % 4)]
                else:
                    p[s][a] = [(1.0, *step(r, c, a))]
    return p


def mdp_from_gym_p(p: Mapping, gamma: float, name: str = "gym") -> FiniteMDP:
    """The FiniteMDP of a Gymnasium transition dict (see the module docstring).

    Parameters
    ----------
    p : mapping
        ``p[s][a]`` is a list of ``(prob, next_state, reward, done)`` for s = 0..S-1 and
        a = 0..A-1 (every state with the same actions).
    gamma : float in [0, 1)
    name : str

    Returns
    -------
    FiniteMDP
        S states, plus one absorbing state named "terminal" (last) when some transition is
        done; R[terminal, .] = 0.
    """
    check_gamma(gamma)
    if not isinstance(p, Mapping) or not p:
        raise InvalidInput("P: expected a non-empty dict P[s][a] = [(prob, next_state, reward, done), ...]")
    n_s = len(p)
    if sorted(p) != list(range(n_s)):
        raise InvalidInput(f"P: expected the states 0..{n_s - 1} as keys, found {sorted(p)[:10]}")
    n_a = len(p[0])
    for s in range(n_s):
        if not isinstance(p[s], Mapping) or sorted(p[s]) != list(range(n_a)):
            raise InvalidInput(f"P[{s}]: expected the actions 0..{n_a - 1} as keys")
    from certify.mdp.adapters import gymnasium_arrays  # the one reader of these tables

    try:
        P, R, states = gymnasium_arrays(p, n_s, n_a, "absorbing")
        return FiniteMDP(P, R, gamma, layout="SAS", states=states, name=name)
    except InvalidMDP as exc:
        raise InvalidInput(f"P of {name!r}: {exc}") from exc


def env_transition_dict(name: str) -> tuple[dict, int]:
    """(P, number of real states) of a Gymnasium environment id.

    With gymnasium installed, ``gymnasium.make(name).unwrapped.P``; without it, the built-in
    FrozenLake-v1 (4x4, slippery) and FrozenLake-v1-deterministic.
    """
    try:
        import gymnasium
    except ImportError:
        gymnasium = None
    builtin = {"FrozenLake-v1": lambda: frozenlake_p(FROZENLAKE_4X4, True),
               "FrozenLake-v1-deterministic": lambda: frozenlake_p(FROZENLAKE_4X4, False)}
    if name in builtin and (gymnasium is None or name.endswith("deterministic")):
        p = builtin[name]()
        return p, len(p)
    if gymnasium is None:
        raise UnknownName(f"environment {name!r} needs gymnasium (`pip install gymnasium`); "
                          f"without it the known environments are {', '.join(builtin)}")
    try:
        env = gymnasium.make(name)
    except Exception as exc:  # gymnasium raises its own error types
        raise UnknownName(f"environment {name!r}: gymnasium cannot make it ({exc})") from exc
    p = getattr(env.unwrapped, "P", None)
    if p is None:
        raise InvalidInput(f"environment {name!r} does not expose its model P (only toy-text "
                           "environments such as FrozenLake, Taxi and CliffWalking do)")
    return p, len(p)


def env_mdp(name: str, gamma: float) -> tuple[FiniteMDP, int]:
    """(FiniteMDP, number of real states) of a Gymnasium environment that exposes P."""
    p, n = env_transition_dict(name)
    return mdp_from_gym_p(p, gamma, name), n
