"""Optional dependencies behind pip extras (issue 19, item 3): a missing extra is a one-line
error naming it (exit 2), and the core commands run without any extra installed."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from certify.cli import main
from certify.extras import MissingExtra, _PurePythonNumba, require

ROOT = Path(__file__).resolve().parents[1]


def test_require_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba now raises ImportError
    with pytest.raises(MissingExtra, match=r"pip install 'certify\[simulate\]'"):
        require("numba")
    monkeypatch.setitem(sys.modules, "jinja2", None)
    with pytest.raises(MissingExtra, match=r"certify\[report\]"):
        require("jinja2")
    assert require("math").floor(2.5) == 2
    with pytest.raises(ImportError):  # not an optional package of certify: re-raised as is
        require("no_such_module_certify_test")


@pytest.mark.parametrize("module, extra, argv", [
    ("numba", "simulate", ["simulate", "qlearning", "seed-sls", "--alpha", "0.5", "--runs", "2",
                           "--steps", "5"]),
    ("jinja2", "report", ["report", "seed-sls", "--alpha", "0.5", "-o", "OUT/r.tex", "--runs", "0"]),
    ("scs", "scs", ["qlearning", "seed-sls", "--alpha", "0.5", "--solver", "SCS"]),
    ("distributed", "sweep", ["sweep", str(ROOT / "certify" / "data" / "sweeps" / "small.yaml"), "-o",
                              "OUT/o.csv"]),
])
def test_cli_missing_extra_is_one_line(module, extra, argv, monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, module, None)
    code = main([a.replace("OUT", str(tmp_path)) for a in argv])
    out, err = capsys.readouterr()
    assert code == 2
    assert err.count("\n") == 1 and f"certify[{extra}]" in err and "Traceback" not in err


def test_pure_python_stand_in():
    nb = _PurePythonNumba()

    @nb.njit(cache=True)
    def f(x):
        return sum(i for i in nb.prange(x))

    assert f(4) == 6 and nb.njit(len)("abc") == 3


@pytest.mark.slow  # a fresh interpreter: about 10 s of imports
def test_core_runs_without_extras():
    blocker = textwrap.dedent("""
        import sys
        class B:
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] in {'numba', 'dask', 'distributed', 'matplotlib', 'jinja2',
                                          'pyarrow', 'scs'}:
                    raise ModuleNotFoundError(name)
        sys.meta_path.insert(0, B())
        from certify.cli import main
        sys.exit(main(['qlearning', 'seed-sls', '--alpha', '0.5', '--cqlf', 'no']))
    """)
    r = subprocess.run([sys.executable, "-c", blocker], cwd=ROOT, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "overall verdict: certified" in r.stdout
