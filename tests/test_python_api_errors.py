"""Bad arguments from Python raise certify's own errors, naming the argument, the value and
what was expected; result objects serialise to standard JSON.

A researcher calling the API (not the command line) gets an :class:`InvalidInput` subclass
(a ``ValueError`` too) with a one-line message, never an ``AttributeError`` from deep inside
(``'str' object has no attribute 'mdp'``).
"""

from __future__ import annotations

import inspect
import json
import math

import numpy as np
import pytest

import certify
from certify import (
    FiniteMDP,
    InvalidFamily,
    InvalidInput,
    InvalidMDP,
    Problem,
    UnknownName,
    analyze_jsr,
    analyze_ntk,
    analyze_qlearning,
    analyze_sa,
    analyze_smooth,
    load_problem,
    run_pg_meanfield,
    run_pg_tabular,
)

P2 = np.array([[[0.5, 0.5], [1.0, 0.0]], [[0.0, 1.0], [0.5, 0.5]]])  # S = A = 2
R2 = np.zeros((2, 2))


def _sls() -> Problem:
    return load_problem("seed-sls")


# (call, error type, fragments the message must contain: argument, value, expectation)
CASES = {
    "alpha=0": (lambda: analyze_qlearning(_sls(), alpha=0), InvalidInput, ["alpha", "0", "(0, 1]"]),
    "alpha=2": (lambda: analyze_qlearning(_sls(), alpha=2), InvalidInput, ["alpha", "2", "(0, 1]"]),
    "alpha=nan": (lambda: analyze_qlearning(_sls(), alpha=math.nan), InvalidInput, ["alpha", "nan"]),
    "alpha str": (lambda: analyze_qlearning(_sls(), alpha="0.5"), InvalidInput,
                  ["alpha", "'0.5'", "number"]),
    "problem int": (lambda: analyze_qlearning(3, alpha=0.5), InvalidInput,
                    ["problem", "int 3", "Problem", "FiniteMDP"]),
    "problem unknown name": (lambda: analyze_qlearning("seed-slz", alpha=0.5), UnknownName,
                             ["'seed-slz'", "seed-sls"]),
    "smooth problem list": (lambda: analyze_smooth([1, 2], "lse", temperature=1.0), InvalidInput,
                            ["problem", "list [1, 2]"]),
    "sa problem unknown": (lambda: analyze_sa("td0", "boyanx", [0.7]), UnknownName, ["'boyanx'"]),
    "sa algorithm unknown": (lambda: analyze_sa("tdx", load_problem("random-walk-5"), [0.7]),
                             UnknownName, ["'tdx'", "td0"]),
    "load_problem unknown": (lambda: load_problem("seed-slz"), UnknownName,
                             ["'seed-slz'", "did you mean 'seed-sls'"]),
    "load_problem None": (lambda: load_problem(None), InvalidInput, ["spec", "None", "name", "path"]),
    "gamma=1": (lambda: FiniteMDP(P2, R2, 1.0, layout="SAS"), InvalidMDP, ["gamma", "1", "[0, 1)"]),
    "gamma str": (lambda: FiniteMDP(P2, R2, "0.9", layout="SAS"), InvalidMDP,
                  ["gamma", "'0.9'", "number"]),
    "P not square": (lambda: FiniteMDP(np.full((2, 2, 3), 1 / 3), R2, 0.9), InvalidMDP,
                     ["P", "(2, 2, 3)", "(2, 2, 2)"]),
    "P of strings": (lambda: FiniteMDP([[["a", "b"]]], [[0]], 0.9), InvalidMDP, ["P[0][0][0]", "'a'"]),
    "layout unknown": (lambda: FiniteMDP(P2, R2, 0.9, layout="XYZ"), InvalidMDP,
                       ["layout", "'XYZ'", "SAS", "ASS"]),
    "S = A without layout": (lambda: FiniteMDP.from_arrays(P2, R2, 0.9), InvalidMDP, ["layout"]),
    "mdptoolbox not square": (lambda: FiniteMDP.from_mdptoolbox(np.full((2, 2, 3), 1 / 3), R2, 0.9),
                              InvalidMDP, ["P", "(A, S, S)", "(2, 2, 3)"]),
    "gymnasium no model": (lambda: FiniteMDP.from_gymnasium(object(), gamma=0.9), InvalidMDP,
                           ["no transition table P"]),
    "jsr not square": (lambda: analyze_jsr([np.ones((2, 3))]), InvalidFamily,
                       ["matrices[0]", "square", "(2, 3)"]),
    "jsr unknown gallery": (lambda: analyze_jsr("goldenx"), UnknownName, ["'goldenx'", "golden"]),
    "jsr budget str": (lambda: analyze_jsr([np.eye(2)], budget="a"), InvalidInput,
                       ["budget", "'a'", "positive"]),
    "jsr method unknown": (lambda: analyze_jsr([np.eye(2)], methods=["foo"]), UnknownName,
                           ["methods", "'foo'", "products"]),
    "smooth operator": (lambda: analyze_smooth(_sls(), "foo", temperature=1.0), UnknownName,
                        ["operator", "'foo'", "lse"]),
    "smooth temperature=0": (lambda: analyze_smooth(_sls(), "lse", temperature=0), InvalidInput,
                             ["temperature", "0", "> 0"]),
    "ntk K not square": (lambda: analyze_ntk(np.ones((2, 3)), np.ones(2) / 2, gamma=0.9, alpha=0.1),
                         InvalidInput, ["K", "square", "(2, 3)"]),
    "ntk gamma=1": (lambda: analyze_ntk(np.eye(2), np.ones(2) / 2, gamma=1, alpha=0.1), InvalidInput,
                    ["gamma", "1", "[0, 1)"]),
    "ntk alpha str": (lambda: analyze_ntk(np.eye(2), np.ones(2) / 2, gamma=0.9, alpha="a"),
                      InvalidInput, ["alpha", "'a'", "number"]),
    "pg tau=0": (lambda: run_pg_tabular("seed-sls", tau=0), InvalidInput, ["tau", "0", "> 0"]),
    "pg tau str": (lambda: run_pg_tabular("seed-sls", tau="a"), InvalidInput, ["tau", "'a'", "number"]),
    "pg unknown problem": (lambda: run_pg_tabular("seed-slx", tau=0.5), UnknownName, ["'seed-slx'"]),
    "pg sigma<0": (lambda: run_pg_meanfield("seed-sls", tau=0.1, sigma=-1, kappa=1), InvalidInput,
                   ["sigma", "-1", "> 0"]),
    "gallery unknown": (lambda: certify.gallery_entry("goldenx"), UnknownName, ["'goldenx'", "golden"]),
    "sweep grid is a path": (lambda: certify.run_sweep("grid.yaml", "rows.csv"), InvalidInput,
                             ["grid", "str 'grid.yaml'", "load_grid"]),
    "mixing of an MDP": (lambda: certify.mixing_constants(_sls().mdp), InvalidInput,
                         ["p_beta", "real numbers", "FiniteMDP"]),
    "load_family int": (lambda: certify.load_family(3), InvalidInput, ["path", "int 3", "gallery"]),
    "row_sum_rate alpha str": (lambda: certify.row_sum_rate(_sls().sampling, "a", 0.9), InvalidInput,
                               ["alpha", "'a'", "(0, 1]"]),
    "row_sum_rate gamma=1": (lambda: certify.row_sum_rate(_sls().sampling, 0.5, 1.0), InvalidInput,
                             ["gamma", "1.0", "[0, 1)"]),
    "row_sum_rate sampling": (lambda: certify.row_sum_rate(_sls(), 0.5, 0.9), InvalidInput,
                              ["sampling", "Problem", "Sampling"]),
    "q_star of an int": (lambda: certify.q_star(3), InvalidInput, ["mdp", "int 3", "FiniteMDP"]),
    "uniform_sampling None": (lambda: certify.uniform_sampling(None), InvalidInput, ["mdp", "None"]),
    "soft_optimal unknown": (lambda: certify.soft_optimal("seed-slx", 0.5), UnknownName, ["'seed-slx'"]),
    "noise str": (lambda: analyze_qlearning(_sls(), alpha=0.5, cqlf=False, steps=10, noise="a"),
                  InvalidInput, ["noise", "'a'", "real number"]),
    "q0 str": (lambda: analyze_qlearning(_sls(), alpha=0.5, cqlf=False, steps=10, q0="x"),
               InvalidInput, ["q0", "real numbers"]),
    "sampling str": (lambda: analyze_qlearning(_sls(), alpha=0.5, sampling="uniform"), InvalidInput,
                     ["sampling", "str 'uniform'", "uniform_sampling(mdp)"]),
    "smooth sampling str": (lambda: analyze_smooth(_sls(), "lse", 1.0, sampling="uniform"),
                            InvalidInput, ["sampling", "str 'uniform'"]),
    "solver str": (lambda: analyze_qlearning(_sls(), alpha=0.5, solver="SCS"), InvalidInput,
                   ["solver", "str 'SCS'", "SolverOptions(solver='SCS')"]),
    "selection_jsr of a list": (lambda: certify.selection_jsr([np.eye(2)]), InvalidFamily,
                                ["fam", "list", "SelectionFamily"]),
    "cqlf_search of a list": (lambda: certify.cqlf_search([np.eye(2)]), InvalidFamily,
                              ["family", "list", "MatrixFamily"]),
    # flags and counts (certify.argcheck): a truthy "no" ran the CQLF SDP, a seed "a" was
    # recorded as given, Problem("x") built and failed later with an AttributeError
    "cqlf 'no'": (lambda: analyze_qlearning(_sls(), alpha=0.5, cqlf="no"), InvalidInput,
                  ["cqlf", "str 'no'", "True or False or None"]),
    "cqlf 1": (lambda: analyze_qlearning(_sls(), alpha=0.5, cqlf=1), InvalidInput, ["cqlf", "int 1"]),
    "jsr seed 'a'": (lambda: analyze_jsr([np.eye(2)], seed="a"), InvalidInput,
                     ["seed", "str 'a'", "integer >= 0"]),
    "jsr seed 1.5": (lambda: analyze_jsr([np.eye(2)], seed=1.5), InvalidInput, ["seed", "float 1.5"]),
    "jsr seed True": (lambda: analyze_jsr([np.eye(2)], seed=True), InvalidInput, ["seed", "bool True"]),
    "jsr budget True": (lambda: analyze_jsr([np.eye(2)], budget=True), InvalidInput, ["budget", "True"]),
    "Problem('x')": (lambda: Problem("x"), InvalidInput, ["Problem.mdp", "str 'x'", "FiniteMDP"]),
    "Problem sampling str": (lambda: Problem(_sls().mdp, "uniform"), InvalidInput,
                             ["Problem.sampling", "str 'uniform'", "Sampling"]),
    "smooth symbolic 'no'": (lambda: analyze_smooth(_sls(), "lse", 1.0, symbolic="no"), InvalidInput,
                             ["symbolic", "str 'no'", "True or False or None"]),
    "smooth tradeoff 0": (lambda: analyze_smooth(_sls(), "lse", 1.0, tradeoff=0), InvalidInput,
                          ["tradeoff", "int 0"]),
    "ntk prefilter 'no'": (lambda: analyze_ntk(np.eye(2), np.ones(2) / 2, 0.9, 0.1, prefilter="no"),
                           InvalidInput, ["prefilter", "str 'no'", "True or False"]),
    "ntk network seed str": (lambda: certify.analyze_ntk_network(_sls(), np.ones(4) / 4, 0.1, seed="3"),
                             InvalidInput, ["seed", "str '3'", "integer >= 0"]),
    "ntk network probes 2.5": (lambda: certify.analyze_ntk_network(_sls(), np.ones(4) / 4, 0.1,
                                                                   probes=2.5),
                               InvalidInput, ["probes", "float 2.5", "integer >= 1"]),
    "ntk network iterations True": (lambda: certify.analyze_ntk_network(_sls(), np.ones(4) / 4, 0.1,
                                                                        iterations=True),
                                    InvalidInput, ["iterations", "bool True", "integer >= 0"]),
    "pg crossval seed True": (lambda: certify.run_pg_crossval("seed-sls", 0.5, 1.0, 1.0, seed=True),
                              InvalidInput, ["seed", "bool True", "integer >= 0"]),
    "pg steps 2.5": (lambda: run_pg_tabular("seed-sls", tau=0.5, steps=2.5), InvalidInput,
                     ["steps", "float 2.5", "integer >= 1"]),
    "sweep resume 'no'": (lambda: certify.run_sweep(_small_grid(), "rows.csv", resume="no"),
                          InvalidInput, ["resume", "str 'no'", "True or False"]),
    "sweep overwrite 1": (lambda: certify.run_sweep(_small_grid(), "rows.csv", overwrite=1),
                          InvalidInput, ["overwrite", "int 1"]),
    "sweep workers '2'": (lambda: certify.run_sweep(_small_grid(), "rows.csv", workers="2"),
                          InvalidInput, ["workers", "str '2'", "integer >= 1"]),
}


