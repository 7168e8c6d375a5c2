"""The command-line contract under bad input (DESIGN.md, "The command line (contract)").

Every sub-command, in every form, is run in-process through :func:`certify.cli.main` with a
battery of bad inputs: missing, empty and malformed files, folders where files are due,
negative / NaN / infinite numbers, unknown names and wrong types.  Each must exit 2 with a
message on stderr that names the bad thing, no traceback and nothing on stdout.  The second
half checks that ``--json`` prints exactly one JSON document without NaN or Infinity tokens.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from certify.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = str(ROOT / "certify" / "data" / "families" / "golden.json")
FAST_SIM = ["--runs", "2", "--steps", "5"]


@pytest.fixture(scope="module")
def d(tmp_path_factory) -> Path:
    """A folder of bad (and a few good) input files."""
    d = tmp_path_factory.mktemp("fuzz")
    files = {
        "empty.yaml": "", "empty.json": "",
        "bad.yaml": "gamma: [1, 2\n", "bad.json": "{",
        "list.yaml": "- 1\n- 2\n",
        "nan.yaml": "gamma: .nan\nP: [[[1.0]]]\nR: [[0.0]]\n",
        "neg.yaml": "gamma: -0.5\nP: [[[1.0]]]\nR: [[0.0]]\n",
        "rinf.yaml": "gamma: 0.5\nP: [[[1.0]]]\nR: [[.inf]]\n",
        "pstr.yaml": "gamma: 0.5\nP: [[['a']]]\nR: [[0.0]]\n",
        "psum.yaml": ("gamma: 0.5\nlayout: SAS\nP: [[[0.6, 0.6], [1, 0]], [[1, 0], [0, 1]]]\n"
                      "R: [[0, 0], [0, 0]]\n"),
        "fam_nan.json": '{"matrices": [[[NaN, 0], [0, 1]]]}',
        "fam_ragged.json": '{"matrices": [[[1, 0], [0]]]}',
        "fam_empty.json": '{"matrices": []}',
        "fam_nokey.json": '{"mats": [[[1]]]}',
        "k_ok.json": "[[1, 0], [0, 1]]", "k_nan.json": "[[NaN, 0], [0, 1]]",
        "k_str.json": '[["a", 0], [0, 1]]', "r_ok.json": "[0.5, 0.5]", "r_neg.json": "[1.5, -0.5]",
        "r_sum.json": "[0.6, 0.6]",
        "cert_kind.json": '{"kind": "bogus"}', "cert_list.json": "[1, 2]",
        "claims_unknown.yaml": "claims:\n  - name: a\n    bogus: {x: 1}\n",
        "claims_nolist.yaml": "claims: 3\n",
        "claims_missing.yaml": "claims:\n  - name: a\n    smooth: {mdp: seed-sls}\n",
        "claims_type.yaml": "claims:\n  - name: a\n    sa_check: {algorithm: td0, "
                            "problem: random-walk-5, exponents: 5}\n",
        "grid_bad.yaml": "command: bogus\n",
    }
    for name, text in files.items():
        (d / name).write_text(text)
    (d / "garbage.npz").write_bytes(b"not a zip file")
    (d / "garbage.npy").write_bytes(b"not an npy file")
    np.savez(d / "emptyz.npz")
    (d / "folder.yaml").mkdir()
    (d / "folder.json").mkdir()
    return d


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    """``certify ARGV`` in-process: (exit code, stdout, stderr); argparse's SystemExit caught."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


def assert_usage_error(argv: list[str], capsys, *names: str) -> None:
    code, out, err = run(argv, capsys)
    assert code == 2, (argv, code, out[-500:], err[-1500:])
    assert "Traceback" not in err, err
    assert out == "", out[-500:]
    text = err.lower()
    for name in names:
        assert name.lower() in text, (argv, name, err)


# ----------------------------------------------------------------------------- problems
BAD_MDP = [  # (file, a word the message must contain)
    ("missing.yaml", "no such file"), ("empty.yaml", "empty"), ("empty.json", "malformed json"),
    ("bad.yaml", "malformed yaml"), ("bad.json", "malformed json"), ("list.yaml", "mapping"),
    ("folder.yaml", "folder.yaml"), ("nan.yaml", "gamma"), ("neg.yaml", "gamma"),
    ("rinf.yaml", "R"), ("pstr.yaml", "P"), ("psum.yaml", "P"), ("garbage.npz", "garbage.npz"),
    ("emptyz.npz", "emptyz.npz"),
]

