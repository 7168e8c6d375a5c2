"""``certify crossval pg MDP``: predicted W2 rate against coupled particle systems (plug-in)."""

from __future__ import annotations

import argparse

from certify.cli.common import add_json_flag, console, escape, fmt, nonneg_int, positive_int, print_json, real
from certify.cli.outcome import OneLineParser
from certify.cli.pg import add_meanfield

KEY: str = "pg"


def build_parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog="certify crossval pg",
                                description="Compare the predicted W2 contraction exp(-beta t) "
                                            "with two coupled particle systems (same noise).")
    add_meanfield(p)
    p.add_argument("--particles", type=positive_int, default=64, help="particles N per system")
    p.add_argument("--eta", type=real, default=0.001, help="step size eta > 0")
    p.add_argument("--steps", type=positive_int, default=500, help="steps")
    p.add_argument("--seed", type=nonneg_int, default=0, help="random seed")
    p.add_argument("--shift", type=real, default=1.0, help="mean offset of the second start")
    p.add_argument("--flow-eta", type=real, default=None,
                   help="step of the noiseless flow for the monotone-objective check "
                        "(default 1/Lam; the prediction needs eta < 2/Lam)")
    p.add_argument("--flow-steps", type=positive_int, default=200,
                   help="steps of the noiseless flow")
    add_json_flag(p)
    return p


def run(args: argparse.Namespace) -> int:
    from certify.algorithms.pg.analysis import run_pg_crossval

    doc = run_pg_crossval(args.mdp, args.tau, args.sigma, args.kappa, args.width, args.particles,
                      args.eta, args.steps, args.seed, args.shift, args.mu, args.rho,
                      args.flow_eta, args.flow_steps, args.budget)
    if args.json:
        print_json(doc)
    else:
        console.print(f"[bold]coupled particles on {escape(doc['mdp']['name'])}[/]: N = "
                      f"{doc['particles']}, eta = {doc['eta']:g}, {doc['steps']} steps")
        console.print(f"predicted rate beta = {fmt(doc['beta'], 6, 'down')}, empirical rate "
                      f"{fmt(doc['empirical_rate'], 6)}; W2 {fmt(doc['w2_initial'], 6)} -> "
                      f"{fmt(doc['w2_final'], 6)}")
        console.print(f"coupled W2: {styled(doc['checks']['coupled_w2'])}: "
                      f"{doc['coupled_reason']}")
        mono = doc["monotone"]
        console.print(f"monotone objective (noiseless flow, eta = {mono['eta']:.6g}): G_N "
                      f"{fmt(mono['objective_initial'], 8)} -> {fmt(mono['objective_final'], 8)}; "
                      f"{styled(mono['verdict'])}: {mono['reason']}")
        console.print(f"verdict: {styled(doc['verdict'])}")

    from certify.algorithms.pg.monotone import CONSISTENT

    return 0 if doc["verdict"] == CONSISTENT else 1


def styled(verdict: str) -> str:
    """A cross-validation verdict in colour."""
    colour = {"consistent": "green", "violated": "red"}.get(verdict, "yellow")
    return f"[{colour}]{verdict}[/]"