def _small_grid():
    from certify.data import path_of

    return certify.load_grid(path_of("sweeps", "small"))


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_argument_raises_certify_error(case: str) -> None:
    call, error, fragments = CASES[case]
    with pytest.raises(error) as info:
        call()
    assert isinstance(info.value, certify.CertifyError) and isinstance(info.value, ValueError)
    message = str(info.value)
    assert "\n" not in message, message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_problem_argument_takes_a_problem_an_mdp_or_a_name() -> None:
    """The three spellings of the same problem give the same certified bracket."""
    prob = _sls()
    brackets = {(r.direct.lower, r.direct.upper) for r in (
        analyze_qlearning(prob, alpha=0.5, cqlf=False),
        analyze_qlearning(prob.mdp, alpha=0.5, sampling=prob.sampling, cqlf=False),
        analyze_qlearning("seed-sls", alpha=0.5, cqlf=False))}
    assert len(brackets) == 1
    lower, upper = brackets.pop()
    # seed-sls at alpha 0.5: the row-sum rate is 1 - 0.5 * 0.1 * 0.1 = 0.995; the JSR is below
    assert lower <= upper < 0.995


def test_mdp_argument_takes_an_mdp_a_problem_or_a_name() -> None:
    """q_star on seed-sls: the three spellings agree, and give the closed form (action 0 earns
    1 forever: 1 / (1 - 0.9) = 10; action 1 earns 0, then 10 discounted: 9)."""
    prob = _sls()
    values = [certify.q_star(x)[0] for x in (prob.mdp, prob, "seed-sls")]
    assert all(np.array_equal(values[0], v) for v in values[1:])
    assert np.allclose(values[0], [[10.0, 9.0], [10.0, 9.0]], atol=1e-9)
    assert certify.uniform_sampling(prob).d.tolist() == [0.25] * 4


