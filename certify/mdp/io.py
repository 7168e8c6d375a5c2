"""Loading problems from files (YAML, JSON, NPZ) or built-in names.

File formats (DESIGN.md):

* YAML / JSON: ``gamma``, ``P`` nested as [state][action][next_state], ``R`` as
  [state][action], optional ``states`` and ``actions`` names, optional ``sampling``
  (see :func:`certify.mdp.sampling.sampling_from_spec`), optional ``features``
  [state][feature] and ``target`` [state][action] (gradient TD), optional ``layout``
  (``SAS``, or ``ASS`` for P nested as [action][state][next_state]; required when there are
  as many states as actions, S = A > 1, since both readings then have the same shape) and
  ``renormalize`` (a tolerance: opt into dividing rows of float32-rounded data by their sum).
* NPZ: arrays ``P`` (S, A, S), ``R`` (S, A), scalar ``gamma``, optional ``d`` (n,),
  ``features``, ``target``, ``layout`` (a string) and ``renormalize`` (a scalar; it applies
  to ``d`` too, float32 arrays often coming together).  An NPZ
  with as many states as actions must name its ``layout``: raw arrays often come from
  pymdptoolbox, whose (A, S, S) has the same shape (see :mod:`certify.mdp.adapters`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from certify.errors import InvalidInput, InvalidMDP, found
from certify.mdp.adapters import ambiguity_message, ambiguous_shape, check_layout, check_tolerance
from certify.mdp.builtins import builtin_problem, is_builtin
from certify.mdp.finite import FiniteMDP, check_policy
from certify.mdp.problem import Problem
from certify.mdp.sampling import sampling_from_d, sampling_from_spec
from certify.mdp.validate import as_real_array

_KEYS = {"gamma", "P", "R", "states", "actions", "sampling", "features", "target", "name",
         "description", "layout", "renormalize"}


def read_structured(path: Path) -> object:
    """Parse a YAML or JSON file; errors name the file and the position.  Only regular UTF-8
    files within the limits of :mod:`certify.limits` are read (:mod:`certify.safeio`)."""
    from certify.safeio import load_structured

    return load_structured(path, "file", InvalidMDP)


def problem_from_dict(data: object, name: str = "mdp", positive_sampling: bool = True) -> Problem:
    """Build a Problem from the documented mapping (the YAML/JSON format)."""
    if not isinstance(data, dict):
        what = "an empty document" if data is None else f"a {type(data).__name__}"
        raise InvalidMDP(f"{name}: expected a mapping with keys gamma, P, R; found {what}")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise InvalidMDP(f"{name}: unknown keys {unknown}; allowed keys are {sorted(_KEYS)}")
    missing = [k for k in ("gamma", "P", "R") if k not in data]
    if missing:
        raise InvalidMDP(f"{name}: missing required keys {missing} (an MDP needs gamma, P and R)")
    P = as_real_array(data["P"], "P", (None, None, None), InvalidMDP)
    if "layout" not in data and ambiguous_shape(P):
        raise InvalidMDP(f"{name}: {ambiguity_message(P, 'add a field layout: {}')}")
    mdp = FiniteMDP(
        P=P,
        R=data["R"],
        gamma=data["gamma"],
        states=data.get("states"),
        actions=data.get("actions"),
        name=str(data.get("name", name)),
        layout=check_layout(data["layout"]) if "layout" in data else None,
        renormalize=check_tolerance(data["renormalize"]) if "renormalize" in data else None,
    )
    sampling = None
    if "sampling" in data:
        sampling = sampling_from_spec(mdp, data["sampling"], positive_sampling)
    features, target = _features_and_target(mdp, data)
    return Problem(mdp, sampling, features, target, str(data.get("description", "")))


def _features_and_target(mdp: FiniteMDP, data: dict) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The optional ``features`` (S x k) and ``target`` policy (S x A), validated."""
    features = (as_real_array(data["features"], "features", (mdp.n_states, None), InvalidMDP)
                if "features" in data else None)
    target = (check_policy(np.asarray(data["target"], dtype=float), mdp, "target")
              if "target" in data else None)
    return features, target


