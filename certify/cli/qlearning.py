"""``certify qlearning MDP --alpha A``: the main job."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from ..numfmt import fmt_lower, fmt_upper
from .common import (
    add_json_flag,
    add_problem_argument,
    add_sampling_argument,
    add_save_certificates_option,
    check_certificates_folder,
    console,
    emit,
    fmt,
    real,
    table,
    verdict_text,
    write_certificates,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("qlearning", help="certificates and bounds for constant-step Q-learning",
                       description="Certify asynchronous Q-learning with constant step size "
                                   "ALPHA on MDP: Q*, the direct JSR (exact bracket), the "
                                   "row-sum rate, a CQLF rate and finite-time constants.")
    add_problem_argument(p)
    p.add_argument("--alpha", type=real, required=True, help="constant step size in (0, 1]")
    add_sampling_argument(p)
    p.add_argument("--cqlf", choices=("auto", "yes", "no"), default="auto",
                   help="run the CQLF SDP (auto: only for small families)")
    p.add_argument("--solver", default="CLARABEL", help="conic solver for the SDP")
    add_save_certificates_option(p)
    add_json_flag(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..qlearning import certify_qlearning
    from ..solver_options import SolverOptions
    from .common import load_problem_and_sampling

    check_certificates_folder(args.save_certificates)
    problem, sampling = load_problem_and_sampling(args)
    cq = {"auto": None, "yes": True, "no": False}[args.cqlf]
    res = certify_qlearning(problem, args.alpha, sampling, cqlf=cq,
                            solver=SolverOptions(args.solver))
    if args.save_certificates is not None:
        save_certificates(res, args.save_certificates)
    return emit(res.to_dict(), lambda: render(res), args.json, [res.verdict])


def save_certificates(res, folder: Path) -> None:
    d = res.direct
    items = [("direct_upper", d.upper_certificate, d.upper_check),
             ("direct_lower", d.lower_certificate, d.lower_check)]
    if res.cqlf is not None:
        items.append(("cqlf", res.cqlf.certificate, res.cqlf.check))
    write_certificates(folder, items)


def render(res) -> None:
    m = res.mdp
    d = res.direct
    console.print(f"[bold]Q-learning on {m.name}[/]: {m.n_states} states, {m.n_actions} actions, "
                  f"gamma = {m.gamma:.12g}, alpha = {res.alpha:g}, sampling: "
                  f"{res.sampling.description} (d_min = {res.sampling.d_min:.4g}, "
                  f"d_max = {res.sampling.d_max:.4g})")
    lower = fmt_lower(d.lower, 12) if math.isfinite(d.lower) else "-"
    upper = fmt_upper(d.upper, 12) if math.isfinite(d.upper) else "-"
    rows = [
        ["direct JSR, lower", lower, d.lower_certificate.kind if d.lower_certificate else "-",
         verdict_text(d.lower_check.verdict)],
        ["direct JSR, upper", upper, d.upper_certificate.kind if d.upper_certificate else "-",
         verdict_text(d.upper_check.verdict)],
        ["row-sum rate", fmt(res.row_sum_rate, 12), "closed form (seed 002, Lemma 3)", ""],
        ["1 - alpha d_max (1 - gamma)", fmt(res.trivial_lower, 12), "closed form", ""],
    ]
    if res.cqlf is not None:
        cq_rate = fmt_upper(res.cqlf.rate, 10) if math.isfinite(res.cqlf.rate) else "-"
        rows.append(["CQLF rate", cq_rate, "quadratic (SDP, "
                     f"{res.cqlf.solver.get('solver')})", verdict_text(res.cqlf.verdict)])
    else:
        rows.append(["CQLF rate", "-", res.cqlf_skipped, ""])
    console.print(table("Rates", ["quantity", "value", "method", "verdict"], rows))
    pol = ", ".join(f"{m.state_name(s)}->{m.action_name(a)}" for s, a in enumerate(d.policy))
    console.print(f"JSR-attaining policy: {pol}")
    console.print(f"certified rate is {fmt(res.speedup, 4)}x faster (in log scale) than the "
                  "row-sum rate")
    if m.n_pairs <= 40:
        qrows = [[m.state_name(s)] + [fmt(float(v), 8) for v in res.q_star[s]]
                 for s in range(m.n_states)]
        console.print(table("Q*", ["state"] + [m.action_name(a) for a in range(m.n_actions)],
                            qrows))
    if res.max_norm_bound is not None:
        b = res.max_norm_bound
        console.print(f"finite-time (max-norm): ||e_k||_inf <= {b.kappa:.4g} * {b.rho:.10g}^k "
                      f"||e_0||_inf + noise floor {b.floor():.4g}")
    for note in res.notes:
        console.print(f"[yellow]note:[/] {note}")
    console.print(f"overall verdict: {verdict_text(res.verdict)}")
