"""``certify ntk check|network|sweep|model``: Theorem 2 of Achiam et al. for kernels and Q-networks."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from certify.cli.common import (
    add_json_flag,
    add_problem_argument,
    add_sampling_argument,
    console,
    emit,
    escape,
    exit_code,
    fmt,
    nonneg_int,
    positive_int,
    print_json,
    real,
    table,
    verdict_text,
)


def _int_list(text: str) -> list[int]:
    try:
        vals = [int(v) for v in text.split(",") if v.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, found {text!r}") from exc
    if not vals or min(vals) < 0:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers >= 0, found {text!r}")
    return vals


INIT_CHOICES = ("auto", "he", "lecun", "glorot", "torch")
INIT_HELP = ("weight init: auto (He for relu, else LeCun; Gaussian, zero biases), he, lecun, glorot, "
             "or torch (PyTorch's nn.Linear default: uniform weights and biases)")


def _str_list(text: str) -> list[str]:
    return [v.strip() for v in text.split(",") if v.strip()]


def _network_args(p: argparse.ArgumentParser) -> None:
    add_problem_argument(p)
    p.add_argument("--alpha", type=real, default=0.01,
                   help="step size alpha > 0 of the function-space update (default 0.01)")
    add_sampling_argument(p)
    p.add_argument("--features", choices=("onehot", "state-action"), default="onehot",
                   help="network inputs: one-hot pairs or [one-hot state, one-hot action]")
    p.add_argument("--input-scale", type=real, default=1.0,
                   help="multiply the input features by this factor > 0 (a scaled input layer)")


def add_group(sub: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """The ``certify ntk`` parser; its actions come from the registry."""
    p = sub.add_parser("ntk", help="NTK view of deep Q-learning: Theorem 2 conditions",
                       description="Theorem 2 of Achiam, Knight and Abbeel (arXiv 1903.08894): "
                                   "conditions (16), (17) and the modulus beta(K), checked exactly.")
    ntk = p.add_subparsers(dest="ntk_command", metavar="{check,network,sweep,model}")
    ntk.required = True
    return ntk


def register_check(ntk: argparse._SubParsersAction, name: str = "check") -> None:
    c = ntk.add_parser(name, help="Theorem 2 for a given kernel K and replay distribution rho",
                       description="K and rho files: .npy, .npz (key K / rho), .json (a list or "
                                   "{'K': ...}; 'p/q' strings are exact rationals), .csv.")
    c.add_argument("kernel", metavar="K", help="kernel file (.npy, .npz, .json, .csv)")
    c.add_argument("--rho", required=True, metavar="FILE",
                   help="replay distribution file (same formats)")
    c.add_argument("--gamma", type=real, required=True, help="discount in [0, 1)")
    c.add_argument("--alpha", type=real, required=True, help="step size > 0")
    c.add_argument("--save-certificate", metavar="FILE", type=Path,
                   help="when certified, write the certificate as JSON (re-check: certify verify)")
    add_json_flag(c)
    c.set_defaults(handler=run_check)


def register_network(ntk: argparse._SubParsersAction, name: str = "network") -> None:
    n = ntk.add_parser(name, help="empirical NTK of an MLP Q-network on an MDP",
                       description="Build the empirical NTK of a randomly initialised MLP over "
                                   "the MDP's state-action pairs, decide Theorem 2's conditions "
                                   "(16), (17) exactly, and probe the operator U3 against beta.")
    _network_args(n)
    n.add_argument("--arch", choices=("mlp",), default="mlp", help="architecture (default mlp)")
    n.add_argument("--width", type=positive_int, default=64, help="units per hidden layer (default 64)")
    n.add_argument("--depth", type=nonneg_int, default=2, help="hidden layers (0: linear model)")
    n.add_argument("--activation", choices=("relu", "tanh", "sin", "linear"), default="relu",
                   help="activation of the hidden layers (default relu)")
    n.add_argument("--init", choices=("auto", "he", "lecun", "glorot", "torch"), default="auto",
                   help="weight init; torch: PyTorch's nn.Linear default (uniform, with biases)")
    n.add_argument("--seed", type=nonneg_int, default=0,
                   help="integer seed >= 0 of the weights and probes (default 0)")
    n.add_argument("--probes", type=positive_int, default=200, help="probe pairs for the ratio")
    n.add_argument("--iterations", type=nonneg_int, default=50, help="iterations of U3")
    add_json_flag(n)
    n.set_defaults(handler=run_network)


def register_sweep(ntk: argparse._SubParsersAction, name: str = "sweep") -> None:
    s = ntk.add_parser(name, help="kernel statistics and Theorem 2 over architectures",
                       description="For every width x depth x activation x seed, the "
                                   "empirical NTK's diagonal, row ratio, beta and Theorem 2's "
                                   "verdict, as in `certify ntk network`.")
    _network_args(s)
    s.add_argument("--widths", type=_int_list, default=[32, 64, 128, 256],
                   help="comma-separated hidden widths (default 32,64,128,256)")
    s.add_argument("--depths", type=_int_list, default=[1, 2, 4],
                   help="comma-separated numbers of hidden layers (default 1,2,4)")
    s.add_argument("--activations", type=_str_list, default=["relu", "tanh", "sin"],
                   help="comma-separated, from relu, tanh, sin, linear (default relu,tanh,sin)")
    s.add_argument("--seeds", type=_int_list, default=[0],
                   help="comma-separated integer seeds >= 0 of the weights (default 0)")
    s.add_argument("--init", choices=INIT_CHOICES, default="auto", help=INIT_HELP)
    s.add_argument("--plot", metavar="FILE", type=Path, help="write the plot (png, pdf, svg)")
    add_json_flag(s)
    s.set_defaults(handler=run_sweep)


def run_check(args: argparse.Namespace) -> int:
    from certify.algorithms.ntk.inputs import load_array
    from certify.algorithms.ntk.theorem2 import analyze_ntk
    from certify.certificates.ntk import NTKContractionCertificate

    res = analyze_ntk(load_array(args.kernel, "K"), load_array(args.rho, "rho"), args.gamma, args.alpha)
    doc = res.to_dict()
    if args.save_certificate is not None and res.verdict.value == "certified":
        d = res.data
        cert = NTKContractionCertificate(d.k, d.rho, d.gamma, d.alpha, res.beta)
        args.save_certificate.write_text(json.dumps(cert.to_dict(cert.verify())))
        doc["certificate_file"] = str(args.save_certificate)
    title = f"Theorem 2 for K = {escape(str(args.kernel))}"
    return emit(doc, lambda: render_theorem(doc, title), args.json, [res.verdict])


def render_theorem(doc: dict, title: str, label: str = "verdict") -> None:
    """Theorem 2's conditions and verdict; ``label`` names the verdict line (a command with an
    overall verdict of its own calls this one "Theorem 2 verdict", so that the two verdicts
    it prints are not read as one contradicting the other)."""
    c16, c17 = doc["condition_16"], doc["condition_17"]

    def holds(c: dict) -> str:
        return f"{c['holds']} (fragile)" if c.get("fragile") else str(c["holds"])

    rows = [
        ["(16) alpha K_ii rho_i < 1", holds(c16), c16["worst_row"], fmt(c16["margin"], 8, "down")],
        ["(17) (1+g) sum |K_ij| rho_j <= (1-g) K_ii rho_i", holds(c17), c17["worst_row"],
         fmt(c17["margin"], 8, "down")],
    ]
    console.print(f"[bold]{title}[/]: n = {doc['n']}, gamma = {doc['gamma']:.12g}, "
                  f"alpha = {doc['alpha']:g}")
    console.print(table("Conditions (exact)", ["condition", "holds", "worst row", "margin"], rows))
    rr = doc["row_ratio"]
    console.print(f"beta(K) = {fmt(doc['beta'], 12, 'up')} (binding rows {doc['beta_rows'][:10]}); "
                  f"largest alpha for (16): < {fmt(doc['alpha_max_16'], 8, 'down')}; row ratio "
                  f"mean {fmt(sum(rr) / len(rr), 6)}, max {fmt(max(rr), 6)}")
    console.print(escape(str(doc["reason"])))
    if c16.get("fragile") or c17.get("fragile"):
        console.print("[yellow]fragile[/]: a condition holds by less than rounding of its terms "
                      "(exact for the numbers given; a one-ulp change of the input could flip it, "
                      "e.g. 1/3 given as a double: give it as \"1/3\")")
    console.print(f"{label}: {verdict_text(doc['verdict'])} ({doc['status']})")


def run_network(args: argparse.Namespace) -> int:
    from certify.algorithms.ntk.network import analyze_ntk_network
    from certify.cli.common import load_problem_and_sampling
    from certify.verdict import Verdict

    problem, sampling = load_problem_and_sampling(args)
    res = analyze_ntk_network(problem, sampling.d, args.alpha, args.width, args.depth, args.activation,
                          args.seed, args.features, args.init, args.probes, args.iterations,
                          args.input_scale)
    doc = res.to_dict()
    if args.json:
        print_json(doc)
    else:
        net = doc["network"]
        render_theorem({**doc, "verdict": doc["theorem2_verdict"]},
                       f"MLP width {net['width']}, depth {net['depth']}, {net['activation']} on "
                       f"{escape(str(doc['mdp']))}", label="Theorem 2 verdict")
        lip = doc["empirical_lipschitz"]
        it = doc["u3_iteration"]
        console.print(f"empirical Lipschitz ratio of U3: {fmt(lip['ratio'], 8)} over "
                      f"{lip['n_pairs']} probe pairs ({lip['worst_kind']}); beta = "
                      f"{fmt(doc['beta'], 8, 'up')}")
        console.print(f"U3 iterated {len(it['betas'])} times: ||Q_k - Q*|| from "
                      f"{fmt(it['errors'][0], 6)} to {fmt(it['errors'][-1], 6)}; Theorem 3 bound "
                      f"{'holds' if it['holds'] else 'BROKEN'}")
        for note in doc["notes"]:
            console.print(f"[yellow]note:[/] {escape(str(note))}")
        console.print(f"overall verdict: {verdict_text(doc['verdict'])}")
    return exit_code([Verdict(doc["verdict"])])


def run_sweep(args: argparse.Namespace) -> int:
    from certify.algorithms.ntk.sweep import COLUMNS, ntk_sweep, plot_sweep
    from certify.cli.common import load_problem_and_sampling
    from certify.verdict import Verdict

    problem, sampling = load_problem_and_sampling(args)
    res = ntk_sweep(problem, sampling.d, args.alpha, args.widths, args.depths, args.activations,
                    args.seeds, args.features, args.input_scale, args.init)
    doc = res.to_dict()
    if args.plot is not None:
        doc["plot"] = str(plot_sweep(res, args.plot))
    if args.json:
        print_json(doc)
    else:
        cols = [c for c in COLUMNS if c != "status"]
        heads = {"activation": "act", "diag_mean": "diag", "offdiag_abs_mean": "|off|",
                 "row_ratio_mean": "ratio", "alpha_max_16": "alpha16"}
        rows = [[r[c] if not isinstance(r[c], float) else fmt(r[c], 4) for c in cols]
                for r in doc["rows"]]
        console.print(table(f"NTK sweep on {escape(str(doc['mdp']))} (alpha = {args.alpha:g})",
                            [heads.get(c, c) for c in cols], rows))
        if args.plot is not None:
            console.print(f"plot written to {doc['plot']}")
    return exit_code([Verdict(doc["verdict"])])
