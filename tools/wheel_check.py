"""CI step: the built wheel in a fresh venv, outside the source tree, runs every README command.

1. build the wheel and install it with no extras into a fresh venv (no editable install, no
   PYTHONPATH); measure the install size and ``certify --help`` (benchmarks/bench_install.py;
   limits 300 MB and 0.5 s);
2. check the package data is there: ``certify.gallery_names()`` is not empty and is read
   from the installed package;
3. install the extras (``certify[all]``) and pytest (for the README's pytest plugin line) and
   run the README's commands (tools/readme_commands.py) in an empty work folder, as written;
   the scripts of ``examples/`` are copied in, as a user who downloads them has them.

A command passes when it exits with the code the README states (0 unless ``# exit N``) and
prints no traceback.  Exit 0 when every check passes.  ``make wheel-check`` runs this;
``--keep DIR`` keeps the venv and the work folder, ``--only N`` runs the first N commands.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tools"))

import bench_install  # noqa: E402
import readme_commands  # noqa: E402

COMMAND_TIMEOUT = 900  # seconds per README command


def check_package_data(py: Path, work: Path, env: dict[str, str]) -> list[str]:
    """Problems with the installed package's data (empty list: none)."""
    code = ("import certify, certify.data as d; names = certify.gallery_names(); "
            "print(certify.__file__); print(len(names), len(d.names('claims')), "
            "len(d.names('sweeps')))")
    r = subprocess.run([str(py), "-c", code], cwd=work, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        return [f"package data: {r.stderr.strip().splitlines()[-1] if r.stderr else r.returncode}"]
    where, counts = r.stdout.strip().splitlines()
    problems = []
    if str(ROOT) in where:
        problems.append(f"certify imported from the source tree ({where}), not the venv")
    n_fam, n_claims, n_sweeps = map(int, counts.split())
    print(f"installed at {where}: {n_fam} gallery families, {n_claims} claims files, "
          f"{n_sweeps} sweep grids")
    if min(n_fam, n_claims, n_sweeps) == 0:
        problems.append(f"package data missing: {counts}")
    return problems


def run_readme(venv: Path, work: Path, only: int | None) -> tuple[list[str], int]:
    """Run the README's commands in ``work``; return the failures and the number run."""
    files, cmds = readme_commands.commands((ROOT / "README.md").read_text())
    unmarked = readme_commands.unmarked_commands((ROOT / "README.md").read_text())
    failures = [f"not run and not marked '<!-- not run: ... -->': {u}" for u in unmarked]
    for name, text in files.items():
        (work / name).write_text(text)
    shutil.copytree(ROOT / "examples", work / "examples",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = bench_install.clean_env(venv)
    env.setdefault("MPLBACKEND", "Agg")
    total = time.perf_counter()
    for c in cmds[:only]:
        t0 = time.perf_counter()
        if c.script:
            argv = [str(bench_install.venv_python(venv)), "-"]
            stdin = c.text
        else:
            argv = ["bash", "-c", c.text]
            stdin = None
        try:
            r = subprocess.run(argv, cwd=work, env=env, input=stdin, capture_output=True,
                               text=True, timeout=COMMAND_TIMEOUT)
            code, out, err = r.returncode, r.stdout, r.stderr
        except subprocess.TimeoutExpired:
            code, out, err = -1, "", f"timed out after {COMMAND_TIMEOUT} s"
        secs = time.perf_counter() - t0
        ok = code == c.expect and "Traceback" not in err + out
        head = "python <<README block>>" if c.script else c.text
        print(f"{'ok  ' if ok else 'FAIL'} {secs:7.1f} s  exit {code}  README.md:{c.line}: {head}",
              flush=True)
        if not ok:
            tail = "\n".join((err or out).strip().splitlines()[-5:])
            failures.append(f"README.md:{c.line}: {head}: exit {code}, expected {c.expect}\n{tail}")
    print(f"{len(cmds[:only])} README commands in {time.perf_counter() - total:.0f} s")
    return failures, len(cmds[:only])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    ap.add_argument("--only", type=int, default=None, help="run only the first N README commands")
    args = ap.parse_args()
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        return check(args.keep.resolve(), args.only)
    with tempfile.TemporaryDirectory(prefix="certify-wheel-check-") as tmp:
        return check(Path(tmp), args.only)


def check(tmp: Path, only: int | None) -> int:
    m = bench_install.measure(tmp)
    within = bench_install.report(m)
    failures = [] if within else ["install size or certify --help over its limit (above)"]
    venv, work = tmp / "venv", tmp / "work"
    py = bench_install.venv_python(venv)
    env = bench_install.clean_env(venv)
    failures += check_package_data(py, work, env)
    wheel = tmp / "dist" / m["wheel"]
    bench_install.pip_install(py, f"{wheel}[all]", "pytest")
    readme_failures, n = run_readme(venv, work, only)
    failures += readme_failures
    for f in failures:
        print(f"FAILED: {f}", file=sys.stderr)
    checks = n + 2  # the README commands, the limits, the package data
    print(f"wheel-check: {checks - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    os.environ.pop("PYTHONPATH", None)
    raise SystemExit(main())
