"""``certify smooth MDP --operator OP --temperature T``: smooth Q-learning certificates."""

from __future__ import annotations

import argparse

from certify.cli.common import (
    add_json_flag,
    add_problem_argument,
    add_sampling_argument,
    console,
    emit,
    escape,
    fmt,
    real,
    table,
    verdict_text,
)


def add_smooth_arguments(p: argparse.ArgumentParser) -> None:
    """MDP, --operator, --temperature, --sampling, --p (shared with the plug-ins)."""
    add_problem_argument(p)
    p.add_argument("--operator", default="lse",
                   help="smooth maximum: max, lse, mellowmax, boltzmann or soft (default lse)")
    p.add_argument("--temperature", type=real, default=None,
                   help="inverse temperature lambda > 0 (tau for soft)")
    add_sampling_argument(p)
    p.add_argument("--p", type=int, default=None,
                   help="even p >= 2 for the Lyapunov certificate (default: the smallest that works)")
    p.add_argument("--tradeoff", action=argparse.BooleanOptionalAction, default=None,
                   help="tabulate the best certified rate for every even p up to the plain threshold "
                        "(default: on for at most 40 states)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("smooth", help="weighted p-norm Lyapunov certificates for smooth Q-learning",
                       description="Fixed point, sup-norm modulus (or a refusal with a witness), "
                                   "weighted p-norm Lyapunov certificate of the ODE dQ/dt = "
                                   "D (F_h(Q) - Q), and the Boltzmann invariant set.")
    add_smooth_arguments(p)
    add_json_flag(p)
    p.set_defaults(handler=run)


def analyze_from_args(args: argparse.Namespace):
    from certify.algorithms.smooth.analysis import analyze_smooth
    from certify.cli.common import load_problem_and_sampling

    problem, sampling = load_problem_and_sampling(args)
    return analyze_smooth(problem, args.operator, args.temperature, sampling, args.p,
                          tradeoff=args.tradeoff)


def run(args: argparse.Namespace) -> int:
    res = analyze_from_args(args)
    return emit(res.to_dict(), lambda: render(res), args.json, [res.verdict])


def render(res) -> None:
    m = res.mdp
    console.print(f"[bold]smooth Q-learning on {escape(m.name)}[/]: operator {res.operator}, temperature "
                  f"{res.temperature}, gamma = {m.gamma:.12g}, n = {m.n_pairs} pairs, d_min = "
                  f"{res.sampling.d_min:.4g}")
    mod = res.modulus
    rows = [["sup-norm modulus", fmt(mod.value, 8), f"<= {fmt(mod.upper, 8, 'up')}", mod.theory,
             verdict_text(mod.verdict)]]
    shown = [res.p_norm] + ([res.p_norm_plain] if res.p_norm_plain is not None
                            and res.p_norm_plain.argument != res.p_norm.argument else [])
    for pr in shown:
        rows.append([f"p-norm Lyapunov ({pr.argument})", "p = -" if pr.p is None else f"p = {pr.p}",
                     "-" if pr.certificate is None else f"c = {fmt(pr.certificate.c, 6, 'down')}",
                     _clip(pr.reason), verdict_text(pr.verdict)])
    if res.symbolic is not None:
        rows.append(["symbolic dV/dt (sympy)", "", "", _clip(res.symbolic.reason),
                     verdict_text(res.symbolic.verdict)])
    if res.invariant_set is not None:
        rows.append(["invariant set (derived)", f"radius {fmt(res.invariant_set.radius, 6, 'up')}",
                     "sup norm", "||Q - Q*|| <= gamma ln m / (lam (1 - gamma))",
                     verdict_text(res.invariant_set.verdict)])
    console.print(table("Certificates", ["check", "value", "bound", "how", "verdict"], rows))
    if mod.fragile:
        from certify.margin import fragile_text

        console.print("[yellow]" + fragile_text("sup-norm modulus < 1", float(1 - mod.upper)) + "[/]")
    if res.tradeoff is not None and res.tradeoff.rows:
        render_tradeoff(res.tradeoff)
    if mod.witness.get("q_row") is not None and mod.verdict.value == "refuted":
        console.print(f"witness: Q(s, .) = {mod.witness['q_row']} on every state; Jacobian sup-norm "
                      f">= {fmt(mod.witness['jacobian_sup_norm_lower'], 8, 'down')} > 1")
    if res.fixed_point is not None and m.n_pairs <= 40:
        console.print(table("fixed point", ["state"] + [escape(m.action_name(a)) for a in range(m.n_actions)],
                            [[escape(m.state_name(s))] + [fmt(float(v), 8) for v in res.fixed_point[s]]
                             for s in range(m.n_states)]))
    for note in res.notes:
        console.print(f"[yellow]note:[/] {escape(str(note))}")
    console.print(f"overall verdict: {verdict_text(res.verdict)}")


def _clip(reason: str, width: int = 150) -> str:
    """A check's reason for a table cell: whole words, at most ``width`` characters ending in
    " ..." when cut (the whole reason is in --json); rich wraps it inside the cell."""
    import textwrap

    return textwrap.shorten(str(reason), width, placeholder=" ...")


def render_tradeoff(tr) -> None:
    """Rich table of the trade-off across p (certified rows; the uncertified ones summarised)."""
    rows, missing = [], []
    for r in tr.rows:
        if r.best is None:
            missing.append(r.p)
            continue
        c = r.best.certificate.c  # exact: c and c/p are printed rounded down
        mark = " (default)" if r.p == tr.default_p else ""
        mark += " (fastest)" if r.p == tr.fastest_p else ""
        rows.append([f"{r.p}{mark}", r.best.argument, fmt(c, 6, "down"), fmt(c / r.p, 6, "down"),
                     fmt(r.best.sup_norm_constant, 6, "up"), verdict_text(r.verdict)])
    console.print(table("trade-off across p: ||e(t)||_inf <= K exp(-(c/p) t) ||e(0)||_inf",
                        ["p", "argument", "c (rate of V)", "c/p (norm rate)", "K", "verdict"], rows))
    if missing:
        console.print(f"no certificate at p = {', '.join(map(str, missing))} "
                      f"(see p_tradeoff in --json for the reasons)")