MDP_FORMS = [  # every command taking an MDP / PROBLEM, with fast options
    ["qlearning", "{}", "--alpha", "0.5"],
    ["smooth", "{}"],
    ["show", "{}"],
    ["simulate", "qlearning", "{}", "--alpha", "0.5", *FAST_SIM],
    ["simulate", "smooth-qlearning", "{}", "--alpha", "0.5", *FAST_SIM],
    ["simulate", "td0", "{}", *FAST_SIM],
    ["simulate", "pg", "{}", "--tau", "0.5", "--steps", "2", "--particles", "2"],
    ["crossval", "{}", "--alpha", "0.5", *FAST_SIM],
    ["crossval", "sa", "td0", "{}", "--exponents", "0.6", *FAST_SIM],
    ["crossval", "pg", "{}", "--tau", "0.5", "--steps", "2", "--particles", "2"],
    ["crossval", "smooth", "{}", "--runs", "0"],
    ["ntk", "network", "{}", "--width", "2", "--depth", "1", "--probes", "2", "--iterations", "1"],
    ["ntk", "sweep", "{}", "--widths", "2", "--depths", "1", "--activations", "relu"],
    ["sa", "check", "td0", "{}", "--exponents", "0.6"],
    ["pg", "tabular", "{}", "--tau", "0.5", "--steps", "2"],
    ["pg", "meanfield", "{}", "--tau", "0.5"],
    ["report", "{}", "--alpha", "0.5", "-o", "OUT/r.tex", "--runs", "0"],
]


@pytest.mark.parametrize("form", MDP_FORMS, ids=lambda f: " ".join(f[:2]))
@pytest.mark.parametrize("bad, word", BAD_MDP, ids=[b for b, _ in BAD_MDP])
def test_bad_problem_files(form, bad, word, d, capsys):
    argv = [a.format(str(d / bad)).replace("OUT", str(d)) for a in form]
    assert_usage_error(argv, capsys, bad if word == bad else word)


@pytest.mark.parametrize("form", MDP_FORMS, ids=lambda f: " ".join(f[:2]))
@pytest.mark.parametrize("name, word", [("no-such-problem", "no-such-problem"),
                                        ("garnet:3:2:1:-1", "seed"),
                                        ("garnet:0:2:1:0", "garnet:0:2:1:0"),
                                        ("garnet:a:b", "garnet")])
def test_bad_problem_names(form, name, word, d, capsys):
    """Unknown built-in names; a Garnet seed < 0 crashed in numpy (guarded in the CLI)."""
    argv = [a.format(name).replace("OUT", str(d)) for a in form]
    assert_usage_error(argv, capsys, word)


@pytest.mark.parametrize("sampling, word", [("missing.yaml", "sampling"), ("bad.yaml", "malformed"),
                                            ("folder.yaml", "folder.yaml"), ("bogus", "uniform")])
def test_bad_sampling(sampling, word, d, capsys):
    arg = sampling if sampling == "bogus" else str(d / sampling)
    assert_usage_error(["qlearning", "seed-sls", "--alpha", "0.5", "--sampling", arg], capsys, word)


# ----------------------------------------------------------------------------- numbers
BAD_NUMBERS = ["nan", "inf", "-inf", "1e400", "abc", ""]


@pytest.mark.parametrize("value", BAD_NUMBERS + ["-1", "0", "2"])
@pytest.mark.parametrize("form", [
    ["qlearning", "seed-sls", "--alpha", "{}"],
    ["simulate", "qlearning", "seed-sls", "--alpha", "{}", *FAST_SIM],
    ["crossval", "seed-sls", "--alpha", "{}", *FAST_SIM],
    ["report", "seed-sls", "--alpha", "{}", "-o", "OUT/r.tex", "--runs", "0"],
], ids=lambda f: " ".join(f[:2]))
def test_bad_step_sizes(form, value, d, capsys):
    argv = [a.format(value).replace("OUT", str(d)) for a in form]
    assert_usage_error(argv, capsys, "alpha")


