"""``certify qlearning MDP --alpha A``: the main job."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from certify.cli.common import (
    add_json_flag,
    add_problem_argument,
    add_sampling_argument,
    add_save_certificates_option,
    check_certificates_folder,
    console,
    emit,
    escape,
    fmt,
    nonneg_int,
    real,
    table,
    verdict_text,
    write_certificates,
)
from certify.errors import InvalidInput
from certify.exact.printing import fmt_lower, fmt_upper


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
    p.add_argument("--noise", type=real, default=0.0, metavar="B",
                   help="bounded reward noise: r + xi, xi uniform on {-B, +B}, for the "
                        "finite-time bounds (default 0)")
    p.add_argument("--steps", type=nonneg_int, default=None, metavar="K",
                   help="also print the certified bound on sqrt(E||Q_K - Q*||_inf^2)")
    add_q0_argument(p, None)
    add_save_certificates_option(p)
    add_json_flag(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from certify.algorithms.qlearning.analysis import analyze_qlearning
    from certify.cli.common import load_problem_and_sampling
    from certify.solver_options import SolverOptions

    check_certificates_folder(args.save_certificates)
    problem, sampling = load_problem_and_sampling(args)
    cq = {"auto": None, "yes": True, "no": False}[args.cqlf]
    if args.noise < 0:
        raise InvalidInput(f"--noise {args.noise:g}: expected a number >= 0")
    q0 = None if args.q0 is None else q0_table(args.q0, problem.mdp)
    res = analyze_qlearning(problem, args.alpha, sampling, cqlf=cq,
                            solver=SolverOptions(args.solver), noise=args.noise,
                            steps=args.steps, q0=q0)
    if args.save_certificates is not None:
        save_certificates(res, args.save_certificates)
    return emit(res.to_dict(), lambda: render(res), args.json, [res.verdict])


Q0_HELP = ("initial Q-table: one number for every pair, or a file (.npy, .json or text) of "
           "|S| x |A| numbers (default 0)")
"""The help of ``--q0``, which ``qlearning``, ``simulate qlearning`` and ``crossval`` share."""


def q0_spec(text: str) -> float | Path:
    """argparse type of ``--q0``: a finite number (every entry of Q_0) or a file path."""
    import math

    try:
        value = float(text)
    except ValueError:
        return Path(text)
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number or a file, found {text!r}")
    return value


def add_q0_argument(p: argparse.ArgumentParser, default: float | None) -> None:
    """``--q0 NUMBER|FILE`` (:func:`q0_spec`; resolve it with :func:`q0_table`)."""
    p.add_argument("--q0", type=q0_spec, default=default, metavar="NUMBER|FILE", help=Q0_HELP)


def q0_table(value: float | Path, mdp):
    """The |S| x |A| initial table of a ``--q0`` value: a number fills it, a path is read."""
    import numpy as np

    if isinstance(value, Path):
        return load_q0(value, mdp)
    return np.full((mdp.n_states, mdp.n_actions), float(value))


def load_q0(path: Path, mdp):
    """An initial Q-table from FILE (.npy, .json list of lists, or whitespace text)."""
    import json

    import numpy as np

    if not path.is_file():
        raise InvalidInput(f"--q0: {str(path)!r} is neither a number nor a file")
    try:
        if path.suffix == ".npy":
            arr = np.load(path, allow_pickle=False)
        elif path.suffix == ".json":
            arr = np.asarray(json.loads(path.read_text()), dtype=float)
        else:
            arr = np.loadtxt(path, dtype=float, ndmin=2)
        arr = np.asarray(arr, dtype=float)
    except (ValueError, OSError, TypeError) as exc:
        raise InvalidInput(f"--q0: cannot read {str(path)!r}: {exc}") from exc
    if arr.size != mdp.n_pairs or not np.all(np.isfinite(arr)):
        raise InvalidInput(f"--q0: expected {mdp.n_states} x {mdp.n_actions} finite numbers, "
                           f"found {arr.size} entries")
    return arr.reshape(mdp.n_states, mdp.n_actions)


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
    console.print(f"[bold]Q-learning on {escape(m.name)}[/]: {m.n_states} states, {m.n_actions} actions, "
                  f"gamma = {m.gamma:.12g}, alpha = {res.alpha:g}, sampling: "
                  f"{res.sampling.description} (d_min = {res.sampling.d_min:.4g}, "
                  f"d_max = {res.sampling.d_max:.4g})")
    if getattr(m, "renormalized", None) is not None:  # the user's opt-in, said where it applies
        console.print(f"rows of P divided by their sums on request (renormalize; largest "
                      f"correction {m.renormalized:.2g})")
    lower = fmt_lower(d.lower, 12) if math.isfinite(d.lower) else "-"
    upper = fmt_upper(d.upper, 12) if math.isfinite(d.upper) else "-"
    from certify.algorithms.qlearning.system import row_sum_rate_exact, trivial_lower_rate_exact

    exact = (res.sampling, res.alpha, m.gamma)
    rows = [
        ["direct JSR, lower", lower, d.lower_certificate.kind if d.lower_certificate else "-",
         verdict_text(d.lower_check.verdict)],
        ["direct JSR, upper", upper, d.upper_certificate.kind if d.upper_certificate else "-",
         verdict_text(d.upper_check.verdict)],
        ["row-sum rate", fmt_upper(row_sum_rate_exact(*exact), 12), "closed form (seed 002, Lemma 3)", ""],
        ["1 - alpha d_max (1 - gamma)", fmt_lower(trivial_lower_rate_exact(*exact), 12), "closed form", ""],
    ]
    if res.cqlf is not None:
        cq_rate = fmt_upper(res.cqlf.rate, 10) if math.isfinite(res.cqlf.rate) else "-"
        if math.isfinite(res.cqlf.rate) and res.cqlf.rate >= 1:  # a true bound, but no decay
            cq_rate += " (vacuous: >= 1)"
        rows.append(["CQLF rate", cq_rate, "quadratic (SDP, "
                     f"{res.cqlf.solver.get('solver')})", verdict_text(res.cqlf.verdict)])
    else:
        rows.append(["CQLF rate", "-", res.cqlf_skipped, "skipped"])
    console.print(table("Rates", ["quantity", "value", "method", "verdict"], rows))
    dm = res.direct_margin
    if dm["fragile"]:
        from certify.margin import fragile_text

        console.print("[yellow]" + fragile_text("direct JSR < 1", dm["margin"]) + "[/]")
    if m.n_states <= 40:
        pol = ", ".join(f"{escape(m.state_name(s))}->{escape(m.action_name(a))}"
                        for s, a in enumerate(d.policy))
        console.print(f"JSR-attaining policy: {pol}")
    else:
        console.print(f"JSR-attaining policy: {m.n_states} states (listed by --json)")
    console.print(f"certified rate is {fmt(res.speedup, 4)}x faster (in log scale) than the "
                  "row-sum rate")
    qc = res.q_star_check
    if qc is not None:
        console.print(f"Q* by {qc['method']}: ||Q - Q*||_inf <= {fmt_upper(qc['error_bound'], 3)} "
                      f"(Bellman residual / (1 - gamma)); greedy policy certified optimal in "
                      f"{qc['certified_states']}/{qc['n_states']} states (action gap > 2x bound)")
    if m.n_pairs <= 40:
        qrows = [[escape(m.state_name(s))] + [fmt(float(v), 8) for v in res.q_star[s]]
                 for s in range(m.n_states)]
        console.print(table("Q*", ["state"] + [escape(m.action_name(a)) for a in range(m.n_actions)],
                            qrows))
    if res.max_norm_bound is not None:
        b = res.max_norm_bound
        vacuous = (f" (vacuous once k is large: the floor is above the trivial bound "
                   f"||e_k||_inf <= 2 q_bar = {fmt(b.e_max, 4)})" if b.vacuous else "")
        console.print(f"finite-time, worst case (pathwise, max-norm): ||e_k||_inf <= "
                      f"{fmt_upper(b.kappa, 4)} * {fmt_upper(b.rho, 11)}^k ||e_0||_inf + noise floor "
                      f"{fmt_upper(b.floor(), 4)}{vacuous}")
    if res.mean_square is not None:
        render_mean_square(res.mean_square)
    if getattr(res, "seed_theorem2", None) is not None:
        st = res.seed_theorem2
        console.print(f"seed 002 Theorem 2 (its V_eps, C_eps in [{st.c_eps_lower:.4g}, "
                      f"{st.c_eps:.4g}] at rho_eps = {st.rho:.10g}): E||Q_K - Q*||_inf <= "
                      f"{fmt_upper(st.bound, 4)} (transient {fmt_upper(st.transient, 4)}, floor "
                      f"{fmt_upper(st.floor, 4)}){_vacuous(st.bound, res.mean_square)}")
    for note in res.notes:
        console.print(f"[yellow]note:[/] {escape(str(note))}")
    scope = ""
    if res.mean_square is not None and res.mean_square.verdict != "certified":
        # the overall verdict is the rates' (QLearningResult.verdict); say so beside the
        # inconclusive finite-time line above, which it does not override
        scope = (" (of the direct JSR" + (" and the CQLF" if res.cqlf is not None else "")
                 + "; the mean-square bound above is inconclusive)")
    console.print(f"overall verdict: {verdict_text(res.verdict)}{scope}")


def render_mean_square(ms) -> None:
    """The ``finite_time.mean_square`` block (certify.algorithms.qlearning.meansquare)."""
    rows = [[r.route, fmt_upper(r.rate, 10), fmt_upper(r.floor, 4), fmt_upper(r.transient, 4),
             fmt_upper(r.bound, 4) + _vacuous(r.bound, ms, short=True)] for r in ms.routes]
    # the trivial bound is the yardstick, not a claim of certify: shown to nearest (30, not
    # 30.01 for the float just above 30 that 2 q_bar rounds up to)
    rows.append(["trivial 2 q_bar (surely)", "-", "-", "-", fmt(ms.trivial, 4)])
    console.print(table(f"Mean square at K = {ms.steps} (alpha = {ms.alpha:g}, reward noise "
                        f"+-{ms.noise:g}, "
                        f"{'i.i.d.' if ms.sampling == 'iid' else 'Markovian'} sampling)",
                        ["route", "rate (E||e||^2)", "floor (E||e||^2)", "transient",
                         "bound on sqrt(E||e_K||^2)"], rows))
    console.print(mean_square_line(ms))
    for note in ms.notes:
        console.print(f"[yellow]note:[/] {note}")


def mean_square_line(ms) -> str:
    """The verdict line of a :class:`MeanSquareBound`: "certified: ... <= X" only when a route
    binds; otherwise the trivial bound, which holds surely, and "inconclusive" (never
    "certified: ... (inconclusive ...)")."""
    if ms.verdict == "certified":
        return (f"certified: sqrt(E||Q_K - Q*||_inf^2) <= {fmt_upper(ms.bound, 4)} "
                f"({verdict_text_ms(ms.verdict)} 2 q_bar = {fmt(ms.trivial, 4)})")
    return (f"inconclusive: no route gives a bound below the trivial sqrt(E||Q_K - Q*||_inf^2) "
            f"<= 2 q_bar = {fmt(ms.trivial, 4)}")


def _vacuous(bound: float, ms, short: bool = False) -> str:
    """" (vacuous ...)" when ``bound`` is at or above the trivial bound 2 q_bar of ``ms``."""
    if ms is None or bound < ms.trivial:
        return ""
    return " (vacuous)" if short else \
        f" (vacuous: above the trivial bound 2 q_bar = {fmt(ms.trivial, 4)})"


def verdict_text_ms(v: str) -> str:
    return "binds: below the trivial bound" if v == "certified" else \
        "inconclusive: no route below the trivial bound"
