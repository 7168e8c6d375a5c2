"""Hostile and broken input (issue 20): no traceback, no hang, nothing overwritten, and a
crash (exit 3) that CI can tell from a refutation (exit 1).

Every input listed in the issue is run in process through :func:`certify.cli.main`: it must
end with exit 2 and one line on stderr naming what is wrong (or 0/1 where the input is
valid), never a traceback.  A property test feeds random bytes and random deeply nested
documents as problem, family, grid and claims files and checks that none exits 3.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certify.cli import main
from certify.cli.outcome import EXIT_INTERNAL, EXIT_TERMINATED, run_command
from certify.errors import InputTooLarge, InvalidInput, UnsafeInput

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "certify" / "data" / "families" / "golden.json"
MDP1 = "gamma: 0.9\nP: [[[1.0]]]\nR: [[0]]\n"


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # pragma: no cover - main returns, it does not exit
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


def refused(argv: list, capsys, *words: str) -> str:
    """Exit 2, one line on stderr containing every word, no traceback; the line."""
    code, out, err = run(argv, capsys)
    assert code == 2, (argv, code, out[-300:], err[-1500:])
    assert "Traceback" not in err and err.strip().count("\n") == 0, err
    for w in words:
        assert w.lower() in err.lower(), (w, err)
    return err


@pytest.fixture(autouse=True)
def _crash_dir(tmp_path, monkeypatch):
    """Crash logs of these tests go to their own folder (and must not appear unless asked)."""
    monkeypatch.setenv("CERTIFY_CRASH_DIR", str(tmp_path))


# ----------------------------------------------------------------------------- exit codes
def test_an_unexpected_exception_exits_3_with_one_line_and_a_crash_log(tmp_path, capsys,
                                                                        monkeypatch):
    import certify.cli.problems as problems

    def boom(args):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(problems, "run_show", boom)
    code, out, err = run(["show", "seed-sls"], capsys)
    assert code == EXIT_INTERNAL and out == ""
    assert err.count("\n") == 1 and "bug in certify" in err and "Traceback" not in err
    logs = list(tmp_path.glob("certify-crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in err
    text = logs[0].read_text()
    assert "Traceback" in text and "ZeroDivisionError: a bug" in text and "show seed-sls" in text


def test_debug_flag_and_variable_print_the_traceback(capsys, monkeypatch):
    import certify.cli.problems as problems

    monkeypatch.setattr(problems, "run_show", lambda args: 1 / 0)
    code, _, err = run(["show", "seed-sls", "--debug"], capsys)
    assert code == 3 and "Traceback" in err and "ZeroDivisionError" in err
    monkeypatch.setenv("CERTIFY_DEBUG", "1")
    code, _, err = run(["show", "seed-sls"], capsys)
    assert code == 3 and "Traceback" in err


def test_json_errors_are_a_json_document(capsys, monkeypatch, tmp_path):
    code, out, err = run(["jsr", tmp_path / "missing.json", "--json"], capsys)
    assert code == 2
    doc = json.loads(out)
    assert doc["error"]["exit_code"] == 2 and "missing.json" in doc["error"]["message"]
    import certify.cli.problems as problems

    monkeypatch.setattr(problems, "run_show", lambda args: [][1])
    code, out, _ = run(["show", "seed-sls", "--json"], capsys)
    assert code == 3 and json.loads(out)["error"]["kind"] == "internal_error"


def test_usage_errors_are_one_line(capsys):
    routed = [["crossval", *form, "--runs", "-1"] for form in
              (["seed-sls", "--alpha", "0.5"], ["smooth", "seed-sls"],
               ["sa", "gtd2", "random-walk-5", "--exponents", "0.6,0.8"],
               ["pg", "garnet:3:2:2:0", "--tau", "0.1"])]
    for argv in (["jsr"], ["qlearning", "seed-sls"], ["bogus"], ["simulate", "qlearning"],
                 *routed):
        code, out, err = run(argv, capsys)
        assert code == 2 and out == "" and err.strip().count("\n") == 0, (argv, err)
        assert "--help" in err


def test_sigterm_exits_143_after_cleanup(tmp_path):
    import argparse

    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        pytest.skip("another SIGTERM handler is installed")
    folder = tmp_path / "scratch"

    def dispatch(args):
        folder.mkdir()
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # interrupted by the handler at once
        finally:
            folder.rmdir()
        return 0

    parser = argparse.ArgumentParser(prog="certify")
    assert run_command(parser, [], dispatch) == EXIT_TERMINATED
    assert not folder.exists()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_full_stdout_is_one_line_exit_2(capsys, monkeypatch):
    class Full:
        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

        def flush(self):
            pass

    monkeypatch.setattr(sys, "stdout", Full())
    code = main(["jsr", str(GOLDEN), "--budget", "2", "--json"])
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert code == 2 and "standard output" in err and "Traceback" not in err


# ----------------------------------------------------------------------------- encodings
@pytest.mark.parametrize("data, word", [
    (MDP1.encode("utf-16"), "UTF-16"),
    (b"gamma: 0.9\nname: caf\xe9\nP: [[[1.0]]]\nR: [[0]]\n", "not UTF-8"),
])
@pytest.mark.parametrize("form", [["show", "{}"], ["jsr", "{}"], ["check", "{}"],
                                  ["sweep", "{}", "-o", "OUT"]])
def test_non_utf8_files(form, data, word, tmp_path, capsys):
    suffix = ".json" if form[0] == "jsr" else ".yaml"
    f = tmp_path / f"x{suffix}"
    f.write_bytes(data)
    argv = [a.format(f) if a == "{}" else a.replace("OUT", str(tmp_path / "o.csv")) for a in form]
    refused(argv, capsys, word)


# ----------------------------------------------------------------------------- numbers
@pytest.mark.parametrize("name, text, words", [
    ("big.yaml", "gamma: 0.9\nlayout: SAS\nP: [[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]]\n"
                 "R: [[1.0e+200, 0], [1, 0]]\n", ["R[0][0]", "CERTIFY_MAX_MAGNITUDE"]),
    ("big.json", '{"gamma": 0.9, "layout": "SAS", "P": [[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]], '
                 '"R": [[1e200, 0], [1, 0]]}', ["R[0][0]", "CERTIFY_MAX_MAGNITUDE"]),
    ("digits.yaml", "gamma: 0.9\nP: [[[1.0]]]\nR: [[" + "9" * 400 + "]]\n", ["R[0][0]", "digits"]),
    ("digits.json", '{"gamma": 0.9, "P": [[[1.0]]], "R": [[' + "9" * 400 + "]]}",
     ["R[0][0]", "digits"]),
    ("states.yaml", MDP1 + "states: 5\n", ["states", "list"]),
    ("gstr.yaml", 'gamma: "0.9"\nP: [[[1.0]]]\nR: [[0]]\n', ["gamma", "'0.9'"]),
    ("pbool.yaml", "gamma: 0.9\nP: [[[true]]]\nR: [[0]]\n", ["P[0][0][0]", "boolean"]),
    ("pstr.yaml", "gamma: 0.9\nP: [[['1.0']]]\nR: [[0]]\n", ["P[0][0][0]", "string"]),
    ("yamle.yaml", "gamma: 0.9\nP: [[[1.0]]]\nR: [[1e-3]]\n", ["R[0][0]", "1.0e-10"]),
])
def test_numbers_are_numbers(name, text, words, tmp_path, capsys):
    f = tmp_path / name
    f.write_text(text)
    refused(["qlearning", f, "--alpha", "0.5"], capsys, *words)


def test_complex_npz_is_refused(tmp_path, capsys):
    P = np.ones((1, 1, 1), dtype=complex)
    np.savez(tmp_path / "c.npz", P=P, R=np.zeros((1, 1)), gamma=np.array(0.9))
    refused(["show", tmp_path / "c.npz"], capsys, "complex")
    np.savez(tmp_path / "f.npz", matrices=np.ones((1, 2, 2), dtype=complex))
    refused(["jsr", tmp_path / "f.npz"], capsys, "complex")


def test_huge_family_entries_give_a_valid_bracket(tmp_path, capsys):
    """jsr takes any finite float (it scales): entries 1.7e308 are valid input, exit 0/1."""
    f = tmp_path / "huge.json"
    f.write_text('{"matrices": [[[1.7e308, 0], [0, 1]], [[1, 0], [0, 1.7e308]]]}')
    code, out, err = run(["jsr", f, "--budget", "3", "--methods", "products,norms", "--json"],
                         capsys)
    assert code in (0, 1) and "Traceback" not in err
    doc = json.loads(out)
    assert doc["lower"] is None or doc["lower"] <= 1.7e308  # JSR = 1.7e308 (diagonal members)


# ----------------------------------------------------------------------------- nesting
DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("name, text, argv", [
    ("deep.yaml", f"gamma: 0.9\nP: {DEEP}\nR: [[0]]\n", ["show", "{}"]),
    ("deep.json", f'{{"gamma": 0.9, "P": {DEEP}, "R": [[0]]}}', ["show", "{}"]),
    ("fam.json", f'{{"matrices": {DEEP}}}', ["jsr", "{}"]),
    ("claims.yaml", f"claims: {DEEP}\n", ["check", "{}"]),
    ("grid.yaml", f"command: qlearning\nalpha: {DEEP}\n", ["sweep", "{}", "-o", "OUT"]),
])
def test_deep_nesting_is_refused(name, text, argv, tmp_path, capsys):
    f = tmp_path / name
    f.write_text(text)
    argv = [str(f) if a == "{}" else a.replace("OUT", str(tmp_path / "o.csv")) for a in argv]
    refused(argv, capsys, "CERTIFY_MAX_DEPTH")


# ----------------------------------------------------------------------------- sizes
def _alias_bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_is_refused_before_expansion(tmp_path, capsys):
    f = tmp_path / "bomb.yaml"
    f.write_text(_alias_bomb() + "gamma: 0.9\nP: *a9\nR: [[0]]\n")
    assert f.stat().st_size < 2000
    refused(["show", f], capsys, "CERTIFY_MAX_ENTRIES")


def test_billion_laughs_claims_file_is_refused(tmp_path, capsys):
    f = tmp_path / "laughs.yaml"
    f.write_text(_alias_bomb() + "claims: *a9\n")
    refused(["check", f], capsys, "CERTIFY_MAX_ENTRIES")


def test_recursive_yaml_alias_is_refused(tmp_path, capsys):
    f = tmp_path / "loop.yaml"
    f.write_text("gamma: 0.9\nP: &p [*p]\nR: [[0]]\n")
    refused(["show", f], capsys, "recursive")


def test_yaml_alias_count_limit(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CERTIFY_MAX_YAML_ALIASES", "3")
    f = tmp_path / "a.yaml"
    f.write_text("x: &x 1\ngamma: 0.9\nP: [[[1.0]]]\nR: [[*x]]\ny: [*x, *x, *x]\n")
    refused(["show", f], capsys, "CERTIFY_MAX_YAML_ALIASES")


def _npz_with_header(path: Path, name: str, shape: tuple[int, ...]) -> None:
    """An NPZ whose member declares ``shape`` (float64) in its header but holds no data:
    only a reader that trusts the header before decompressing refuses it correctly."""
    header = {"descr": "<f8", "fortran_order": False, "shape": shape}
    text = repr(header).encode("latin1")
    pad = 64 - (10 + len(text) + 1) % 64
    body = b"\x93NUMPY\x01\x00" + (len(text) + pad + 1).to_bytes(2, "little") + text \
        + b" " * pad + b"\n"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{name}.npy", body)


def test_npz_bomb_is_refused_from_its_header(tmp_path, capsys):
    _npz_with_header(tmp_path / "bomb.npz", "P", (20_000, 20_000, 1))  # 3.2 GB declared
    refused(["show", tmp_path / "bomb.npz"], capsys, "CERTIFY_MAX_ENTRIES", "400,000,000")
    _npz_with_header(tmp_path / "wide.npz", "P", (2_000, 2_000, 2_000))  # 64 GB in 8 arrays
    refused(["show", tmp_path / "wide.npz"], capsys, "CERTIFY_MAX_")
    _npz_with_header(tmp_path / "fam.npz", "matrices", (2, 40_000, 40_000))
    refused(["jsr", tmp_path / "fam.npz"], capsys, "CERTIFY_MAX")


def test_limits_are_raised_by_their_variables(tmp_path, capsys, monkeypatch):
    np.savez(tmp_path / "m.npz", P=np.ones((3, 1, 1)) / 1, R=np.zeros((3, 1)),
             gamma=np.array(0.5))
    monkeypatch.setenv("CERTIFY_MAX_NPZ_BYTES", "16")
    refused(["show", tmp_path / "m.npz"], capsys, "CERTIFY_MAX_NPZ_BYTES", "16")
    monkeypatch.setenv("CERTIFY_MAX_NPZ_BYTES", "1e6")
    code, _, _ = run(["show", tmp_path / "m.npz"], capsys)
    assert code == 2  # P[s] has one next state for 3 states: still bad, but not too large
    monkeypatch.setenv("CERTIFY_MAX_NPZ_BYTES", "-1")
    refused(["show", tmp_path / "m.npz"], capsys, "CERTIFY_MAX_NPZ_BYTES", "positive")


def test_garnet_size_is_checked_before_allocation(capsys):
    refused(["qlearning", "garnet:100000:100000:1:0", "--alpha", "0.5"], capsys,
            "CERTIFY_MAX_PAIRS", "10,000,000,000")


def test_grid_size_is_checked_before_expansion(tmp_path, capsys):
    g = tmp_path / "g.yaml"
    g.write_text("command: qlearning\nproblems:\n  - garnet: {states: 3, actions: 2, "
                 "branching: 1, seeds: \"0..1000000000\"}\nalpha: 0.5\n")
    refused(["sweep", g, "-o", tmp_path / "o.csv"], capsys, "CERTIFY_MAX_GRID_CELLS")
    g.write_text("command: qlearning\nproblems:\n  - builtin: seed-sls\nalpha: \"1..400\"\n"
                 "cqlf: \"1..400\"\n")
    refused(["sweep", g, "-o", tmp_path / "o.csv"], capsys, "CERTIFY_MAX_GRID_CELLS", "160,000")


def test_file_size_limit(tmp_path, capsys, monkeypatch):
    f = tmp_path / "m.yaml"
    f.write_text(MDP1 + "#" * 5000 + "\n")
    monkeypatch.setenv("CERTIFY_MAX_FILE_BYTES", "1000")
    refused(["show", f], capsys, "CERTIFY_MAX_FILE_BYTES")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.parametrize("form", [["show", "{}"], ["jsr", "{}"], ["check", "{}"],
                                  ["sweep", "{}", "-o", "OUT"]])
def test_fifo_is_refused_not_read(form, tmp_path, capsys):
    suffix = ".json" if form[0] == "jsr" else ".yaml"
    fifo = tmp_path / f"pipe{suffix}"
    os.mkfifo(fifo)  # nobody writes: a reader would block forever
    argv = [str(fifo) if a == "{}" else a.replace("OUT", str(tmp_path / "o.csv")) for a in form]
    refused(argv, capsys, "FIFO")


# ----------------------------------------------------------------------------- claims
def _claims(tmp_path: Path, body: str) -> Path:
    (tmp_path / "fam.json").write_text('{"matrices": [[[0.5, 0], [0, 0.5]]]}')
    f = tmp_path / "c.yaml"
    f.write_text("claims:\n  - name: x\n" + body)
    return f


def test_long_sum_in_an_assertion_is_refused(tmp_path, capsys):
    f = _claims(tmp_path, "    jsr: {family: fam.json}\n    assert: "
                + " + ".join(["1"] * 500) + " > 0\n")
    refused(["check", f], capsys, "nested more than")


def test_power_tower_in_an_assertion_fails_the_claim_at_once(tmp_path, capsys):
    f = _claims(tmp_path, "    jsr: {family: fam.json}\n"
                "    assert: \"((10**1000)**1000)**1000 > 0\"\n")
    code, out, err = run(["check", f, "--json"], capsys)
    assert code == 1 and "Traceback" not in err
    msg = json.loads(out)["claims"][0]["message"]
    assert "1,000,021 digits" in msg  # (10^1000)^1000 = 10^1000000, refused before computing


def test_claims_share_one_evaluation_budget(tmp_path, capsys, monkeypatch):
    from certify.claims import evaluate
    from certify.errors import BudgetExhausted

    with pytest.raises(BudgetExhausted, match="CERTIFY_CLAIMS_EVAL_SECONDS"):
        evaluate("1 + 1 == 2", {}, deadline=time.monotonic() - 1)
    assert evaluate("1 + 1 == 2", {}, deadline=time.monotonic() + 60) == (True, {})


def test_markup_in_a_name_is_printed_literally(tmp_path, capsys):
    f = tmp_path / "m.yaml"
    f.write_text('name: "[/bold]"\n' + MDP1)
    code, out, err = run(["qlearning", f, "--alpha", "0.5"], capsys)
    assert code in (0, 1) and "[/bold]" in out and "Traceback" not in err


def test_edited_certificate_with_bad_indices_is_refused(tmp_path, capsys):
    code, _, err = run(["qlearning", "seed-sls", "--alpha", "0.5", "--save-certificates",
                        tmp_path], capsys)
    assert code == 0, err
    certs = sorted(tmp_path.glob("*.json"))
    assert len(certs) == 3
    for cert in certs:
        text = json.dumps(json.loads(cert.read_text()))
        assert '"indices": [0, 1,' in text
        cert.write_text(text.replace('"indices": [0, 1,', '"indices": [99, 1,', 1))
        refused(["verify", cert], capsys, "indices must be <")


# ----------------------------------------------------------------------------- sandbox
OVERWRITE = ("    sweep: {grid: grid.yaml, output: victim.csv, overwrite: true}\n")


def test_overwrite_claim_is_refused_and_the_file_survives(tmp_path, capsys):
    f = _claims(tmp_path, OVERWRITE)
    (tmp_path / "grid.yaml").write_text("command: jsr\nfamily: fam.json\nrecord: [upper]\n")
    victim = tmp_path / "victim.csv"
    victim.write_text("precious\n")
    refused(["check", f], capsys, "--allow-sweeps")
    refused(["check", f, "--allow-sweeps"], capsys, "overwrite")
    assert victim.read_text() == "precious\n"


@pytest.mark.parametrize("params, word", [
    ("{grid: grid.yaml, output: ../victim.csv}", "outside the scratch folder"),
    ("{grid: grid.yaml, output: /tmp/victim.csv}", "outside the scratch folder"),
    ("{grid: grid.yaml, output: o.csv, scheduler: 'tcp://10.0.0.1:8786'}", "scheduler"),
    ("{grid: grid.yaml, output: o.csv, workers: 100000}", "workers"),
])
def test_sweep_claims_stay_in_the_sandbox(params, word, tmp_path, capsys):
    f = _claims(tmp_path, f"    sweep: {params}\n")
    refused(["check", f, "--allow-sweeps", "--scratch", tmp_path], capsys, word)


def test_sandbox_places_outputs_under_the_scratch_folder(tmp_path):
    from certify.claims.sandbox import Sandbox

    box = Sandbox(tmp_path / "s", allow_sweeps=True, scheduler="tcp://127.0.0.1:1")
    (tmp_path / "s").mkdir()
    out = box.apply("sweep", {"grid": "g.yaml", "output": "sub/o.csv"}, "c")
    assert out == {"grid": "g.yaml", "output": str(tmp_path / "s" / "sub" / "o.csv"),
                   "scheduler": "tcp://127.0.0.1:1"}
    with pytest.raises(UnsafeInput, match="exists"):  # the same name twice in one run
        box.apply("sweep", {"grid": "g.yaml", "output": "sub/o.csv"}, "c")
    cert = box.apply("pg_tabular", {"mdp": "seed-sls", "save_certificate": "c.json"}, "c")
    assert cert["save_certificate"] == str(tmp_path / "s" / "c.json")
    with pytest.raises(UnsafeInput, match="allow-sweeps"):
        Sandbox().apply("sweep", {"grid": "g.yaml", "output": "o.csv"}, "c")


# ----------------------------------------------------------------------------- outputs
@pytest.mark.parametrize("argv, option", [
    (["check", "CLAIMS", "--junit", "/proc/certify-x.xml"], "--junit"),
    (["qlearning", "seed-sls", "--alpha", "0.5", "--save-certificates", "/proc"],
     "--save-certificates"),
    (["sweep", "GRID", "-o", "/proc/certify-x.csv"], "-o"),
    (["report", "seed-sls", "--alpha", "0.5", "-o", "/proc/certify-x.tex", "--runs", "0"], "-o"),
    (["crossval", "seed-sls", "--alpha", "0.5", "--runs", "2", "--steps", "5", "--plot",
      "/proc/certify-x.png"], "--plot"),
    (["pg", "tabular", "seed-sls", "--tau", "0.5", "--steps", "2", "--save-certificate",
      "/proc/certify-x.json"], "--save-certificate"),
])
def test_unwritable_output_is_refused_before_computing(argv, option, capsys):
    if not Path("/proc").is_dir():
        pytest.skip("no /proc")
    subst = {"CLAIMS": str(ROOT / "certify" / "data" / "claims" / "jsr-golden.yaml"),
             "GRID": str(ROOT / "certify" / "data" / "sweeps" / "small.yaml")}
    refused([subst.get(a, a) for a in argv], capsys, option, "cannot write")


def test_certificate_sets_are_all_or_nothing(tmp_path, monkeypatch):
    from certify import outputs

    real = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 1:  # fail before anything is in place
            raise OSError(errno.EIO, "I/O error")
        real(src, dst)

    monkeypatch.setattr(outputs.os, "replace", flaky)
    with pytest.raises(OSError):
        outputs.write_files_atomic(tmp_path, {"a.json": "1", "b.json": "2", "c.json": "3"})
    assert list(tmp_path.iterdir()) == []  # no certificate, no temporary file
    monkeypatch.setattr(outputs.os, "replace", real)
    written = outputs.write_files_atomic(tmp_path, {"a.json": "1", "b.json": "2"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"] == \
        sorted(p.name for p in written)


def test_stale_temp_folders_of_dead_processes_are_removed(tmp_path):
    from certify.outputs import remove_stale_temp_folders

    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True)
    dead = int(proc.stdout)
    (tmp_path / f"certify-cell-{dead}-abc").mkdir()
    (tmp_path / f"certify-cell-{os.getpid()}-abc").mkdir()  # ours: alive, kept
    assert remove_stale_temp_folders("certify-cell-", tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == [f"certify-cell-{os.getpid()}-abc"]


# ----------------------------------------------------------------------------- sweeps
def _rows_csv() -> tuple[str, list[dict]]:
    import csv
    import io

    cols = ["cell", "grid", "error", "wall_time"]
    rows = [{"cell": "a", "grid": "g", "error": "", "wall_time": "1.0"},
            {"cell": "b", "grid": "g", "error": "Error: line one\nline two, \"quoted\"",
             "wall_time": "2.0"},
            {"cell": "c", "grid": "g", "error": "", "wall_time": "3.0"}]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue(), rows


def test_a_csv_row_cut_at_any_byte_is_detected(tmp_path):
    from certify.sweep.output import read_rows

    text, rows = _rows_csv()
    for cut in range(len(text) + 1):
        f = tmp_path / "o.csv"
        f.write_text(text[:cut])
        got = read_rows(f)
        assert got == rows[:len(got)], cut  # only whole rows, in order
        assert f.read_text() == "" or f.read_text().endswith("\n")
    f.write_text(text)
    assert read_rows(f) == rows


def test_retryable_rows_run_again_on_resume(tmp_path, monkeypatch):
    from certify.sweep import output

    rows = [{"cell": "a", "grid": "G", "error": None},
            {"cell": "b", "grid": "G", "error": "retryable: CancelledError: lost"},
            {"cell": "c", "grid": "G", "error": "ValueError: the cell's own failure"}]
    f = tmp_path / "o.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in rows))

    class G:
        columns = ["cell", "grid", "error"]
        hash = "G"

    done = output.finished_cells(f, G())  # type: ignore[arg-type]
    assert sorted(done) == ["a", "c"]  # b runs again; c's own error is a result
    f.write_text(f.read_text() + json.dumps({"cell": "b", "grid": "G", "error": None}) + "\n")
    assert sorted(output.finished_cells(f, G())) == ["a", "b", "c"]  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- budgets
def test_structure_detection_has_a_cheap_exact_exit_and_a_deadline():
    from certify.exact.structure import has_nonzero_trace, nilpotent_depth
    from certify.families.matrix import MatrixFamily
    from certify.jsr.structure import detect

    rng = np.random.default_rng(0)
    rand = [rng.standard_normal((20, 20)) for _ in range(2)]
    exact = MatrixFamily(tuple(rand), "r").exact_matrices()
    assert has_nonzero_trace(exact) and nilpotent_depth(exact) is None
    # strictly upper triangular 3x3 pair: every product of length 3 vanishes, not of length 2
    a = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]], dtype=float)
    fam = MatrixFamily((a, 2 * a), "nil")
    assert nilpotent_depth(fam.exact_matrices()) == 3
    assert detect(fam).nilpotent_depth == 3
    # a deadline already passed: the exact test is skipped, the family not called nilpotent
    big = np.triu(rng.standard_normal((20, 20)), 1)
    s = detect(MatrixFamily((big, 2 * big), "late"), deadline=time.perf_counter() - 1)
    assert not s.nilpotent


def test_sign_change_root_test_is_exact():
    import sympy as sp

    from certify.exact.polynomials import RootRegion, X, region_contains_root

    poly = sp.Poly(X**2 - 2, X, domain="QQ")  # roots +-sqrt(2)
    assert region_contains_root(poly, RootRegion(Fraction(141, 100), Fraction(142, 100)))
    assert not region_contains_root(poly, RootRegion(Fraction(142, 100), Fraction(143, 100)))


def test_hard_deadline_stops_a_step_and_restores_the_timer():
    from certify.budget import OutOfTime, hard_deadline

    with pytest.raises(OutOfTime), hard_deadline(time.perf_counter() + 0.05):
        while True:
            pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    with hard_deadline(time.perf_counter() + 60):
        x = sum(range(1000))
    assert x == 499500 and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_jsr_of_random_20x20_pair_returns_a_sound_bracket():
    """Two random 20x20 matrices with a 2 s budget: a bracket, each end re-checked exactly
    (the structure step used to run exact elimination for minutes)."""
    from certify.jsr.bounds import analyze_jsr

    rng = np.random.default_rng(0)
    mats = [rng.standard_normal((20, 20)) for _ in range(2)]
    res = analyze_jsr(mats, budget=2)
    rho = max(max(abs(np.linalg.eigvals(a))) for a in mats)
    norm = max(np.linalg.norm(a, 2) for a in mats)
    if np.isfinite(res.lower):  # JSR <= max ||A_i||_2: no lower bound above it
        assert rho * (1 - 1e-9) <= norm and res.lower <= norm * (1 + 1e-9)
    if np.isfinite(res.upper):  # JSR >= max rho(A_i): no upper bound below it
        assert res.upper >= rho * (1 - 1e-9)
    assert np.isfinite(res.lower) or np.isfinite(res.upper)
    assert all(r.check.certified for r in res.certificates)


# ----------------------------------------------------------------------------- property
KINDS = {  # command line for a file of each kind (fast options)
    "problem": (".yaml", ["show", "{}"]),
    "problem-json": (".json", ["show", "{}"]),
    "family": (".json", ["jsr", "{}", "--budget", "1", "--methods", "norms"]),
    "grid": (".yaml", ["sweep", "{}", "-o", "OUT"]),
    "claims": (".yaml", ["check", "{}"]),
}

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                    st.text(max_size=8), st.sampled_from(["gamma", "P", "R", "claims",
                                                          "matrices", "command", "1e200"]))
documents = st.recursive(scalars, lambda kids: st.one_of(
    st.lists(kids, max_size=4), st.dictionaries(st.sampled_from(
        ["gamma", "P", "R", "states", "matrices", "claims", "name", "command", "problems",
         "alpha", "record", "assert", "sweep"]), kids, max_size=4)),
    max_leaves=20)


def _write_and_run(kind: str, data: bytes, tmp: Path) -> int:
    suffix, form = KINDS[kind]
    f = tmp / f"x{suffix}"
    f.write_bytes(data)
    argv = [str(f) if a == "{}" else a.replace("OUT", str(tmp / "o.csv")) for a in form]
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(argv)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(kind=st.sampled_from(sorted(KINDS)), data=st.binary(max_size=300))
def test_random_bytes_never_crash(kind, data, tmp_path_factory):
    code = _write_and_run(kind, data, tmp_path_factory.mktemp("b"))
    assert code in (0, 1, 2), code


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(kind=st.sampled_from(sorted(KINDS)), doc=documents, depth=st.integers(0, 3000),
       as_json=st.booleans())
def test_random_nested_documents_never_crash(kind, doc, depth, as_json, tmp_path_factory):
    body = json.dumps(doc, allow_nan=True)
    if depth:
        body = "[" * depth + body + "]" * depth
        if kind in ("problem", "problem-json"):
            body = '{"gamma": 0.9, "R": [[0]], "P": ' + body + "}"
    code = _write_and_run(kind, body.encode(), tmp_path_factory.mktemp("d"))
    assert code in (0, 1, 2), (code, body[:200])


def test_inputs_too_large_are_invalid_input():
    assert issubclass(InputTooLarge, InvalidInput) and issubclass(UnsafeInput, InvalidInput)


# ----------------------------------------------------------------------------- scheduler kill
KILL_GRID = {"command": "qlearning",
             "problems": [{"garnet": {"states": [30, 40], "actions": 3, "branching": 3,
                                      "seeds": "0..5"}}],
             "alpha": [0.3, 0.6], "cqlf": False, "record": ["direct_jsr.upper"]}


def _start_cluster(tmp: Path, tag: str) -> tuple[str, list[subprocess.Popen]]:
    """A `dask scheduler` and one `dask worker` on loopback (random port), ready."""
    distributed = pytest.importorskip("distributed")
    from tests.test_sweep_remote import WAIT, _dask, _free_port, _stop

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen(
        [*_dask(), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        stdout=(tmp / f"scheduler-{tag}.log").open("w"), stderr=subprocess.STDOUT,
        start_new_session=True)]
    procs.append(subprocess.Popen(
        [*_dask(), "worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
         "--host", "127.0.0.1"], stdout=(tmp / f"worker-{tag}.log").open("w"),
        stderr=subprocess.STDOUT, start_new_session=True))
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            with distributed.Client(address, timeout="2s") as c:
                if len(c.scheduler_info()["workers"]) >= 1:
                    return address, procs
        except OSError:
            pass
        time.sleep(0.5)
    _stop(procs)
    pytest.fail(f"dask scheduler/worker {tag} did not start within {WAIT:g} s")


def _sweep_then_kill(tmp: Path, env: dict, victim: int, rows: int,
                     what: str) -> tuple[Path, Path, subprocess.Popen, str]:
    """Start a cluster and ``certify sweep`` of KILL_GRID on it; once ``rows`` rows are on
    disk, SIGKILL the cluster process ``victim`` (0 the scheduler, 1 the worker); returns
    the grid file, the output file, the finished sweep process and its stderr (skips when
    the sweep ends before the kill)."""
    import yaml

    from tests.test_sweep_remote import _stop

    grid = tmp / "grid.yaml"
    grid.write_text(yaml.safe_dump(KILL_GRID))
    out = tmp / "rows.jsonl"
    address, procs = _start_cluster(tmp, "a")
    try:
        sweep = subprocess.Popen([sys.executable, "-m", "certify", "sweep", str(grid), "-o",
                                  str(out), "--scheduler", address], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and sweep.poll() is None:
            if out.exists() and out.read_text().count("\n") >= rows:
                break
            time.sleep(0.1)
        if sweep.poll() is not None:
            pytest.skip(f"the sweep finished before the {what} could be killed")
        os.killpg(procs[victim].pid, signal.SIGKILL)
        _, err = sweep.communicate(timeout=120)
    finally:
        _stop(procs)
    return grid, out, sweep, err


@pytest.mark.slow
def test_scheduler_killed_mid_sweep_then_resume_runs_every_cell_once(tmp_path):
    """Kill the scheduler while a sweep runs, start a new one, --resume: every cell ends with
    exactly one completed row, equal to the same cell run in process."""
    from certify.sweep import grid_from_dict
    from certify.sweep.cell import run_cell
    from certify.sweep.output import is_retryable, read_rows
    from tests.test_sweep_remote import _stop

    env = {**os.environ, "PYTHONPATH": str(ROOT), "CERTIFY_SWEEP_NO_WORKER_SECONDS": "10"}
    grid, out, sweep, err = _sweep_then_kill(tmp_path, env, 0, 2, "scheduler")
    assert sweep.returncode in (1, 2) and "Traceback" not in err, err[-2000:]
    first = read_rows(out)
    assert any(is_retryable(r) for r in first) or sweep.returncode == 2
    address, procs = _start_cluster(tmp_path, "b")
    try:
        resumed = subprocess.run([sys.executable, "-m", "certify", "sweep", str(grid), "-o",
                                  str(out), "--scheduler", address, "--resume", "--json"],
                                 env=env, capture_output=True, text=True, timeout=600)
    finally:
        _stop(procs)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    rows = [r for r in read_rows(out) if not is_retryable(r)]
    g = grid_from_dict(KILL_GRID)
    assert sorted(r["cell"] for r in rows) == sorted(c.hash for c in g.cells)  # each once
    for c in g.cells[:3]:  # the same numbers as in process
        ref = run_cell(c, g.record, g.axes, g.hash)[0]
        got = next(r for r in rows if r["cell"] == c.hash)
        assert got["direct_jsr.upper"] == ref["direct_jsr.upper"] < 1


@pytest.mark.slow
def test_a_sweep_whose_only_worker_died_says_so_and_exits(tmp_path):
    """The only worker is killed mid-sweep: the sweep reports it within the watchdog delay
    (CERTIFY_SWEEP_NO_WORKER_SECONDS) and exits 2, its finished rows on disk."""
    from certify.sweep.output import read_rows

    env = {**os.environ, "PYTHONPATH": str(ROOT), "CERTIFY_SWEEP_NO_WORKER_SECONDS": "5"}
    _, out, sweep, err = _sweep_then_kill(tmp_path, env, 1, 1, "worker")  # worker + nanny
    assert sweep.returncode == 2, err[-2000:]
    assert "no live Dask worker" in err and "--resume" in err and "Traceback" not in err
    assert err.strip().count("\n") == 0 or "sweep" in err.splitlines()[-1]
    rows = read_rows(out)
    assert 1 <= len(rows) < 24


def test_jsr_with_its_budget_spent_still_returns_the_exact_norm_bound():
    """A budget too small for any method (here 1 microsecond) still returns an upper bound:
    max_i ||A_i|| in the smaller of the 1- and inf-norms, checked exactly."""
    from certify.jsr.bounds import analyze_jsr

    rng = np.random.default_rng(0)
    mats = [rng.standard_normal((20, 20)) for _ in range(2)]
    res = analyze_jsr(mats, budget=1e-6)
    trivial = min(max(np.abs(a).sum(axis=0).max() for a in mats),
                  max(np.abs(a).sum(axis=1).max() for a in mats))
    assert trivial <= res.upper <= trivial * (1 + 1e-11)
    assert [r.check.certified for r in res.certificates] == [True]
    assert any("budget spent before an upper bound" in n for n in res.notes)


@pytest.mark.parametrize("mats, trivial, lower", [
    ([[[0, 1], [0, 0]], [[0, 2], [0, 0]]], 2.0, 0.0),           # nilpotent: JSR 0
    ([[[1, 1], [0, 1]], [[1, 0], [1, 1]]], 2.0, (1 + 5 ** 0.5) / 2),  # golden pair
])
def test_jsr_products_alone_still_returns_the_exact_norm_bound(mats, trivial, lower):
    """``products`` proves lower bounds only; the bracket still gets the exactly checked
    norm bound max_i ||A_i||_1 (both families: 2), and the note says why."""
    from certify.jsr.bounds import analyze_jsr

    res = analyze_jsr([np.array(m, dtype=float) for m in mats], methods="products", budget=10)
    assert trivial <= res.upper <= trivial * (1 + 1e-11)
    assert res.lower == pytest.approx(lower, abs=1e-12)
    assert any("no upper bound from the methods asked for (products)" in n for n in res.notes)