def _results() -> dict[str, object]:
    sls = _sls()
    return {
        "qlearning": analyze_qlearning(sls, alpha=0.5, cqlf=False),
        "qlearning steps": analyze_qlearning(sls, alpha=0.1, cqlf=False, noise=0.5, steps=1000),
        "jsr golden": analyze_jsr("golden", budget=5),
        "jsr one side": analyze_jsr([np.array([[1.0, 1.0], [0.0, 1.0]])], methods=["products"],
                                    budget=2),
        "smooth lse": analyze_smooth(sls, "lse", temperature=2.0, symbolic=False, tradeoff=False),
        "smooth boltzmann": analyze_smooth(sls, "boltzmann", temperature=2.0, symbolic=False,
                                           tradeoff=False),
        "ntk": analyze_ntk(np.eye(2), np.ones(2) / 2, gamma=0.9, alpha=0.1),
        "sa": analyze_sa("td0", load_problem("random-walk-5"), [0.7]),
    }


def test_results_to_dict_is_standard_json() -> None:
    """``json.dumps(result.to_dict())`` with ``allow_nan=False``: no NaN or Infinity (a side
    with no certificate is null)."""
    results = _results()
    for name, res in results.items():
        doc = res.to_dict()
        text = json.dumps(doc, allow_nan=False)
        assert json.loads(text)["verdict"] in ("certified", "refuted", "inconclusive"), name
    golden = results["jsr golden"].to_dict()
    # the golden pair: JSR = (1 + sqrt 5) / 2, proved exactly
    assert golden["exact"] and abs(golden["upper"] - (1 + 5 ** 0.5) / 2) < 1e-9
    assert any(h["upper"] is None for h in golden["history"])  # a stage before any upper bound


def test_star_import_gives_the_public_api() -> None:
    """``from certify import *`` (a notebook's first line) brings the lazily loaded names too."""
    namespace: dict[str, object] = {}
    exec("from certify import *", namespace)
    assert namespace["analyze_qlearning"] is certify.analyze_qlearning
    assert namespace["load_problem"] is certify.load_problem and "InvalidInput" in namespace
    public = {n for n in dir(certify) if not n.startswith("_")
              and not inspect.ismodule(getattr(certify, n))}
    assert set(certify.__all__) == public