@pytest.mark.parametrize("value", BAD_NUMBERS + ["-1"])
@pytest.mark.parametrize("form, name", [
    (["ntk", "check", "K", "--rho", "RHO", "--gamma", "{}", "--alpha", "0.1"], "gamma"),
    (["ntk", "check", "K", "--rho", "RHO", "--gamma", "0.5", "--alpha", "{}"], "alpha"),
    (["pg", "tabular", "seed-sls", "--tau", "{}", "--steps", "2"], "tau"),
    (["pg", "meanfield", "seed-sls", "--tau", "0.5", "--sigma", "{}"], "sigma"),
    (["pg", "meanfield", "seed-sls", "--tau", "0.5", "--kappa", "{}"], "kappa"),
    (["smooth", "seed-sls", "--temperature", "{}"], "temperature"),
    (["sa", "check", "td0", "random-walk-5", "--exponents", "{}"], "exponents"),
    (["jsr", GOLDEN, "--budget", "{}"], "budget"),
    (["simulate", "qlearning", "seed-sls", "--alpha", "0.5", "--noise", "{}", *FAST_SIM], "noise"),
    (["simulate", "pg", "seed-sls", "--tau", "0.5", "--eta", "{}", "--steps", "2",
      "--particles", "2"], "eta"),
    (["simulate", "td0", "random-walk-5", "--scales", "{}", *FAST_SIM], "scales"),
    (["sweep", "GRID", "-o", "OUT/o.csv", "--cell-timeout", "{}"], "timeout"),
], ids=lambda f: " ".join(f[:2]) if isinstance(f, list) else f)
def test_bad_numbers(form, name, value, d, capsys):
    grid = str(ROOT / "certify" / "data" / "sweeps" / "small.yaml")
    argv = [a.format(value).replace("OUT", str(d)).replace("RHO", str(d / "r_ok.json"))
            .replace("GRID", grid) for a in form]
    argv = [str(d / "k_ok.json") if a == "K" else a for a in argv]
    assert_usage_error(argv, capsys, name)


@pytest.mark.parametrize("argv, name", [
    (["simulate", "qlearning", "seed-sls", "--alpha", "0.5", "--runs", "0"], "runs"),
    (["simulate", "qlearning", "seed-sls", "--alpha", "0.5", "--steps", "-1"], "steps"),
    (["simulate", "qlearning", "seed-sls", "--alpha", "0.5", "--seed", "-1"], "seed"),
    (["simulate", "qlearning", "seed-sls", "--alpha", "0.5", "--runs", "1.5"], "runs"),
    (["simulate", "qlearning", "seed-sls", "--alpha", "0.5", "--mode", "bogus"], "mode"),
    (["jsr", GOLDEN, "--seed", "-1"], "seed"),
    (["jsr", GOLDEN, "--methods", "bogus"], "bogus"),
    (["report", "seed-sls", "--alpha", "0.5", "-o", "OUT/r.tex", "--runs", "-1"], "runs"),
    (["report", "seed-sls", "--alpha", "0.5", "-o", "OUT/r.tex", "--steps", "0"], "steps"),
    (["report", "seed-sls", "--alpha", "0.5", "-o", "OUT/r.tex", "--seed", "-1"], "seed"),
    (["pg", "meanfield", "seed-sls", "--tau", "0.5", "--width", "0"], "width"),
    (["pg", "tabular", "seed-sls", "--tau", "0.5", "--steps", "-5"], "steps"),
    (["pg", "tabular", "seed-sls", "--tau", "0.5", "--mu", "a,b"], "mu"),
    (["pg", "tabular", "seed-sls", "--tau", "0.5", "--mu", "0.6,0.6"], "mu"),
    (["pg", "tabular", "seed-sls", "--tau", "0.5", "--rho", "1.5,-0.5"], "rho"),
    (["smooth", "seed-sls", "--operator", "bogus"], "bogus"),
    (["smooth", "seed-sls", "--p", "3"], "p"),
    (["ntk", "network", "seed-sls", "--width", "0"], "width"),
    (["ntk", "network", "seed-sls", "--input-scale", "-1", "--width", "2", "--depth", "1",
      "--probes", "2", "--iterations", "1"], "scale"),
    (["ntk", "sweep", "seed-sls", "--widths", "a"], "widths"),
    (["ntk", "sweep", "seed-sls", "--widths", "2", "--depths", "1", "--activations", "bogus"],
     "bogus"),
    (["sa", "check", "bogus", "random-walk-5", "--exponents", "0.6"], "bogus"),
    (["sa", "check", "td0", "random-walk-5", "--exponents", "0.6,0.7"], "exponents"),
    (["sa", "check", "td0", "seed-sls", "--exponents", "0.6"], "features"),
    (["simulate", "bogus", "seed-sls"], "bogus"),
    (["simulate", "td0", "random-walk-5", "--theta0", "1,2", *FAST_SIM], "theta0"),
    (["crossval", "sa", "bogus", "random-walk-5", "--exponents", "0.6"], "bogus"),
    (["crossval", "seed-sls", "--alpha", "0.5", "--rate", "-1", *FAST_SIM], "rate"),
    (["crossval", "smooth", "seed-sls", "--temperature", "2", "--rate", "-1", "--runs", "0"],
     "rate"),
    (["crossval", "pg", "seed-sls", "--tau", "-1"], "tau"),
    (["pg", "bogus", "seed-sls"], "bogus"),
    (["ntk", "bogus"], "bogus"),
    (["sa", "bogus"], "bogus"),
    (["sweep", "GRID", "-o", "OUT/o.csv", "--workers", "0"], "workers"),
    (["bogus"], "bogus"),
], ids=lambda v: " ".join(v[:3]) if isinstance(v, list) else v)
def test_bad_options(argv, name, d, capsys):
    grid = str(ROOT / "certify" / "data" / "sweeps" / "small.yaml")
    assert_usage_error([a.replace("OUT", str(d)).replace("GRID", grid) for a in argv], capsys, name)


