"""``certify simulate pg MDP``: noisy particle gradient ascent for mean-field PG."""

from __future__ import annotations

import argparse

from certify.cli.common import console, escape, fmt, nonneg_int, positive_int, print_json, real
from certify.cli.pg import add_meanfield

ALGOS: tuple[str, ...] = ("pg",)


def register(algos: argparse._SubParsersAction, algo: str) -> None:
    """Add ``certify simulate ALGO`` (called by the command-registry parser builder)."""
    import sys

    from certify.cli.simulate import add_plugin

    add_plugin(algos, algo, sys.modules[__name__])


def add_arguments(parser: argparse.ArgumentParser, algo: str) -> None:
    add_meanfield(parser)
    parser.add_argument("--particles", type=positive_int, default=512, help="particles N")
    parser.add_argument("--eta", type=real, default=0.01, help="step size eta > 0")
    parser.add_argument("--steps", type=positive_int, default=2000, help="steps")
    parser.add_argument("--seed", type=nonneg_int, default=0, help="random seed")
    parser.add_argument("--plot", metavar="FILE", default=None,
                        help="plot V(rho) along the run against V*_tau(rho)")
    if not any(a.dest == "json" for a in parser._actions):
        parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")


def run(args: argparse.Namespace) -> int:
    from certify.algorithms.pg.analysis import pg_simulate

    doc = pg_simulate(args.mdp, args.tau, args.sigma, args.kappa, args.width, args.particles,
                      args.eta, args.steps, args.seed, args.mu, args.rho)
    if args.plot:
        plot_values(doc, args.plot)
    if args.json:
        print_json(doc)
    else:
        console.print(f"[bold]particle PG on {escape(doc['mdp']['name'])}[/]: N = {doc['particles']}, "
                      f"eta = {doc['eta']:g}, {doc['steps']} steps; V(rho): "
                      f"{fmt(doc['value_initial'], 8)} -> {fmt(doc['value_final'], 8)} "
                      f"(V*_tau(rho) = {fmt(doc['v_star'], 8)})")
    return 0


def plot_values(doc: dict, path: str) -> None:
    from certify.extras import require

    matplotlib = require("matplotlib", "report")

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(doc["values"], label=r"$V_\tau^{\pi_{\nu_k}}(\rho)$")
    ax.axhline(doc["v_star"], color="k", ls="--", label=r"$V^*_\tau(\rho)$")
    ax.set_xlabel("gradient step $k$")
    ax.set_ylabel(r"regularised value $V_\tau(\rho)$ (reward units)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