def _load_npz(path: Path, positive_sampling: bool) -> Problem:
    from certify.safeio import check_npz

    # sizes from the headers, before decompressing
    check_npz(path, "NPZ file", InvalidMDP, frozenset({"layout"}))
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError) as exc:
        raise InvalidMDP(f"{path}: not a readable NPZ file ({exc})") from exc
    allowed = {"P", "R", "gamma", "d", "features", "target", "layout", "renormalize"}
    unknown = sorted(set(arrays) - allowed)
    if unknown:
        raise InvalidMDP(f"{path}: unknown arrays {unknown}; allowed arrays are {sorted(allowed)}")
    missing = [k for k in ("P", "R", "gamma") if k not in arrays]
    if missing:
        raise InvalidMDP(f"{path}: missing arrays {missing} (an MDP needs P, R and gamma)")
    gamma = arrays["gamma"]
    if gamma.shape not in ((), (1,)):
        raise InvalidMDP(f"{path}: gamma must be a scalar array, found shape {gamma.shape}")
    layout = str(arrays["layout"]) if "layout" in arrays else None
    if layout is None and ambiguous_shape(arrays["P"]):
        raise InvalidMDP(f"{path}: {ambiguity_message(arrays['P'], 'add an array layout = {!r}')}")
    renorm = (check_tolerance(float(arrays["renormalize"].reshape(-1)[0]))
              if "renormalize" in arrays else None)
    mdp = FiniteMDP(arrays["P"], arrays["R"], float(gamma.reshape(-1)[0]), name=path.stem,
                    layout=check_layout(layout or "SAS"), renormalize=renorm)
    sampling = (sampling_from_d(mdp, arrays["d"], positive_sampling, renormalize=renorm)
                if "d" in arrays else None)
    features, target = _features_and_target(mdp, arrays)
    return Problem(mdp, sampling, features, target, f"loaded from {path.name}")


def load_problem(spec: str | Path, positive_sampling: bool = True) -> Problem:
    """Load a problem from a built-in name or a file (``.yaml``/``.yml``/``.json``/``.npz``).

    Parameters
    ----------
    spec : str or Path
        A built-in problem name or a problem file.
    positive_sampling : bool
        Demand d > 0 of the sampling model the problem ships with.

    Returns
    -------
    Problem
        The MDP (``.mdp``), its sampling model (``.sampling``, or None) and, where the
        problem has them, features and a target policy.

    Raises
    ------
    InvalidMDP
        Unreadable or malformed file, invalid data.
    UnknownName
        Neither a file nor a built-in name.
    InvalidInput
        ``spec`` is not a str or a Path.

    Examples
    --------
    >>> from certify import load_problem
    >>> p = load_problem("seed-sls")
    >>> p.mdp.n_states, p.mdp.n_actions, p.mdp.gamma
    (2, 2, 0.9)
    >>> p.sampling.d.tolist()
    [0.1, 0.2, 0.3, 0.4]
    """
    import os

    if not isinstance(spec, str | os.PathLike):
        raise InvalidInput(f"spec: expected a built-in problem name or a file path (str or Path), "
                           f"found {type(spec).__name__} {spec!r}")
    s = str(spec)
    if is_builtin(s) and not Path(s).exists():
        return builtin_problem(s)
    path = Path(s)
    if not path.exists():
        if path.suffix.lower() in (".yaml", ".yml", ".json", ".npz"):
            raise InvalidMDP(f"{path}: no such file")
        return builtin_problem(s)  # raises UnknownName listing the valid names
    suffix = path.suffix.lower()
    if suffix == ".npz":
        return _load_npz(path, positive_sampling)
    if suffix not in (".yaml", ".yml", ".json"):
        raise InvalidMDP(f"{path}: unknown file type {suffix!r}; expected .yaml, .yml, .json or .npz")
    return problem_from_dict(read_structured(path), path.stem, positive_sampling)


