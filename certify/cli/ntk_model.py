"""``certify ntk model FILE.py:OBJECT (--env NAME | --mdp PROBLEM | --buffer FILE.npz)``.

Theorem 2 of Achiam, Knight and Abbeel (arXiv 1903.08894) for the user's own PyTorch or JAX
Q-network (:mod:`certify.algorithms.ntk.model`): its empirical NTK over the state-action pairs, the exact
check of (16), (17) and beta(K) as ``certify ntk check`` does, the worst rows with their
diagonal-dominance ratios and, with ``--train N``, whether N expected DQN updates diverge.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from certify.cli.common import (
    add_json_flag,
    console,
    exit_code,
    fmt,
    nonneg_int,
    positive_int,
    print_json,
    problem_spec,
    real,
    table,
)


def register_model(ntk: argparse._SubParsersAction, name: str = "model") -> None:
    """Add ``ntk model`` to the ``ntk`` subcommands."""
    m = ntk.add_parser(name, help="Theorem 2 for your own PyTorch / JAX Q-network",
                       description="OBJECT in FILE.py is a torch.nn.Module, a JAX pair (apply, params), "
                                   "or a function of no arguments returning one.  A multi-head "
                                   "network maps state features to |A| Q-values; a single-head one "
                                   "maps [state features, one-hot action] to one value.")
    m.add_argument("model", metavar="FILE.py:OBJECT", help="the Python file and the name of the network")
    src = m.add_mutually_exclusive_group(required=True)
    src.add_argument("--env", metavar="NAME",
                     help="a Gymnasium environment exposing P (FrozenLake-v1 works without gymnasium)")
    src.add_argument("--mdp", metavar="PROBLEM", type=problem_spec,
                     help="a problem file or built-in name (rho: its sampling distribution)")
    src.add_argument("--buffer", metavar="FILE.npz",
                     help="a replay buffer: states, actions, rewards, next_states, dones")
    m.add_argument("--gamma", type=real, help="discount in [0, 1) (required with --env and --buffer)")
    m.add_argument("--alpha", type=real, default=0.01,
                   help="step size alpha > 0 of the function-space update (default 0.01)")
    m.add_argument("--rho", metavar="FILE", help="replay distribution over the pairs (--env, --mdp)")
    m.add_argument("--state-features", metavar="FILE",
                   help="inputs of the states, one row per state (--env, --mdp; default one-hot)")
    m.add_argument("--n-states", type=positive_int,
                   help="--buffer with integer states: one-hot length (default largest id + 1)")
    m.add_argument("--n-actions", type=positive_int,
                   help="--buffer: number of actions (default largest action + 1)")
    m.add_argument("--kind", choices=("auto", "multi-head", "single-head"), default="auto",
                   help="multi-head: state features -> |A| Q-values; single-head: [state "
                        "features, one-hot action] -> one value (default auto: from the shapes)")
    m.add_argument("--dtype", choices=("float64", "float32"), default="float64",
                   help="precision of the kernel (default float64)")
    m.add_argument("--method", choices=("jacobian", "ntvp"), default="jacobian",
                   help="kernel by chunks of the Jacobian (default) or by NTK-vector products "
                        "(vjp then jvp; for models too large for Jacobian chunks)")
    m.add_argument("--train", metavar="N", type=nonneg_int, default=0,
                   help="then run N expected DQN updates and report whether Q diverged")
    m.add_argument("--save-certificate", metavar="FILE", type=Path,
                   help="when certified, write the certificate (K, rho, gamma, alpha, beta) as JSON "
                        "(re-check: certify verify)")
    add_json_flag(m)
    m.set_defaults(handler=run_model)


def run_model(args: argparse.Namespace) -> int:
    import numpy as np

    from certify.algorithms.ntk.inputs import load_array
    from certify.algorithms.ntk.model import check_q_network, load_model_object
    from certify.certificates.ntk import NTKContractionCertificate
    from certify.cli.common import check_output_options
    from certify.errors import InvalidInput
    from certify.verdict import Verdict

    if args.mdp is None and args.gamma is None:
        raise InvalidInput(f"--gamma is required with {'--env' if args.env else '--buffer'}")
    if args.buffer is not None and (args.rho or args.state_features):
        raise InvalidInput("--rho and --state-features come from the buffer itself; drop them")
    check_output_options(args)
    obj = load_model_object(args.model)
    rho = None if args.rho is None else np.asarray(load_array(args.rho, "rho"), dtype=float)
    feats = None if args.state_features is None else load_array(args.state_features, "features")
    res = check_q_network(obj, alpha=args.alpha, mdp=args.mdp, env=args.env, buffer=args.buffer,
                          gamma=args.gamma, rho=rho, state_features=feats, kind=args.kind,
                          dtype=args.dtype, train=args.train, n_states=args.n_states,
                          n_actions=args.n_actions, method=args.method)
    doc = res.to_dict()
    if args.save_certificate is not None and res.verdict.value == "certified":
        d = res.theorem.data
        cert = NTKContractionCertificate(d.k, d.rho, d.gamma, d.alpha, res.theorem.beta)
        args.save_certificate.write_text(json.dumps(cert.to_dict(cert.verify())))
        doc["certificate_file"] = str(args.save_certificate)
    if args.json:
        print_json(doc)
    else:
        render_model(doc, args.model)
    return exit_code([Verdict(doc["verdict"])])


def render_model(doc: dict, label: str) -> None:
    from certify.cli.ntk import render_theorem

    render_theorem(doc,
                   f"{label} ({doc['framework']}, {doc['kind']}, {doc['n_params']} parameters) on "
                   f"{doc['source']} {doc['name']}")
    rows = [[r["row"], r["state"], r["action"], fmt(r["K_ii"], 6), fmt(r["rho"], 4),
             fmt(r["dominance_ratio"], 6), fmt(r["beta_row"], 8)] for r in doc["worst_rows"]]
    console.print(table("Worst rows ((17) holds iff dominance <= 1)",
                        ["row", "state", "action", "K_ii", "rho", "dominance", "beta_i"], rows))
    for note in doc["notes"]:
        console.print(f"[yellow]note:[/] {note}")
    tr = doc["training"]
    if tr is not None:
        err = (f"; ||Q - Q*|| {fmt(tr['error_initial'], 6)} -> {fmt(tr['error_final'], 6)}"
               if "error_initial" in tr else "")
        state = "DIVERGED" if tr["diverged"] else "did not diverge"
        console.print(f"expected DQN update, {tr['steps_run']}/{tr['steps_requested']} steps: "
                      f"{state}; ||Q|| {fmt(tr['q_norm_initial'], 6)} -> {fmt(tr['q_norm_final'], 6)}"
                      f"{err} (the verdict above is Theorem 2's at the given weights)")
