"""``certify pg tabular|meanfield MDP``: entropy-regularised policy gradient (seed 004)."""

from __future__ import annotations

import argparse

from certify.cli.common import (
    add_json_flag,
    add_problem_argument,
    console,
    escape,
    exit_code,
    fmt,
    print_json,
    real,
    table,
    verdict_text,
)
from certify.verdict import Verdict


def real_list(text: str) -> list[float]:
    """argparse type: comma-separated numbers (a distribution; validated by the API)."""
    try:
        return [float(x) for x in text.split(",")]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers, found {text!r}") from exc


def add_regularisation(p: argparse.ArgumentParser) -> None:
    """--tau, --mu, --rho: the entropy-regularised MDP."""
    add_problem_argument(p)
    p.add_argument("--tau", type=real, required=True, help="entropy temperature tau > 0")
    p.add_argument("--mu", type=real_list, default=None,
                   help="reference measure over actions, e.g. 0.5,0.5 (default uniform)")
    p.add_argument("--rho", type=real_list, default=None,
                   help="initial-state distribution (default uniform)")


def add_meanfield(p: argparse.ArgumentParser) -> None:
    """--sigma, --kappa, --width: the mean-field parameterisation."""
    add_regularisation(p)
    p.add_argument("--sigma", type=real, default=1.0,
                   help="parameter noise sigma > 0 (default 1)")
    p.add_argument("--kappa", type=real, default=1.0,
                   help="strong convexity of the Gaussian potential U = kappa |theta|^2 / 2 "
                        "(default 1)")
    p.add_argument("--width", type=int, default=4, help="hidden units K per particle")
    p.add_argument("--budget", type=int, default=20000,
                   help="boxes per branch and bound of the problem-specific C2 and L (two "
                        "actions, at most 3 states; 0 = closed forms only; default 20000; "
                        "larger is tighter and slower)")


def add_save_certificate(p: argparse.ArgumentParser) -> None:
    p.add_argument("--save-certificate", metavar="FILE", default=None,
                   help="when the exact check passes, write the certificate as JSON "
                        "(re-check it with: certify verify FILE)")