# ----------------------------------------------------------------------------- other files
@pytest.mark.parametrize("bad, word", [
    ("missing.json", "missing.json"), ("empty.json", "empty.json"), ("bad.json", "bad.json"),
    ("folder.json", "folder"), ("fam_nan.json", "finite"), ("fam_ragged.json", "ragged"),
    ("fam_empty.json", "empty"), ("fam_nokey.json", "matrices"), ("garbage.npz", "garbage.npz"),
    ("emptyz.npz", "matrices"), ("list.yaml", "list.yaml"),
])
def test_jsr_bad_family(bad, word, d, capsys):
    """A folder as FAMILY crashed with IsADirectoryError (guarded in the CLI)."""
    assert_usage_error(["jsr", str(d / bad), "--budget", "2"], capsys, word)


@pytest.mark.parametrize("kernel, rho, word", [
    ("missing.json", "r_ok.json", "missing.json"), ("empty.json", "r_ok.json", "empty.json"),
    ("folder.json", "r_ok.json", "folder.json"), ("k_nan.json", "r_ok.json", "K"),
    ("k_str.json", "r_ok.json", "K"), ("garbage.npy", "r_ok.json", "garbage.npy"),
    ("garbage.npz", "r_ok.json", "garbage.npz"), ("list.yaml", "r_ok.json", "suffix"),
    ("k_ok.json", "r_neg.json", "rho"), ("k_ok.json", "r_sum.json", "rho"),
    ("k_ok.json", "bad.json", "rho"), ("k_ok.json", "k_ok.json", "rho"),
])
def test_ntk_check_bad_files(kernel, rho, word, d, capsys):
    assert_usage_error(["ntk", "check", str(d / kernel), "--rho", str(d / rho), "--gamma", "0.5",
                        "--alpha", "0.1"], capsys, word)


@pytest.mark.parametrize("bad, word", [
    ("missing.json", "missing.json"), ("empty.json", "empty.json"), ("bad.json", "bad.json"),
    ("folder.json", "folder.json"), ("cert_kind.json", "bogus"), ("cert_list.json", "cert_list"),
])
def test_verify_bad_files(bad, word, d, capsys):
    """With several files, the error must say which one is bad (it did not for malformed ones)."""
    assert_usage_error(["verify", str(d / bad)], capsys, word)
    assert_usage_error(["verify", str(d / bad), str(d / "k_ok.json")], capsys, bad)


