"""``certify sa check ALGO PROBLEM --exponents ... --w W``: N-timescale SA conditions."""

from __future__ import annotations

import argparse

from certify.cli.common import (
    add_json_flag,
    console,
    emit,
    escape,
    fmt,
    problem_spec,
    real,
    table,
    verdict_text,
)

ALGOS = ("td0", "gtd", "gtd2", "tdc", "gtd2-m3", "tdc-m3", "gtd2-m4", "tdc-m4")
#: built-ins of certify.algorithms.td.variants / .actor_critic (``simulate`` runs all but
#: actor-critic)
CHECK_ONLY = ("gtd2-lambda", "tdc-lambda", "etd0", "gq0", "actor-critic")


def add_group(sub: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """The ``certify sa`` parser; its sub-parsers (``sa check``) come from the registry."""
    p = sub.add_parser("sa", help="N-timescale stochastic approximation: gradient TD (+momentum)",
                       description="Stability and convergence conditions of seed 003 for "
                                   "gradient-TD algorithms written as N-timescale linear SA.")
    sa = p.add_subparsers(dest="sa_command", metavar="ACTION")
    sa.required = True
    return sa


def register_check(sa: argparse._SubParsersAction, name: str = "check") -> None:
    c = sa.add_parser(name, help="check (A:1)-(A:3), (B.N.i), (C.N.i) for ALGO on PROBLEM, "
                                    "or for a user-defined system FILE",
                      description="Build ALGO's N-timescale linear SA from PROBLEM (features, "
                                  "target and behaviour policies, gamma), or read a user-defined "
                                  "system (SYSTEM.yaml / .json: mean-field blocks per timescale, "
                                  "b, exponents, noise model; see certify.algorithms.td.user_system), and "
                                  "report each condition of seed 003 with its numbers and the "
                                  "verdict.")
    c.add_argument("algo", metavar="ALGO|SYSTEM",
                   help=", ".join(ALGOS + CHECK_ONLY) + ", or a system file (.yaml, .yml, .json)")
    c.add_argument("problem", metavar="PROBLEM", type=problem_spec, nargs="?", default=None,
                   help="a file (.yaml, .json, .npz with features and target) or a built-in name "
                        "(not given with a system file)")
    c.add_argument("--exponents", default=None,
                   help="step-size exponents e_i in (0, 1], one per timescale, fastest first, "
                        "a_i(n) = 1/(n+1)^e_i (e.g. 0.6,0.7,0.8); required with ALGO, "
                        "overrides the file's with SYSTEM")
    c.add_argument("--w", type=real, default=1.0,
                   help="momentum constant w in eta_t = (varrho_t - w alpha_t)/varrho_{t-1}")
    c.add_argument("--lam", type=real, default=None,
                   help="trace parameter lambda in [0, 1] (gtd2-lambda, tdc-lambda only)")
    c.add_argument("--order", default=None,
                   help="the iterates fastest first (checked against ALGO, e.g. v,u,theta)")
    add_json_flag(c)
    c.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from certify.algorithms.td.analysis import analyze_sa
    from certify.errors import InvalidInput, did_you_mean
    from certify.mdp import load_problem

    if args.algo not in ALGOS + CHECK_ONLY:
        if not args.algo.lower().endswith((".yaml", ".yml", ".json")):
            raise InvalidInput(f"{args.algo!r}{did_you_mean(args.algo, ALGOS + CHECK_ONLY)} is "
                               f"neither an algorithm ({', '.join(ALGOS + CHECK_ONLY)}) nor a "
                               "system file (.yaml, .yml, .json)")
        if args.problem is not None:
            raise InvalidInput("a system file carries its own mean field: give no PROBLEM")
        from certify.cli.sa_user import run_system

        return run_system(args.algo, args.exponents, args.json)
    if args.problem is None or args.exponents is None:
        raise InvalidInput(f"sa check {args.algo} needs a PROBLEM and --exponents")

    problem = load_problem(args.problem, positive_sampling=False)
    if args.algo == "actor-critic":
        from certify.algorithms.td.actor_critic import check_actor_critic
        from certify.cli.sa_user import render as render_system

        if args.w != 1.0 or args.lam is not None or args.order is not None:
            raise InvalidInput("actor-critic takes no --w, --lam or --order (critic w fastest, "
                               "actor theta slowest)")
        ac = check_actor_critic(problem, args.exponents)
        return emit(ac.to_dict(), lambda: render_system(ac), args.json, [ac.verdict])
    if args.algo in CHECK_ONLY:
        from certify.algorithms.td.variants import check_variant

        if args.w != 1.0:
            raise InvalidInput(f"w = {args.w!r}: {args.algo} has no momentum term; omit --w")
        res = check_variant(args.algo, problem, args.exponents, args.lam, args.order)
    else:
        if args.lam is not None:
            raise InvalidInput(f"{args.algo} has no trace parameter; omit --lam")
        res = analyze_sa(args.algo, problem, args.exponents, args.w, args.order)
    return emit(res.to_dict(), lambda: render(res), args.json, [res.verdict])


def render(res) -> None:
    a = res.algorithm
    console.print(f"[bold]{a.name}[/] on {escape(str(res.problem))}: {a.n_timescales} timescale(s), "
                  f"w = {res.w:g}, exponents " + ", ".join(str(e) for e in res.exponents))
    console.print(table("Timescales (fastest first)", ["level", "iterate", "step", "exponent",
                                                       "Hurwitz margin", "exact range of w"],
                        [[i + 1, v, s, str(e),
                          fmt(lv.get("margin"), 4) + (" (fragile)" if lv.get("fragile") else ""),
                          lv.get("w_range", "-")]
                         for i, (v, s, e, lv) in enumerate(zip(a.variables, a.steps,
                                                               res.exponents, res.levels,
                                                               strict=False))]))
    status = {True: "[green]holds[/]", False: "[red]fails[/]", None: "[yellow]undecided[/]"}
    console.print(table("Conditions", ["condition", "status", "detail"],
                        [[c.name, status[c.holds], c.detail] for c in res.conditions]))
    if res.td.theta_star is not None:
        label = ("limit theta*" if res.verdict.value == "certified"
                 else f"fixed point theta* (a limit only if certified; check {res.verdict.value})")
        console.print(f"{label} = -A^{{-1}} b = [" + ", ".join(fmt(float(x), 6)
                                                            for x in res.td.theta_star) + "]")
    if getattr(res, "note", ""):
        console.print(f"note: {escape(res.note)}")
    if res.failing:
        console.print("[red]failing:[/] " + "; ".join(res.failing))
    console.print(f"overall verdict: {verdict_text(res.verdict)}")
