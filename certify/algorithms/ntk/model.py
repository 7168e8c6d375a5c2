"""Theorem 2 for the user's own Q-network (PyTorch or JAX), on an MDP, a Gym model or a buffer.

``check_q_network`` computes the empirical NTK K of the network over the state-action pairs
(multi-head DQN: the |S||A| (state, head) pairs; single-head: one value per (state, action)
input), takes rho and the targets T*Q from the source, and evaluates Theorem 2 of Achiam,
Knight and Abbeel (arXiv 1903.08894) exactly (:func:`certify.algorithms.ntk.theorem2.theorem2`, as
``certify ntk check`` does): conditions (16) alpha K_ii rho_i < 1, (17)
(1 + gamma) sum_{j != i} |K_ij| rho_j <= (1 - gamma) K_ii rho_i, and the modulus beta(K).
The verdict is Theorem 2's: certified only when (16), (17) hold exactly and beta < 1.  As for
``ntk check``, "exactly" is about the kernel as computed: the framework's floating-point
Jacobians (float64 by default) are the data, and the conditions are decided on those numbers
in rational arithmetic.

Sources:

* a :class:`certify.mdp.finite.FiniteMDP` / problem: rho = its sampling distribution (or
  uniform), T* its optimality operator, Q* known;
* a Gymnasium model ``P`` (:mod:`certify.algorithms.ntk.gym_env`): the network sees the real states only;
  the absorbing "terminal" state is pinned at Q = 0, so T*Q = R + gamma P max Q with the
  done transitions dropped (DQN's (1 - done) mask); rho uniform over the real pairs;
* a replay buffer (:mod:`certify.algorithms.ntk.replay`): the empirical rho and T^.

The worst rows are reported with their diagonal-dominance ratio
(1 + gamma) o_i / ((1 - gamma) a_i), a_i = K_ii rho_i, o_i = sum_{j != i} |K_ij| rho_j, which
is <= 1 exactly when (17) holds on the row (floats: a statistic; the verdict is exact).

With ``train = N`` the network is then trained by N expected DQN updates (seed 001, Section 3)
theta <- theta + alpha J^T D_rho (T*Q_theta - Q_theta) and whether ||Q||_inf blew up is
reported beside the verdict (the verdict concerns the kernel at the given weights).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from certify.algorithms.ntk.kernel import kernel_stats
from certify.algorithms.ntk.theorem2 import Theorem2Result, analyze_ntk
from certify.errors import InvalidInput
from certify.mdp.finite import FiniteMDP
from certify.mdp.ordering import flatten, pair_of
from certify.verdict import Verdict

KINDS = ("auto", "multi-head", "single-head")
BLOWUP = 1e12
"""||Q||_inf above which training stops and is reported as diverged."""
N_WORST = 5


# ----------------------------------------------------------------------------------- models

def as_q_model(obj: Any, dtype: str | None = "float64") -> Any:
    """A :class:`TorchQModel` or :class:`JaxQModel` from what the user gave.

    Accepted: a ``torch.nn.Module``; a pair ``(apply, params)`` or a dict with keys ``apply``
    and ``params`` (JAX / Flax); an adapter already built; or a function of no arguments
    returning one of these (a factory).
    """
    from certify.algorithms.ntk.jax_model import JaxQModel
    from certify.algorithms.ntk.torch_model import TorchQModel, is_torch_module

    if isinstance(obj, TorchQModel | JaxQModel):
        return obj
    if is_torch_module(obj):
        return TorchQModel(obj, dtype)
    if isinstance(obj, dict) and {"apply", "params"} <= set(obj):
        return JaxQModel(obj["apply"], obj["params"], dtype)
    if isinstance(obj, tuple) and len(obj) == 2 and callable(obj[0]):
        return JaxQModel(obj[0], obj[1], dtype)
    if callable(obj) and not isinstance(obj, type):
        try:
            made = obj()
        except TypeError as exc:
            raise InvalidInput(f"model: {getattr(obj, '__name__', obj)!r} is a function but not a "
                               f"factory of no arguments ({exc})") from exc
        return as_q_model(made, dtype)
    raise InvalidInput(f"model: expected a torch.nn.Module, a JAX pair (apply, params) or a "
                       f"factory of one; found {type(obj).__name__}")


def load_model_object(spec: str) -> Any:
    """The object OBJECT defined by the Python file FILE, from ``"FILE.py:OBJECT"``."""
    path, sep, name = spec.rpartition(":")
    if not sep or not path.endswith(".py") or not name.isidentifier():
        raise InvalidInput(f"model {spec!r}: expected FILE.py:OBJECT (a Python file and a name in it)")
    p = Path(path)
    if not p.is_file():
        raise InvalidInput(f"model file {path!r}: no such file")
    mod_name = f"certify_user_model_{abs(hash(str(p.resolve())))}"
    loader = importlib.util.spec_from_file_location(mod_name, p)
    if loader is None or loader.loader is None:
        raise InvalidInput(f"model file {path!r}: cannot be imported")
    module = importlib.util.module_from_spec(loader)
    sys.modules[mod_name] = module
    try:
        loader.loader.exec_module(module)
    except ImportError as exc:
        raise InvalidInput(f"model file {path!r}: an import failed ({exc}); the PyTorch and JAX "
                           "extras install with `pip install certify[torch]` / `certify[jax]`") from exc
    if not hasattr(module, name):
        from certify.errors import did_you_mean

        public = [n for n in vars(module) if not n.startswith("_")]
        raise InvalidInput(f"model file {path!r} defines no {name!r}{did_you_mean(name, public)}")
    return getattr(module, name)


# ---------------------------------------------------------------------------------- sources

@dataclass(frozen=True)
class Targets:
    """Where the pairs, rho and T*Q come from (one source, state-major pairs).

    ``features`` are the inputs of the states the network sees (S, d); ``bellman`` maps the
    network's Q vector (S A,) to T*Q; ``q_opt`` is Q* when known.
    """

    name: str
    source: str
    features: np.ndarray
    n_actions: int
    gamma: float
    rho: np.ndarray
    bellman: Callable[[np.ndarray], np.ndarray]
    q_opt: np.ndarray | None = None
    state_names: tuple[str, ...] | None = None

    @property
    def n_states(self) -> int:
        return int(self.features.shape[0])


def _state_inputs(state_features: np.ndarray | None, n_states: int) -> np.ndarray:
    if state_features is None:
        return np.eye(n_states)
    x = np.asarray(state_features, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[0] != n_states or not np.all(np.isfinite(x)):
        raise InvalidInput(f"state features: expected finite numbers of shape ({n_states}, d), "
                           f"found {np.shape(state_features)}")
    return x


def mdp_targets(mdp: FiniteMDP, rho: np.ndarray | None = None, n_model_states: int | None = None,
                state_features: np.ndarray | None = None, source: str = "mdp") -> Targets:
    """Targets of a FiniteMDP; states from ``n_model_states`` on are pinned at Q = 0.

    Pinned states (a Gym model's absorbing terminal) are not network inputs; their Q-values
    are 0 in T*Q, which is then R + gamma P max Q over the network's states only.
    """
    from certify.algorithms.ntk.operator import bellman_vector
    from certify.mdp.bellman import q_star

    s_all, n_a = mdp.n_states, mdp.n_actions
    s_net = s_all if n_model_states is None else int(n_model_states)
    if not 1 <= s_net <= s_all:
        raise InvalidInput(f"n_model_states = {s_net} is outside 1..{s_all}")
    n = s_net * n_a
    if rho is None:
        rho = np.full(n, 1.0 / n)
    rho = np.asarray(rho, dtype=float).reshape(-1)
    if rho.shape != (n,):
        raise InvalidInput(f"rho: expected {n} entries (the network's pairs), found {rho.size}")
    pinned = (s_all - s_net) * n_a

    def bellman(q: np.ndarray) -> np.ndarray:
        return bellman_vector(mdp, np.concatenate([np.asarray(q, dtype=float), np.zeros(pinned)]))[:n]

    q_opt = flatten(q_star(mdp)[0])[:n]
    names = tuple(mdp.states[:s_net]) if mdp.states is not None else None
    return Targets(mdp.name, source, _state_inputs(state_features, s_net), n_a, mdp.gamma, rho,
                   bellman, q_opt, names)


def env_targets(name_or_p: str | dict, gamma: float, state_features: np.ndarray | None = None) -> Targets:
    """Targets of a Gymnasium environment id (or its dict ``P``): uniform rho on the real pairs."""
    from certify.algorithms.ntk.gym_env import env_mdp, mdp_from_gym_p

    if isinstance(name_or_p, str):
        mdp, n_real = env_mdp(name_or_p, gamma)
    else:
        mdp, n_real = mdp_from_gym_p(name_or_p, gamma), len(name_or_p)
    return mdp_targets(mdp, None, n_real, state_features, "env")


def buffer_source(buf: Any, gamma: float, n_actions: int | None = None,
                  n_states: int | None = None) -> Targets:
    """Targets of a replay buffer (a :class:`ReplayBuffer` or an NPZ path)."""
    from certify.algorithms.ntk.replay import ReplayBuffer, buffer_targets

    name = "buffer"
    if isinstance(buf, str | Path):
        name = str(buf)
        buf = ReplayBuffer.from_npz(buf)
    if not isinstance(buf, ReplayBuffer):
        raise InvalidInput(f"buffer: expected a ReplayBuffer or an NPZ file, found {type(buf).__name__}")
    bt = buffer_targets(buf, gamma, n_actions, n_states)
    names = tuple(str(v) for v in bt.state_ids) if bt.state_ids.ndim == 1 else None
    return Targets(name, "buffer", bt.features, bt.n_actions, bt.gamma, bt.rho, bt.bellman,
                   None, names)


# ----------------------------------------------------------------------------------- result

@dataclass(frozen=True)
class TrainingOutcome:
    """The expected DQN update run for ``steps`` steps from the checked weights."""

    steps: int
    q_norms: np.ndarray
    errors: np.ndarray | None
    diverged: bool

    def to_dict(self) -> dict:
        d = {"steps_requested": self.steps, "steps_run": int(self.q_norms.size - 1),
             "q_norm_initial": float(self.q_norms[0]), "q_norm_final": float(self.q_norms[-1]),
             "q_norm_max": float(np.nanmax(self.q_norms)) if np.isfinite(self.q_norms).any() else None,
             "diverged": self.diverged}
        if self.errors is not None:
            d["error_initial"] = float(self.errors[0])
            d["error_final"] = float(self.errors[-1])
        return d


@dataclass(frozen=True)
class ModelCheckResult:
    """Theorem 2 for one network on one source, with the worst rows and optional training."""

    targets: Targets
    framework: str
    kind: str
    n_params: int
    kernel: np.ndarray
    q: np.ndarray
    theorem: Theorem2Result
    worst_rows: list[dict]
    training: TrainingOutcome | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> Verdict:
        return self.theorem.verdict

    def to_dict(self) -> dict:
        t = self.theorem.to_dict()
        tg = self.targets
        return {
            "source": tg.source, "name": tg.name, "framework": self.framework, "kind": self.kind,
            "n_params": self.n_params, "n_states": tg.n_states, "n_actions": tg.n_actions,
            "kernel": kernel_stats(self.kernel),
            **{k: t[k] for k in ("n", "gamma", "alpha", "condition_16", "condition_17", "beta",
                                 "beta_exact", "beta_rows", "alpha_max_16", "min_eigenvalue",
                                 "status", "reason")},
            "row_ratio": [float(v) for v in self.theorem.row_ratio],
            "row_ratio_mean": float(np.mean(self.theorem.row_ratio)),
            "unvisited_pairs": int(np.sum(tg.rho == 0)),
            "worst_rows": self.worst_rows,
            "training": None if self.training is None else self.training.to_dict(),
            "notes": self.notes,
            "verdict": self.verdict.value,
        }


def worst_rows(k: np.ndarray, rho: np.ndarray, gamma: float, alpha: float, n_actions: int,
               count: int = N_WORST, state_names: tuple[str, ...] | None = None) -> list[dict]:
    """The ``count`` rows with the largest row modulus beta_i (floats), with a_i, o_i and the
    diagonal-dominance ratio (1 + gamma) o_i / ((1 - gamma) a_i) ((17) holds iff <= 1; inf
    when a_i = 0 < o_i, 0 when a_i = o_i = 0)."""
    kf = np.asarray(k, dtype=float)
    d = np.diag(kf)
    a = d * rho
    o = np.abs(kf) @ rho - np.abs(d) * rho
    beta = np.abs(1 - alpha * a) + alpha * gamma * np.abs(a) + (1 + gamma) * alpha * o
    with np.errstate(divide="ignore", invalid="ignore"):
        dom = np.where(a > 0, (1 + gamma) * o / ((1 - gamma) * np.where(a > 0, a, 1.0)),
                       np.where(o > 0, np.inf, 0.0))  # a_i = o_i = 0: (17) reads 0 <= 0
    order = np.lexsort((np.arange(beta.size), -beta))[:count]
    rows = []
    for i in order.tolist():
        s, act = pair_of(i, n_actions)
        rows.append({"row": i, "state": state_names[s] if state_names else s, "action": act,
                     "K_ii": float(d[i]), "rho": float(rho[i]), "a": float(a[i]), "o": float(o[i]),
                     "dominance_ratio": float(dom[i]), "beta_row": float(beta[i])})
    return rows


def network_inputs(qm: Any, targets: Targets, kind: str = "auto") -> tuple[str, np.ndarray]:
    """(kind, inputs): state features for a multi-head network (outputs (S, A)), or
    [state features, one-hot action] per pair for a single-head one.

    With one action both shapes give one output; "auto" then prefers the single-head reading
    when the network accepts (state, action) features, else the multi-head one."""
    from certify.algorithms.ntk.replay import pair_of_state_features

    if kind not in KINDS:
        raise InvalidInput(f"kind {kind!r} is unknown; expected one of {', '.join(KINDS)}")
    xs = targets.features
    n_a = targets.n_actions
    problems = []
    fallback = None
    if kind in ("auto", "multi-head"):
        try:
            heads = qm.outputs(xs[:1]).shape[1]
        except Exception as exc:  # the user's network may raise anything on a wrong shape
            heads, msg = None, f"on state features of shape (1, {xs.shape[1]}): {exc}"
            problems.append(msg)
        if heads == n_a and (n_a > 1 or kind == "multi-head"):
            return "multi-head", xs
        if heads == n_a:
            fallback = ("multi-head", xs)
        elif heads is not None:
            problems.append(f"on state features it gives {heads} outputs, not |A| = {n_a}")
    if kind in ("auto", "single-head"):
        xp = pair_of_state_features(xs, n_a)
        try:
            heads = qm.outputs(xp[:1]).shape[1]
        except Exception as exc:
            heads = None
            problems.append(f"on (state, action) features of shape (1, {xp.shape[1]}): {exc}")
        if heads == 1:
            return "single-head", xp
        if heads is not None:
            problems.append(f"on (state, action) features it gives {heads} outputs, not 1")
    if fallback is not None:
        return fallback
    raise InvalidInput("model: it fits neither shape: " + "; ".join(problems))


def train_model(qm: Any, x: np.ndarray, targets: Targets, alpha: float, steps: int,
                blowup: float = BLOWUP) -> TrainingOutcome:
    """``steps`` expected DQN updates theta += alpha J^T D_rho (T*Q - Q); stops on blow-up."""
    q = qm.outputs(x).reshape(-1)
    norms = [float(np.abs(q).max())]
    errs = [] if targets.q_opt is None else [float(np.abs(q - targets.q_opt).max())]
    diverged = False
    for _ in range(steps):
        with np.errstate(all="ignore"):
            coeff = targets.rho * (targets.bellman(q) - q)
        qm.expected_step(x, coeff, alpha)
        q = qm.outputs(x).reshape(-1)
        norms.append(float(np.abs(q).max()))
        if targets.q_opt is not None:
            errs.append(float(np.abs(q - targets.q_opt).max()))
        if not np.isfinite(norms[-1]) or norms[-1] > blowup:
            diverged = True
            break
    return TrainingOutcome(steps, np.array(norms), None if targets.q_opt is None else np.array(errs),
                           diverged)


def check_model(model: Any, targets: Targets, alpha: float, kind: str = "auto",
                dtype: str | None = "float64", train: int = 0,
                method: str = "jacobian") -> ModelCheckResult:
    """Empirical NTK of ``model`` over the pairs of ``targets`` and Theorem 2 (exact)."""
    qm = as_q_model(model, dtype)
    kind, x = network_inputs(qm, targets, kind)
    k = qm.kernel(x, method=method)
    q = qm.outputs(x).reshape(-1)
    res = analyze_ntk(k, targets.rho, targets.gamma, alpha)
    rows = worst_rows(k, targets.rho, targets.gamma, float(res.data.alpha), targets.n_actions,
                      state_names=targets.state_names)
    notes = []
    unvisited = int(np.sum(targets.rho == 0))
    if unvisited:
        notes.append(f"{unvisited} pairs have rho = 0: (17) fails on such a row unless K_ij = 0 for "
                     "every visited j (the update moves them only by generalisation)")
    if dtype != "float64":
        notes.append("the kernel was computed in float32; Theorem 2 is exact for those numbers, "
                     "which carry float32 rounding")
    outcome = None
    if train:
        if isinstance(train, bool) or int(train) < 0:
            raise InvalidInput(f"train = {train!r}; expected an integer >= 0")
        outcome = train_model(qm, x, targets, float(alpha), int(train))
    return ModelCheckResult(targets, qm.framework, kind, qm.n_params, k, q, res, rows, outcome, notes)


def check_q_network(model: Any, *, alpha: float, mdp: Any = None, env: str | dict | None = None,
                    buffer: Any = None, gamma: float | None = None, rho: np.ndarray | None = None,
                    state_features: np.ndarray | None = None, kind: str = "auto",
                    dtype: str | None = "float64", train: int = 0, n_states: int | None = None,
                    n_actions: int | None = None, method: str = "jacobian") -> ModelCheckResult:
    """Theorem 2 for the user's Q-network; exactly one of ``mdp``, ``env``, ``buffer``.

    Parameters
    ----------
    model : torch.nn.Module, (apply, params), or a factory of either
    alpha : float > 0
        Step size of the function-space update.
    mdp : FiniteMDP, Problem, or a problem name / file
        rho defaults to the problem's sampling distribution, else uniform.
    env : str or dict
        A Gymnasium id exposing ``P`` (FrozenLake-v1 works without gymnasium) or the dict P.
    buffer : ReplayBuffer or NPZ path
    gamma : float
        Discount (required for ``env`` and ``buffer``; an MDP has its own).
    rho : array, optional
        Replay distribution over the network's pairs (state-major), for ``mdp`` / ``env``.
    state_features : array (S, d), optional
        Inputs of the states (default one-hot), for ``mdp`` / ``env``.
    kind : {"auto", "multi-head", "single-head"}
    dtype : {"float64", "float32"} or None
    train : int
        Expected DQN updates to run after the check (0: none).
    n_states, n_actions : int, optional
        For ``buffer``: the length of the one-hot encoding of integer state ids (default
        largest id + 1) and the number of actions (default largest action + 1).
    method : {"jacobian", "ntvp"}
        Chunks of the Jacobian, or NTK-vector products for models too large for them.
    """
    if buffer is None and (n_states is not None or n_actions is not None):
        raise InvalidInput("n_states and n_actions apply to a buffer only (an MDP or env has its own)")
    given = [n for n, v in (("mdp", mdp), ("env", env), ("buffer", buffer)) if v is not None]
    if len(given) != 1:
        raise InvalidInput(f"give exactly one of mdp, env, buffer; found {given or 'none'}")
    if given[0] != "mdp" and gamma is None:
        raise InvalidInput(f"gamma is required with {given[0]} (an MDP carries its own)")
    if mdp is not None:
        from certify.mdp.io import load_problem
        from certify.mdp.problem import Problem

        problem = load_problem(mdp) if isinstance(mdp, str | Path) else mdp
        fm = problem.mdp if isinstance(problem, Problem) else problem
        if not isinstance(fm, FiniteMDP):
            raise InvalidInput(f"mdp: expected a FiniteMDP, a problem or a name, found {type(mdp).__name__}")
        if gamma is not None and float(gamma) != fm.gamma:
            raise InvalidInput(f"gamma = {gamma} differs from the MDP's own gamma = {fm.gamma}")
        if rho is None and isinstance(problem, Problem) and problem.sampling is not None:
            rho = problem.sampling.d
        targets = mdp_targets(fm, rho, None, state_features)
    elif env is not None:
        targets = env_targets(env, float(gamma), state_features)
        if rho is not None:
            targets = mdp_targets_with_rho(targets, rho)
    else:
        if rho is not None or state_features is not None:
            raise InvalidInput("rho and state_features come from the buffer itself")
        targets = buffer_source(buffer, float(gamma), n_actions, n_states)
    return check_model(model, targets, alpha, kind, dtype, train, method)


def mdp_targets_with_rho(targets: Targets, rho: np.ndarray) -> Targets:
    """The same targets with another replay distribution (length checked)."""
    r = np.asarray(rho, dtype=float).reshape(-1)
    if r.shape != targets.rho.shape:
        raise InvalidInput(f"rho: expected {targets.rho.size} entries, found {r.size}")
    return Targets(targets.name, targets.source, targets.features, targets.n_actions, targets.gamma,
                   r, targets.bellman, targets.q_opt, targets.state_names)
