"""Claims files: the safe expression language, schema errors with lines, the runner, JUnit,
the `certify check` command and the pytest plugin."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certify.claims import (
    AssertionSyntaxError,
    MissingField,
    evaluate,
    junit_xml,
    load_claims,
    parse_assertion,
    run_claims,
)
from certify.cli import main
from certify.commands import COMMANDS, Command

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "certify" / "data" / "claims"
DOC = {"verdict": "certified", "upper": 1.6180339887498951, "lower": 1.618033988,
       "direct_jsr": {"upper": 0.99446837, "policy": [0, 1], "certificate": {"kind": "w"}},
       "row_sum_rate": 0.995, "nothing": None}


def fake_command(verdict: str = "certified", value: float = 1.0) -> dict:
    """A stand-in computation for the runner tests."""
    return {"verdict": verdict, "value": value}


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setitem(COMMANDS, "fake", Command("fake", "tests.test_claims:fake_command", "t"))


def write(tmp_path: Path, text: str, name: str = "c.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text))
    return p


# ----------------------------------------------------------------------------- evaluator
@pytest.mark.parametrize("expr, expected", [
    ("abs(upper - 1.6180339887) < 1e-6", True),
    ("direct_jsr.upper < row_sum_rate", True),
    ("direct_jsr.policy[1] == 1 and len(direct_jsr.policy) == 2", True),
    ("direct_jsr.certificate.kind == 'w'", True),
    ("verdict in ('certified', 'refuted')", True),
    ("not verdict == 'certified'", False),
    ("max(upper, lower) - min(upper, lower) < 1e-9", True),
    ("2 ** 10 == 1024 and 7 // 2 == 3 and 7 % 4 == 3 and -upper < 0", True),
    ("lower <= upper <= 2", True),
    ("row_sum_rate > 0.995", False),
])
def test_evaluate_hand_computed(expr, expected):
    assert evaluate(expr, DOC)[0] is expected


def test_evaluate_reports_used_fields():
    ok, used = evaluate("direct_jsr.upper < row_sum_rate", DOC)
    assert ok and used == {"direct_jsr.upper": 0.99446837, "row_sum_rate": 0.995}


@pytest.mark.parametrize("expr", [
    "__import__('os').system('true')", "open('x')", "upper.__class__", "(lambda: 1)()",
    "[x for x in direct_jsr.policy]", "upper if verdict else lower", "f'{upper}'",
    "upper.real()", "sum(direct_jsr.policy)",
])
def test_unsafe_expressions_refused(expr):
    with pytest.raises(AssertionSyntaxError, match="claims do not allow|syntax"):
        parse_assertion(expr)


def test_syntax_error_shows_where():
    with pytest.raises(AssertionSyntaxError) as exc:
        parse_assertion("upper < < 1")
    msg = str(exc.value)
    assert "column 9" in msg and "upper < < 1\n            ^" in msg


def test_missing_field_lists_available():
    with pytest.raises(MissingField, match=r"'uper'.*available fields: .*'upper'"):
        evaluate("uper < 1", DOC)
    with pytest.raises(MissingField, match=r"direct_jsr.lowr.*fields of direct_jsr: \['certificate', "
                                           r"'policy', 'upper'\]"):
        evaluate("direct_jsr.lowr < 1", DOC)


def test_null_field_fails_cleanly():
    from certify.claims import AssertionTypeError

    with pytest.raises(AssertionTypeError, match="cannot compare None"):
        evaluate("nothing < 1", DOC)


@settings(max_examples=60, deadline=None)
@given(a=st.floats(-1e6, 1e6), b=st.floats(-1e6, 1e6),
       op=st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
def test_comparisons_agree_with_python(a, b, op):
    expected = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b, "!=": a != b}[op]
    assert evaluate(f"x {op} y", {"x": a, "y": b})[0] is expected


# ----------------------------------------------------------------------------- schema
@pytest.mark.parametrize("text, pattern", [
    ("claims:\n  - name: a\n    qlearning: {mdp: seed-sls, alpha: 0.5}\nextra: 1\n",
     r"c.yaml:4: unknown key 'extra'"),
    ("claims:\n  - name: a\n    qlerning: {mdp: seed-sls}\n",
     r"c.yaml:3: claim 'a': unknown key 'qlerning' \(did you mean 'qlearning'\?\); expected one "
     r"command of \[.*'qlearning'"),
    ("claims:\n  - qlearning: {mdp: seed-sls, alpha: 0.5}\n",
     r"c.yaml:2: claim is missing the field 'name'"),
    ("claims:\n  - name: a\n    qlearning: {mdp: seed-sls, alfa: 0.5}\n",
     r"c.yaml:3: claim 'a': unknown parameter 'alfa' \(did you mean 'alpha'\?\) of 'qlearning'; "
     r"valid parameters"),
    ("claims:\n  - name: a\n    qlearning: {mdp: seed-sls, alpha: 0.5}\n    assert: upper <\n",
     r"c.yaml:4: claim 'a': syntax error in assertion at column"),
    ("claims:\n  - name: a\n", r"c.yaml:2: claim 'a' must name exactly one command"),
    ("claims: []\n", r"'claims' must be a non-empty list"),
    ("claims:\n  - name: a\n    qlearning: {mdp: seed-sls}\n    allow_inconclusive: maybe\n",
     r"c.yaml:4: .*allow_inconclusive must be true or false"),
    ("claims:\n  - name: [a\n", r"c.yaml:3: malformed YAML"),
])
def test_schema_errors_name_the_line(tmp_path, text, pattern):
    from certify.errors import InvalidInput

    with pytest.raises(InvalidInput, match=pattern):
        load_claims(write(tmp_path, text))


def test_relative_file_parameters_resolve_against_the_claims_folder(tmp_path, fake):
    (tmp_path / "data.json").write_text("{}")
    cf = load_claims(write(tmp_path, "claims:\n  - name: a\n    fake: {verdict: data.json}\n"))
    assert cf.claims[0].params == {"verdict": str(tmp_path / "data.json")}
    assert cf.claims[0].assertions == ('verdict == "certified"',)


# ----------------------------------------------------------------------------- runner
def test_examples_pass_with_the_closed_form_numbers():
    run = run_claims(EXAMPLES / "seed-002-qlearning.yaml")
    assert run.passed, [o.message for o in run.outcomes if not o.passed]
    by = {o.claim.name: o for o in run.outcomes}
    vals = by["row-sum rate closed form 1 - alpha d_min (1 - gamma)"].values
    # seed-sls: d_min = 0.1, gamma = 0.9, alpha = 0.5 -> 1 - 0.5 * 0.1 * 0.1 = 0.995
    assert vals["row_sum_rate"] == pytest.approx(0.995, abs=1e-15)
    assert vals["sampling.d_min"] == 0.1 and vals["mdp.gamma"] == 0.9


def test_false_claim_fails_with_value_shown():
    run = run_claims(EXAMPLES / "false-claim.yaml")
    (o,) = run.outcomes
    assert o.status == "fail" and o.verdict == "certified"
    assert o.values["direct_jsr.upper"] > 0.99
    assert "is false with direct_jsr.upper = 0.99446837" in o.message


def test_inconclusive_needs_allow(tmp_path, fake):
    p = write(tmp_path, """\
        claims:
          - name: strict
            fake: {verdict: inconclusive}
            assert: value == 1
          - name: allowed
            fake: {verdict: inconclusive}
            assert: value == 1
            allow_inconclusive: true
          - name: refuted claim asserted
            fake: {verdict: refuted}
            assert: verdict == "refuted"
          - name: default assertion
            fake: {verdict: refuted}
        """)
    st = [o.status for o in run_claims(p).outcomes]
    assert st == ["fail", "pass", "pass", "fail"]


def test_junit_structure(tmp_path, fake):
    p = write(tmp_path, """\
        claims:
          - name: ok
            fake: {value: 2.0}
            assert: value == 2
          - name: bad
            fake: {value: 2.5}
            assert: value < 2
          - name: missing
            fake: {}
            assert: valu < 2
        """)
    root = ET.fromstring(junit_xml(run_claims(p)).split("\n", 1)[1])
    assert root.tag == "testsuites" and root.get("tests") == "3"
    assert (root.get("failures"), root.get("errors")) == ("1", "1")
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["ok", "bad", "missing"]
    assert cases[0].find("failure") is None and cases[0].find("error") is None
    assert "value = 2.5" in cases[1].find("failure").get("message")
    assert "available fields: ['verdict', 'value']" in cases[2].find("error").get("message")
    assert [c.get("line") for c in cases] == ["2", "5", "8"]


# ----------------------------------------------------------------------------- CLI
def test_cli_check_exit_codes(tmp_path, capsys):
    out = tmp_path / "out.xml"
    assert main(["check", str(EXAMPLES / "seed-002-qlearning.yaml"), "--junit", str(out)]) == 0
    assert ET.parse(out).getroot().get("failures") == "0"
    capsys.readouterr()
    assert main(["check", str(EXAMPLES / "false-claim.yaml"), "--json"]) == 1
    import json

    doc = json.loads(capsys.readouterr().out)
    assert doc["claims"][0]["status"] == "fail" and doc["verdict"] == "refuted"
    assert doc["claims"][0]["values"]["direct_jsr.upper"] == pytest.approx(0.9944683715, abs=1e-9)


@pytest.mark.parametrize("text, pattern", [
    ("claims:\n  - name: a\n    qlearning: {mdp: seed-sls, alpha: 0.5, cqlf: false}\n"
     "    assert: direct_jsr.uper < 1\n", "available fields of direct_jsr"),
    ("claims:\n  - name: a\n    qlearning: {mdp: seed-sls, alpha: 0.5}\n    assert: 1 +* 2\n",
     "syntax error in assertion"),
    ("claims:\n  - name: a\n    jsr_typo: {}\n", "unknown key 'jsr_typo'"),
])
def test_cli_check_bad_input_exit_2(tmp_path, text, pattern):
    p = write(tmp_path, text)
    junit = tmp_path / "j.xml"
    proc = subprocess.run([sys.executable, "-m", "certify", "check", str(p), "--junit", str(junit)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2, proc.stderr
    assert pattern in proc.stderr and "Traceback" not in proc.stderr


def test_cli_check_junit_folder_missing(tmp_path, capsys):
    assert main(["check", str(EXAMPLES / "false-claim.yaml"), "--junit",
                 str(tmp_path / "no" / "j.xml")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "no").exists()


# ----------------------------------------------------------------------------- pytest plugin
def test_pytest_plugin_runs_claims_as_items(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--certify-claims",
         str(EXAMPLES / "seed-002-qlearning.yaml"), "--certify-claims",
         "false-claim", "-rA", str(tmp_path)],  # a packaged name (certify/data/claims)
        capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "1 failed, 6 passed" in proc.stdout
    assert "false-claim.yaml::direct JSR below 0.99 on seed-sls (false)" in proc.stdout
    assert "PASSED" in proc.stdout and "seed-002-qlearning.yaml::direct JSR below the row-sum" \
        in proc.stdout
    assert "direct_jsr.upper = 0.99446837" in proc.stdout


def test_pytest_plugin_bad_file_is_usage_error(tmp_path):
    p = write(tmp_path, "claims:\n  - name: a\n    nope: {}\n")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "--certify-claims", str(p), str(tmp_path)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 4
    assert "c.yaml:3: claim 'a': unknown key 'nope'" in proc.stderr


# ----------------------------------------------------------------------------- review fixes
@pytest.mark.parametrize("expr, doc", [
    ("not (x >= 1)", {"x": float("nan")}),
    ("x", {"x": float("nan")}),
    ("max(1, x) >= 1", {"x": float("nan")}),
    ("y - y < 1", {"y": float("inf")}),
    ("v[0] != 2", {"v": [float("nan")]}),
])
def test_nan_never_makes_an_assertion_hold(expr, doc):
    """NaN compares false both ways, so `not (x >= 1)` held on a NaN field: refuse NaN."""
    from certify.claims import AssertionTypeError

    with pytest.raises(AssertionTypeError, match="NaN"):
        evaluate(expr, doc)


def test_nan_claim_fails(tmp_path, fake):
    p = write(tmp_path, "claims:\n  - name: a\n    fake: {value: .nan}\n    assert: not value > 1\n")
    (o,) = run_claims(p).outcomes
    assert o.status == "fail" and "NaN" in o.message


def test_missing_required_parameter_is_a_schema_error(tmp_path):
    from certify.errors import InvalidInput

    with pytest.raises(InvalidInput, match=r"c.yaml:3: claim 'a': missing parameter 'operator' "
                                           r"of 'smooth'"):
        load_claims(write(tmp_path, "claims:\n  - name: a\n    smooth: {mdp: seed-sls}\n"))


@pytest.mark.parametrize("params, pattern", [
    ("sa_check: {algorithm: td0, problem: random-walk-5, exponents: 5}", "sa_check"),
    ("ntk_check: {kernel: [[1]], rho: [1], gamma: 0.5, alpha: 0.1}", "ntk_check"),
    ("qlearning: {mdp: 'garnet:3:2:1:-1', alpha: 0.5}", "qlearning"),
])
def test_wrong_parameter_types_are_errors_not_tracebacks(tmp_path, capsys, params, pattern):
    p = write(tmp_path, f"claims:\n  - name: a\n    {params}\n")
    (o,) = run_claims(p).outcomes
    assert o.status == "error" and pattern in o.message and "c.yaml:2" in o.message
    assert main(["check", str(p)]) == 2
    err = capsys.readouterr().err
    assert pattern in err and "Traceback" not in err