@pytest.mark.parametrize("bad, word", [
    ("missing.yaml", "missing.yaml"), ("empty.yaml", "claims"), ("bad.yaml", "malformed"),
    ("folder.yaml", "folder.yaml"), ("list.yaml", "mapping"), ("claims_unknown.yaml", "bogus"),
    ("claims_nolist.yaml", "claims"), ("claims_missing.yaml", "operator"),
    ("claims_type.yaml", "sa_check"),
])
def test_check_and_claims_report_bad_files(bad, word, d, capsys):
    """`certify check` and `certify report CLAIMS.yaml`; a claim missing a required parameter
    or with a wrongly typed one crashed with a TypeError before."""
    code, out, err = run(["check", str(d / bad)], capsys)
    assert code == 2 and "Traceback" not in err and word.lower() in err.lower(), err
    assert_usage_error(["report", str(d / bad), "-o", str(d / "claims.tex")], capsys, word)
    assert not (d / "claims.tex").exists()


@pytest.mark.parametrize("bad, word", [
    ("missing.yaml", "missing.yaml"), ("empty.yaml", "empty.yaml"), ("bad.yaml", "bad.yaml"),
    ("folder.yaml", "folder.yaml"), ("grid_bad.yaml", "bogus"), ("list.yaml", "list.yaml"),
])
def test_sweep_bad_grids(bad, word, d, capsys):
    assert_usage_error(["sweep", str(d / bad), "-o", str(d / "o.csv")], capsys, word)


# ----------------------------------------------------------------------------- outputs
@pytest.mark.parametrize("argv, option", [
    (["report", "seed-sls", "--alpha", "0.5", "-o", "NODIR/r.tex", "--runs", "0"], "-o"),
    (["report", "seed-sls", "--alpha", "0.5", "-o", "DIR", "--runs", "0"], "-o"),
    (["report", "seed-sls", "--alpha", "0.5", "-o", "OUT/r.txt", "--runs", "0"], "-o"),
    (["check", "CLAIMS", "--junit", "NODIR/j.xml"], "--junit"),
    (["check", "CLAIMS", "--junit", "OUT/j.txt"], "--junit"),
    (["sweep", "GRID", "-o", "NODIR/o.csv"], "-o"),
    (["simulate", "qlearning", "seed-sls", "--alpha", "0.5", "--plot", "NODIR/x.png", *FAST_SIM],
     "--plot"),
    (["simulate", "qlearning", "seed-sls", "--alpha", "0.5", "--plot", "OUT/x.bogus", *FAST_SIM],
     "--plot"),
    (["simulate", "smooth-qlearning", "seed-sls", "--alpha", "0.5", "--plot", "NODIR/x.png",
      *FAST_SIM], "--plot"),
    (["simulate", "td0", "random-walk-5", "--plot", "OUT/x.bogus", *FAST_SIM], "--plot"),
    (["simulate", "pg", "seed-sls", "--tau", "0.5", "--plot", "DIR", "--steps", "2",
      "--particles", "2"], "--plot"),
    (["crossval", "seed-sls", "--alpha", "0.5", "--plot", "NODIR/x.png", *FAST_SIM], "--plot"),
    (["ntk", "sweep", "seed-sls", "--widths", "2", "--depths", "1", "--activations", "relu",
      "--plot", "OUT/x.bogus"], "--plot"),
    (["ntk", "check", "K", "--rho", "RHO", "--gamma", "0.5", "--alpha", "0.1",
      "--save-certificate", "NODIR/c.json"], "--save-certificate"),
    (["ntk", "check", "K", "--rho", "RHO", "--gamma", "0.5", "--alpha", "0.1",
      "--save-certificate", "DIR"], "--save-certificate"),
    (["pg", "tabular", "seed-sls", "--tau", "0.5", "--steps", "2", "--save-certificate",
      "NODIR/c.json"], "--save-certificate"),
    (["pg", "meanfield", "seed-sls", "--tau", "0.5", "--save-certificate", "DIR"],
     "--save-certificate"),
    (["qlearning", "seed-sls", "--alpha", "0.5", "--save-certificates", "K"],
     "--save-certificates"),  # a file; a missing folder is created
], ids=lambda v: " ".join(v[:2]) + " " + v[-1] if isinstance(v, list) else v)
def test_unwritable_outputs(argv, option, d, capsys):
    """Outputs in a missing folder, folders as outputs, unknown figure formats: refused before
    any computation (a missing sweep folder used to fail only after the cluster started)."""
    subst = {"NODIR": str(d / "no" / "such"), "DIR": str(d / "folder.json"), "OUT": str(d),
             "CLAIMS": str(ROOT / "certify" / "data" / "claims" / "jsr-golden.yaml"),
             "GRID": str(ROOT / "certify" / "data" / "sweeps" / "small.yaml"),
             "K": str(d / "k_ok.json"), "RHO": str(d / "r_ok.json")}
    argv = [subst[a.split("/")[0]] + a[len(a.split("/")[0]):] if a.split("/")[0] in subst else a
            for a in argv]
    assert_usage_error(argv, capsys, option)
    assert not (d / "no").exists()


