"""Reports and figures a researcher pastes into an appendix (issue 19, item 6).

* a CQLF skipped on request is "skipped" in console, JSON and LaTeX, never "inconclusive";
* checks are typeset in LaTeX (\\le, \\top), never as ASCII "<=" or "^T";
* crossval figures draw the certified bound curves the checks use, above the data, with
  labelled axes, the legend outside the axes and vector output by the file's suffix;
* the claims report's table fits \\textwidth and its timings are in an appendix.
"""

from __future__ import annotations

import json

from certify.cli import main


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------ CQLF skipped on request
def test_cqlf_skipped_console_and_json(capsys):
    code, out, err = run(["qlearning", "seed-sls", "--alpha", "0.5", "--cqlf", "no", "--json"],
                         capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["cqlf"]["verdict"] == "skipped" and doc["cqlf"]["rate"] is None
    assert "request" in doc["cqlf"]["reason"]
    assert doc["verdict"] == "certified"  # a check not run does not lower the verdict
    code, out, err = run(["qlearning", "seed-sls", "--alpha", "0.5", "--cqlf", "no"], capsys)
    row = next(line for line in out.splitlines() if "CQLF rate" in line)
    assert "skipped" in row.split("│")[-2] and "inconclusive" not in row


def test_cqlf_skipped_in_report():
    from certify.algorithms.qlearning.analysis import analyze_qlearning
    from certify.algorithms.qlearning.report import qlearning_report
    from certify.mdp.builtins import builtin_problem

    res = analyze_qlearning(builtin_problem("seed-sls"), 0.5, cqlf=False)
    tex = qlearning_report(res, fragment=True)
    row = next(line for line in tex.splitlines() if line.startswith(r"CQLF rate"))
    assert row.rstrip(" \\").endswith("skipped") and "inconclusive" not in row
