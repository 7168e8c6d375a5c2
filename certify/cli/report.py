"""``certify report MDP --alpha A -o report.pdf|report.tex [--fragment]`` and
``certify report CLAIMS.yaml -o appendix.tex``: LaTeX reports."""

from __future__ import annotations

import argparse
from pathlib import Path

from certify.cli.common import (
    add_json_flag,
    add_sampling_argument,
    console,
    err_console,
    escape,
    nonneg_int,
    positive_int,
    print_json,
    problem_spec,
    real,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="LaTeX/PDF report of certified bounds or of a claims file",
                       description="Write a LaTeX report (.tex) or compile it to PDF (.pdf) for "
                                   "Q-learning on MDP with step size ALPHA, or for every claim "
                                   "of a claims file (TARGET ending in .yaml/.yml).")
    p.add_argument("target", metavar="MDP|CLAIMS.yaml", type=problem_spec, nargs="?", default=None,
                   help="a problem (file or built-in name) or a claims file")
    p.add_argument("--example", metavar="NAME",
                   help="a packaged claims file instead (e.g. seed-002; see `certify examples`)")
    p.add_argument("--alpha", type=real, help="constant step size (required for an MDP)")
    add_sampling_argument(p)
    p.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.tex|OUT.pdf",
                   help="output file; its folder must exist")
    p.add_argument("--fragment", action="store_true",
                   help="write an \\input-able fragment instead of a stand-alone document (.tex)")
    p.add_argument("--figures", choices=("pgfplots", "pdf"), default=None,
                   help="figures as pgfplots code inside the .tex (default) or as a matplotlib "
                        "PDF written beside the output as OUT-bounds.pdf (Q-learning reports)")
    p.add_argument("--steps", type=positive_int, default=None, help="iterations shown in the figure")
    p.add_argument("--runs", type=nonneg_int, default=20,
                   help="simulated Q-learning runs drawn against the bounds (0: none)")
    p.add_argument("--seed", type=nonneg_int, default=0, help="seed of the simulated runs")
    p.add_argument("--timeout", type=real, default=180.0, help="seconds allowed to the TeX engine")
    add_json_flag(p)
    p.set_defaults(handler=run)


def is_claims_file(target: str) -> bool:
    """A YAML file is a claims file unless it is a mapping with an MDP's ``P`` or ``gamma`` and
    no ``claims``."""
    path = Path(target)
    if not (path.suffix.lower() in (".yaml", ".yml") and path.is_file()):
        return False
    from certify.errors import InvalidInput
    from certify.safeio import load_yaml, read_text

    try:
        data = load_yaml(read_text(path, "file"), str(path))
    except InvalidInput:
        return True  # the claims loader reports where the file is malformed
    return not (isinstance(data, dict) and "claims" not in data and {"P", "gamma"} & set(data))


def run(args: argparse.Namespace) -> int:
    from certify.errors import InvalidInput
    from certify.report.build import build_pdf, check_output_path, write_atomic

    out = check_output_path(args.output, (".tex", ".pdf"))
    if args.fragment and out.suffix.lower() == ".pdf":
        raise InvalidInput("--fragment: a fragment is LaTeX to \\input; write it with -o FILE.tex")
    files: dict[str, bytes] = {}
    if args.example is not None or args.target is None:
        from certify.data import from_arguments

        args.target = str(from_arguments("claims", args.target, args.example, "MDP|CLAIMS.yaml"))
    is_claims = is_claims_file(args.target)
    if is_claims:
        from certify.claims import run_claims
        from certify.report.claims_report import claims_report

        if args.figures == "pdf":
            raise InvalidInput("--figures pdf: a claims report has no figures; drop the option")
        res = run_claims(args.target)
        if res.errors:
            raise InvalidInput(res.errors[0].message)
        tex, ok = claims_report(res, args.fragment), res.passed
        verdict = res.to_dict()["verdict"]  # as `certify check --json` says it
        summary = f"{sum(o.passed for o in res.outcomes)} of {len(res.outcomes)} claims hold"
    else:
        if args.alpha is None:
            raise InvalidInput(f"--alpha: required for a report on the problem {args.target!r}")
        from certify.algorithms.qlearning.analysis import analyze_qlearning
        from certify.algorithms.qlearning.report import qlearning_report
        from certify.cli.common import load_problem_and_sampling
        from certify.verdict import Verdict

        args.mdp = args.target
        problem, sampling = load_problem_and_sampling(args)
        from certify.report.plots import default_steps, simulated_relative_error

        res = analyze_qlearning(problem, args.alpha, sampling)
        sim = None
        if args.runs > 0:
            steps = args.steps or default_steps(res.direct.upper if res.direct.upper < 1
                                                else res.row_sum_rate)
            sim = simulated_relative_error(res, args.runs, steps, args.seed)
        figure = None
        if args.figures == "pdf":
            from certify.algorithms.qlearning.report import pdf_figure

            fig_name = f"{out.stem}-bounds.pdf"
            figure, fig_data = pdf_figure(res, fig_name, args.steps, sim)
            files[fig_name] = fig_data
        tex = qlearning_report(res, args.fragment, args.steps, sim, figure)
        ok = res.verdict is Verdict.CERTIFIED
        verdict = res.verdict.value
        summary = f"verdict {verdict}"
    doc = {"output": str(out), "kind": "claims" if is_claims else "qlearning", "verdict": verdict}
    if out.suffix.lower() == ".pdf":
        b = build_pdf(tex, out, timeout=args.timeout, files=files)
        doc.update(engine=b.engine, seconds=b.seconds, warnings=list(b.warnings))
        for w in b.warnings:
            err_console.print(f"[yellow]TeX warning:[/] {escape(str(w))}")
    else:
        for name, data in files.items():
            write_atomic(out.parent / name, data)
        write_atomic(out, tex)
        doc["figures"] = [str(out.parent / name) for name in files]
    if args.json:
        print_json(doc)
    else:
        console.print(f"wrote {escape(str(out))} ({doc['kind']} report; {summary})")
    return 0 if ok else 1