def test_no_traceback_from_a_subprocess(d):
    """The installed entry point: usage errors exit 2 with one line and no traceback."""
    proc = subprocess.run([sys.executable, "-m", "certify", "jsr", str(d / "folder.json")],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().count("\n") == 0 and "folder" in proc.stderr, proc.stderr


# ----------------------------------------------------------------------------- --json
def _no_constants(token: str):
    raise ValueError(f"non-standard JSON token {token}")


@pytest.mark.parametrize("argv", [
    ["qlearning", "seed-sls", "--alpha", "0.5"],
    ["jsr", GOLDEN, "--budget", "3"],
    ["simulate", "qlearning", "seed-sls", "--alpha", "0.5", "--runs", "3", "--steps", "20"],
    ["simulate", "smooth-qlearning", "seed-sls", "--alpha", "0.5", "--temperature", "2",
     "--runs", "2", "--steps", "20"],
    ["simulate", "gtd2", "random-walk-5", "--runs", "2", "--steps", "20"],
    ["simulate", "pg", "seed-sls", "--tau", "0.5", "--steps", "3", "--particles", "4"],
    ["crossval", "seed-sls", "--alpha", "0.5", "--runs", "3", "--steps", "50"],
    ["crossval", "sa", "td0", "random-walk-5", "--exponents", "0.6", "--runs", "2", "--steps", "50"],
    ["crossval", "smooth", "seed-sls", "--temperature", "2", "--runs", "2", "--steps", "20",
     "--starts", "0"],
    ["smooth", "seed-sls", "--operator", "boltzmann", "--temperature", "1"],
    ["ntk", "check", "K", "--rho", "RHO", "--gamma", "0.5", "--alpha", "0.1"],
    ["ntk", "network", "seed-sls", "--width", "4", "--depth", "1", "--probes", "3",
     "--iterations", "2"],
    ["sa", "check", "gtd2-m3", "boyan-chain", "--exponents", "0.35,0.35,0.45", "--w", "0.1"],
    ["pg", "tabular", "seed-sls", "--tau", "0.5", "--steps", "20"],
    ["pg", "meanfield", "seed-sls", "--tau", "0.5"],
    ["report", "seed-sls", "--alpha", "0.5", "-o", "OUT/r.tex", "--runs", "0"],
    ["check", str(ROOT / "certify" / "data" / "claims" / "false-claim.yaml")],
    ["verify", "CERT"],
    ["examples"],
    ["show", "garnet:3:2:2:0"],
], ids=lambda v: " ".join(v[:2]))
def test_json_is_one_document_without_nan(argv, d, capsys):
    if "CERT" in argv:  # a certificate to re-check
        run(["ntk", "check", str(d / "k_ok.json"), "--rho", str(d / "r_ok.json"), "--gamma", "0.5",
             "--alpha", "0.1", "--save-certificate", str(d / "cert.json")], capsys)
    subst = {"K": str(d / "k_ok.json"), "RHO": str(d / "r_ok.json"), "CERT": str(d / "cert.json")}
    argv = [subst.get(a, a.replace("OUT", str(d))) for a in argv]
    code, out, err = run([*argv, "--json"], capsys)
    assert code in (0, 1), err[-1500:]
    doc = json.loads(out, parse_constant=_no_constants)  # one document, nothing else
    assert isinstance(doc, dict | list)
    if isinstance(doc, dict) and "verdict" in doc:
        assert doc["verdict"] in ("certified", "refuted", "inconclusive", "consistent", "violated")