def as_problem(problem: object, name: str = "problem", positive_sampling: bool = True) -> Problem:
    """The :class:`Problem` that the ``problem`` argument of an ``analyze_*`` function names.

    Parameters
    ----------
    problem : Problem, FiniteMDP, str or Path
        A problem, an MDP (wrapped with no sampling model of its own), or a built-in name or
        problem file (read by :func:`load_problem`).
    name : str
        The argument's name, for the error message.
    positive_sampling : bool
        For a name or a file: demand d > 0 of its sampling model (:func:`load_problem`).

    Raises
    ------
    InvalidInput
        ``problem`` is none of these (the message names the argument, the type and the value).
    """
    import os

    if isinstance(problem, Problem):
        return problem
    if isinstance(problem, FiniteMDP):
        return Problem(problem)
    if isinstance(problem, str | os.PathLike):
        return load_problem(problem, positive_sampling)
    raise InvalidInput(f"{name}: expected a Problem (load_problem), a FiniteMDP, a built-in "
                       f"problem name or a problem file; found {found(problem)}")


def check_sampling(sampling: object, name: str = "sampling") -> None:
    """Refuse a ``sampling`` argument that is neither None nor a :class:`Sampling`.

    Parameters
    ----------
    sampling : object
        The argument as given.
    name : str
        The argument's name, for the error message.

    Raises
    ------
    InvalidInput
        Naming the argument, its type and value, and the functions that build a Sampling.
    """
    from certify.mdp.sampling import Sampling

    if sampling is not None and not isinstance(sampling, Sampling):
        raise InvalidInput(f"{name}: expected a Sampling (uniform_sampling(mdp), sampling_from_d(mdp, "
                           f"d), or a problem's own .sampling) or None, found "
                           f"{found(sampling)}")


def as_mdp(mdp: object, name: str = "mdp") -> FiniteMDP:
    """The :class:`FiniteMDP` that the ``mdp`` argument of a function names.

    Parameters
    ----------
    mdp : FiniteMDP, Problem, str or Path
        An MDP, a problem (its ``.mdp``), or a built-in name or problem file.
    name : str
        The argument's name, for the error message.

    Raises
    ------
    InvalidInput
        ``mdp`` is none of these (the message names the argument, the type and the value).
    """
    if isinstance(mdp, FiniteMDP):
        return mdp
    return as_problem(mdp, name, positive_sampling=False).mdp


def _markov_default(problem, positive: bool):
    """Markovian sampling along the problem's behaviour policy, else the uniform policy."""
    import numpy as np

    from certify.mdp.sampling import sampling_markov

    mdp = problem.mdp
    own = problem.sampling.behaviour if problem.sampling is not None else None
    beh = own if own is not None else np.full((mdp.n_states, mdp.n_actions), 1.0 / mdp.n_actions)
    return sampling_markov(mdp, beh, positive)


def load_problem_with_sampling(spec: str | Path, sampling: str | Path | None = None,
                               positive_sampling: bool = True):
    """A problem and the sampling model to use with it.

    ``sampling`` is None (the problem's own model, else uniform), ``"uniform"``,
    ``"markov"`` (one trajectory of the problem's behaviour policy, else of the uniform
    policy), or a YAML/JSON file in the ``sampling`` format of :func:`sampling_from_spec`.

    Returns
    -------
    (Problem, Sampling)
    """
    from certify.mdp.sampling import uniform_sampling

    problem = load_problem(spec, positive_sampling)
    if sampling is None:
        return problem, problem.sampling or uniform_sampling(problem.mdp)
    if str(sampling) == "uniform":
        return problem, uniform_sampling(problem.mdp)
    if str(sampling) == "markov":
        return problem, _markov_default(problem, positive_sampling)
    path = Path(sampling)
    if not path.exists():
        raise InvalidMDP(f"sampling: no such file {str(sampling)!r} (or use 'uniform' or "
                         "'markov')")
    return problem, sampling_from_spec(problem.mdp, read_structured(path), positive_sampling)
