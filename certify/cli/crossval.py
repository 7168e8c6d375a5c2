"""``certify crossval``: certificates and bound curves held against simulated trajectories.

Two forms share the command:

``certify crossval [qlearning] MDP --alpha A [--runs N --steps K --seed S --plot FILE --json]``
    Q-learning: every prediction of ``certify qlearning`` (rates, bound curves, noise
    floors) against Monte-Carlo runs (:mod:`certify.algorithms.qlearning.crossval`).  The
    word ``qlearning`` is optional; with it the command reads as ``certify simulate
    qlearning MDP``.
``certify crossval KEY ...``
    routed to the plug-in of the registry entry ``crossval KEY``
    (:data:`certify.commands.REGISTRY`), whose ``cli`` names its ``build_parser()``; the
    plug-in module ``certify/cli/crossval_<key>.py`` defines ``KEY: str``,
    ``build_parser()`` and ``run(args) -> int``.

Usage errors exit with code 2.
"""

from __future__ import annotations

import argparse
from types import ModuleType

from certify.cli.common import add_problem_argument, add_sampling_argument, check_output_options, escape, real
from certify.cli.outcome import OneLineParser
from certify.cli.simulate import add_simulation_options

#: The optional first word of the Q-learning form (``certify crossval qlearning MDP``).
QLEARNING = "qlearning"


def plugins() -> dict[str, ModuleType]:
    """``{KEY: module}`` for the registry's ``crossval KEY`` commands."""
    import importlib

    from certify.commands.registry import group_commands

    return {cmd.leaf: importlib.import_module(cmd.cli.partition(":")[0])
            for cmd in group_commands("crossval") if cmd.cli is not None}


def _epilog() -> str:
    keys = ", ".join(sorted(plugins())) or "none installed"
    return ("forms:\n"
            "  certify crossval [qlearning] MDP --alpha A [--runs N --steps K --seed S --plot FILE\n"
            "                   --json]\n"
            "      Q-learning certificates vs trajectories (see `certify crossval qlearning --help`)\n"
            "  certify crossval KEY ...\n"
            f"      another algorithm's cross-validation; KEY is one of: {keys}\n"
            "      (see `certify crossval KEY --help`)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("crossval", help="certificates vs simulated trajectories, with evidence",
                       description="Hold each prediction of a certificate (rate, bound curve, "
                                   "noise floor) against\nMonte-Carlo trajectories and give a "
                                   "verdict per prediction: consistent, violated,\ninconclusive, "
                                   "or loose (a claimed --rate slower than both the runs and the "
                                   "certified JSR).",
                       epilog=_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("target", metavar="MDP|KEY",
                   help="an MDP (file or built-in name) for Q-learning, or a plug-in KEY")
    p.add_argument("rest", nargs=argparse.REMAINDER, help="options of that form")
    p.set_defaults(handler=run)


def build_qlearning_parser(prog: str = "certify crossval") -> argparse.ArgumentParser:
    """The parser of the Q-learning form."""
    p = OneLineParser(
        prog=prog,
        description="Cross-validate the Q-learning certificates of MDP at step size ALPHA "
                    "against simulated runs (i.i.d. or Markovian sampling, bounded reward noise).")
    add_problem_argument(p)
    p.add_argument("--alpha", type=real, required=True, help="constant step size in (0, 1]")
    add_sampling_argument(p)
    p.add_argument("--mode", choices=("iid", "markov"), default="iid",
                   help="iid: pairs drawn from d; markov: one behaviour trajectory per run, "
                        "checked against the Markovian (Theorem 4 shape) bound with the chain's "
                        "mixing constants; needs a sampling model with a behaviour policy and "
                        "model 'markov' (default iid)")
    p.add_argument("--noise", type=real, default=0.0, metavar="B",
                   help="bounded reward noise: r + xi, xi uniform on {-B, +B} (default 0)")
    from certify.cli.qlearning import add_q0_argument

    add_q0_argument(p, 0.0)
    p.add_argument("--rate", type=real, default=None,
                   help="check this claimed rate instead of the certified one (e.g. to test "
                        "that a wrong certificate is caught)")
    add_simulation_options(p, runs=200, steps=20_000)
    return p


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace | int:
    try:
        return parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2)
        return int(exc.code or 0)


def run(args: argparse.Namespace) -> int:
    plugs = plugins()
    if args.target in plugs:
        mod = plugs[args.target]
        ns = _parse(mod.build_parser(), list(args.rest))
        if isinstance(ns, int):
            return ns
        check_output_options(ns)
        return int(mod.run(ns) or 0)
    if args.target == QLEARNING:
        ns = _parse(build_qlearning_parser(f"certify crossval {QLEARNING}"), list(args.rest))
    else:
        ns = _parse(build_qlearning_parser(), [args.target, *args.rest])
    if isinstance(ns, int):
        return ns
    check_output_options(ns)
    return run_qlearning(ns)


def run_qlearning(args: argparse.Namespace) -> int:
    from certify.algorithms.qlearning.crossval import crossval_qlearning
    from certify.cli.common import load_problem_and_sampling, print_json
    from certify.cli.qlearning import q0_table
    from certify.simulate.progress import want_progress

    problem, sampling = load_problem_and_sampling(args)
    res = crossval_qlearning(problem, args.alpha, sampling=sampling, runs=args.runs,
                             steps=args.steps, seed=args.seed, noise=args.noise,
                             q0=q0_table(args.q0, problem.mdp),
                             claimed_rate=args.rate, mode=args.mode,
                             progress=want_progress(args.json))
    if args.plot:
        from certify.algorithms.qlearning.crossval import plot_crossval

        plot_crossval(res, args.plot)
    if args.json:
        print_json(res.to_dict())
    else:
        render_crossval(res)
    return 0 if res.verdict == "consistent" else 1


def render_crossval(res) -> None:
    from certify.cli.common import console, fmt, table

    s = res.simulation
    console.print(f"[bold]crossval on {escape(res.mdp.name)}[/] ({res.mode} sampling): alpha = "
                  f"{res.alpha:g}, {s.runs} runs x {s.steps} steps, seed {s.seed}, reward noise "
                  f"{s.noise:g}; certificates: {res.certificate_verdict}")
    if res.mixing is not None:
        m = res.mixing
        console.print(f"behaviour chain: sup_s ||P_beta^t(s,.) - mu||_TV <= {fmt(m['C'], 6, 'up')} x "
                      f"{fmt(m['r'], 6, 'up')}^t (Dobrushin coefficient of P_beta^{m['power_m']}, "
                      f"{'exact' if m['exact'] else 'float + rounding margin'}); Poisson bound "
                      f"H = {fmt(m['H_pair'], 6, 'up')}")
    style = {"consistent": "green", "violated": "red", "inconclusive": "yellow", "loose": "yellow"}
    rows = []
    for p in res.predictions:
        pred = p.predicted if isinstance(p.predicted, float) else (
            p.predicted.get("rate") if isinstance(p.predicted, dict) else p.predicted)
        rows.append([p.name, fmt(pred, 8, "up") if isinstance(pred, float) else str(pred),
                     f"[{style[p.verdict]}]{p.verdict}[/]", p.evidence])
    console.print(table("Predictions", ["prediction", "rate", "verdict", "evidence"], rows))
    if res.fit is not None and res.fit.compare:
        for name, c in res.fit.compare.items():
            console.print(f"fit interval vs {name} {c['rate']:.9g}: {c['relation']}")
    console.print(f"overall: [{style[res.verdict]}]{res.verdict}[/]")
