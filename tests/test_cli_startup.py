"""`certify --help` and `certify examples` start without the heavy packages (issue 15).

Each check runs in a fresh interpreter (the test process itself has imported everything)
and inspects ``sys.modules`` after parsing; the time is a benchmark matter, not asserted.
"""

import json
import os
import subprocess
import sys

from certify.cli.problems import EXAMPLES
from certify.cli.simulate_td import ALGOS, TIMESCALES

HEAVY = ("sympy", "cvxpy", "dask", "numba", "matplotlib", "jinja2", "scipy", "numpy", "yaml")

PROBE = """
import contextlib, io, json, sys
from certify.cli import main
argv = json.loads(sys.argv[1])
with contextlib.redirect_stdout(io.StringIO()):
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
import os
print(json.dumps({"code": code, "modules": sorted(sys.modules),
                  "blas": os.environ.get("OPENBLAS_NUM_THREADS")}))
"""


def _run_probe(argv: list[str], env: dict | None = None) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argv)], capture_output=True,
                         text=True, check=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def _modules_after(argv: list[str]) -> tuple[int, set[str]]:
    doc = _run_probe(argv)
    return doc["code"], set(doc["modules"])


def _heavy(mods: set[str]) -> list[str]:
    return [h for h in HEAVY if h in mods]


def test_help_imports_no_heavy_package():
    code, mods = _modules_after(["--help"])
    assert code == 0
    assert _heavy(mods) == []
    assert "rich" not in mods


def test_subcommand_help_imports_no_heavy_package():
    for argv in (["qlearning", "--help"], ["jsr", "--help"], ["simulate", "--help"]):
        code, mods = _modules_after(argv)
        assert code == 0, argv
        assert _heavy(mods) == [], argv


def test_examples_imports_no_heavy_package():
    code, mods = _modules_after(["examples", "--json"])
    assert code == 0
    assert _heavy(mods) == []


def test_examples_table_matches_the_builtins():
    from certify.mdp.builtins import BUILTINS

    assert list(EXAMPLES) == list(BUILTINS)
    for name, build in BUILTINS.items():
        pr = build()
        assert EXAMPLES[name] == (pr.mdp.n_states, pr.mdp.n_actions, pr.mdp.gamma,
                                  pr.description)


def test_td_timescales_match_the_algorithms():
    from certify.algorithms.td.algorithms import get_algorithm
    from certify.algorithms.td.variants import VARIANTS

    assert set(TIMESCALES) == set(ALGOS)
    for name in ALGOS:
        form = VARIANTS[name].form if name in VARIANTS else name  # etd0 has TD(0)'s form
        assert TIMESCALES[name] == get_algorithm(form).n_timescales


def test_jsr_method_names_match_the_engine():
    from certify.jsr import bounds
    from certify.jsr_methods import DEFAULT_METHODS, METHODS

    assert bounds.METHODS == METHODS and bounds.DEFAULT_METHODS == DEFAULT_METHODS
    assert set(DEFAULT_METHODS) <= set(METHODS)


def test_commands_run_blas_single_threaded_unless_told():
    from certify.cli import BLAS_THREAD_VARIABLES

    env = {k: v for k, v in os.environ.items() if k not in BLAS_THREAD_VARIABLES}
    assert _run_probe(["examples"], env)["blas"] == "1"
    assert _run_probe(["examples"], {**env, "OPENBLAS_NUM_THREADS": "2"})["blas"] == "2"