def add_group(sub: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """The ``certify pg`` parser; its kinds (tabular, meanfield) come from the registry."""
    p = sub.add_parser("pg", help="entropy-regularised policy gradient: tabular rate, "
                                  "mean-field condition",
                       description="Entropy-regularised softmax policy gradient (seed 004).")
    kinds = p.add_subparsers(dest="pg_kind", metavar="KIND")
    kinds.required = True
    return kinds


def register_tabular(kinds: argparse._SubParsersAction, name: str = "tabular") -> None:
    t = kinds.add_parser(name, help="soft-optimal Q*, V*, pi* and Mei et al.'s linear rate")
    add_regularisation(t)
    t.add_argument("--eta", type=real, default=None,
                   help="step size (default: Mei's step 1/beta_s for this MDP)")
    t.add_argument("--steps", type=int, default=2000, help="exact-gradient steps")
    add_save_certificate(t)
    add_json_flag(t)
    t.set_defaults(handler=run)


def register_meanfield(kinds: argparse._SubParsersAction, name: str = "meanfield") -> None:
    m = kinds.add_parser(name, help="bounds on C2, L and the margin beta")
    add_meanfield(m)
    add_save_certificate(m)
    add_json_flag(m)
    m.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from certify.algorithms.pg.analysis import run_pg_meanfield, run_pg_tabular

    if args.pg_kind == "tabular":
        doc = run_pg_tabular(args.mdp, args.tau, args.eta, args.steps, args.mu, args.rho,
                         args.save_certificate)
    else:
        doc = run_pg_meanfield(args.mdp, args.tau, args.sigma, args.kappa, args.width, args.mu,
                           args.rho, args.save_certificate, args.budget)
    if args.json:
        print_json(doc)
    elif args.pg_kind == "tabular":
        render_tabular(doc)
    else:
        render_meanfield(doc)
    return exit_code([Verdict(doc["verdict"])])


def render_tabular(doc: dict) -> None:
    m = doc["mdp"]
    console.print(f"[bold]entropy-regularised softmax PG on {escape(m['name'])}[/]: {m['n_states']} "
                  f"states, {m['n_actions']} actions, gamma = {m['gamma']:.12g}, tau = "
                  f"{doc['tau']:g}, eta = {doc['eta']:.6g}")
    rows = [[s, *(fmt(x, 6) for x in doc["q_star"][s]), fmt(doc["v_star"][s], 8),
             " ".join(fmt(x, 4) for x in doc["pi_star"][s])] for s in range(m["n_states"])][:40]
    console.print(table("soft-optimal solution", ["state", *[f"Q*(., {a})" for a in
                        range(m["n_actions"])], "V*", "pi*"], rows))
    sm, loc = doc.get("smoothness", {}), doc.get("local_rate")
    rows = [["Mei's smoothness beta_s (all MDPs)", fmt(sm.get("mei_beta_s"), 8, "up")]]
    if "problem_beta" in sm:
        rows.append(["smoothness on this MDP (certified; sampled "
                     f"{fmt(sm['sampled_beta'], 6)})", fmt(sm["problem_beta"], 8, "up")])
    rows += [["step bound 1/beta", fmt(doc["step_bound"], 8, "down")],
             ["global per-step factor (Mei's Lojasiewicz, min pi over the run)",
              fmt(doc["rate"], 12, "up")]]
    if loc is not None:
        rows.append([f"local per-step factor (certified from step {loc['from_step']} on)",
                     fmt(loc["factor"], 12, "up")])
    rows += [["measured per-step factor", fmt(doc["measured_rate"], 12)],
             ["final gap V* - V", fmt(doc["final_gap"], 6)]]
    console.print(table("linear rate (Mei et al. 2020, Theorem 6)", ["quantity", "value"], rows))
    console.print(f"verdict: {verdict_text(doc['verdict'])}: {escape(str(doc['reason']))}")
    render_certificate(doc)


def render_meanfield(doc: dict) -> None:
    m = doc["mdp"]
    console.print(f"[bold]mean-field PG on {escape(m['name'])}[/]: tau = {doc['tau']:g}, sigma = "
                  f"{doc['sigma']:g}, kappa = {doc['kappa']:g}, width K = {doc['width']} "
                  f"(d = {doc['dim']})")
    how = ("derived, see certify/proofs/pg_constants.py" if "structured" not in doc else
           "derived: min of closed form and problem-specific (certify/proofs/pg_structured.py)")
    rows = [["sigma^2 kappa / 2", fmt(doc["sigma"] ** 2 * doc["kappa"] / 2, 8), "given"],
            ["C2 (upper bound)", fmt(doc["c2_bound"], 8, "up"), how],
            ["L (upper bound)", fmt(doc["l_bound"], 8, "up"), how],
            ["beta = sigma^2 kappa/2 - C2 - L", fmt(doc["beta"], 8, "down"), "exact rational sign"]]
    console.print(table("convergence margin (seed 004)", ["quantity", "value", "how"], rows))
    if doc.get("fragile"):
        from certify.margin import fragile_text

        console.print("[yellow]" + fragile_text("beta > 0", doc["beta"]) + "[/]")
    console.print(f"verdict: {verdict_text(doc['verdict'])}: {escape(str(doc['reason']))}")
    render_certificate(doc)


def render_certificate(doc: dict) -> None:
    """One line on the exact certificate and, when asked, where it was written."""
    c = doc["certificate"]
    console.print(f"certificate {c['kind']}: {escape(str(c['claim']))} -> {verdict_text(c['verdict'])}")
    if "certificate_file" in doc:
        where = doc["certificate_file"] or doc.get("certificate_note", "not written")
        console.print(f"certificate file: {where}")
