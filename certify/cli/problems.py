"""``certify examples`` and ``certify show NAME``: the built-in problem instances."""

from __future__ import annotations

import argparse

from certify.cli.common import add_json_flag, console, print_json, problem_spec, table


def register_examples(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("examples", help="list the built-in problem instances",
                       description="List the built-in problems (usable wherever a command "
                                   "takes MDP or PROBLEM) and the packaged JSR gallery "
                                   "families, claims files and sweep grids, by name.")
    add_json_flag(p)
    p.set_defaults(handler=run_examples)


def register_show(sub: argparse._SubParsersAction) -> None:
    q = sub.add_parser("show", help="print one problem instance (built-in name or file)",
                       description="Print the data of one problem: gamma, P, R, names and "
                                   "sampling (as a problem file would hold them).")
    q.add_argument("name", metavar="NAME", type=problem_spec,
                   help="a built-in name (see `certify examples`) or a problem file (.yaml, "
                        ".json, .npz)")
    add_json_flag(q)
    q.set_defaults(handler=run_show)


EXAMPLES: dict[str, tuple[int, int, float, str]] = {
    "seed-sls": (2, 2, 0.9, "2 states, 2 actions, non-uniform i.i.d. sampling, gamma = 0.9."),
    "random-walk-5": (5, 2, 0.9,
                      "5-state random walk (continuing, restart in C), tabular features"),
    "boyan-chain": (13, 1, 0.95, "Boyan chain, 13 states, 4 hat features (continuing version)"),
    "baird-star": (7, 2, 0.99, "Baird's star: 7 states, off-policy counterexample for TD(0)"),
}
"""States, actions, discount and description of each built-in problem, as listed by
``certify examples`` without building them (a test keeps this in step with
:data:`certify.mdp.builtins.BUILTINS`)."""
GARNET_FORM = "garnet:S:A:branching:seed"


def run_examples(args: argparse.Namespace) -> int:
    rows: list[list] = [[name, *row] for name, row in EXAMPLES.items()]
    rows.append([GARNET_FORM, "S", "A", 0.9, "random Garnet MDP, e.g. garnet:100:4:3:0"])
    from certify.data import names

    if args.json:  # everything the table shows: the problems and the packaged files
        print_json({"problems": [dict(zip(["name", "n_states", "n_actions", "gamma",
                                           "description"], r, strict=True)) for r in rows],
                    "packaged": {"families": names("families"), "claims": names("claims"),
                                 "sweeps": names("sweeps")}})
    else:
        console.print(table("Built-in problems", ["name", "states", "actions", "gamma",
                                                  "description"], rows))
        console.print(table("Packaged files (by name, after pip install)", ["kind", "names", "use"],
                            [["JSR gallery", ", ".join(names("families")), "certify jsr NAME"],
                             ["claims", ", ".join(names("claims")), "certify check --example NAME"],
                             ["sweep grids", ", ".join(names("sweeps")),
                              "certify sweep --example NAME -o OUT.csv"]]))
    return 0


def run_show(args: argparse.Namespace) -> int:
    from certify.mdp import load_problem

    pr = load_problem(args.name)
    doc = pr.to_dict()
    if args.json:
        print_json(doc)
        return 0
    import yaml

    console.print(yaml.safe_dump(doc, sort_keys=False, default_flow_style=None, width=100),
                  markup=False, highlight=False)
    return 0
