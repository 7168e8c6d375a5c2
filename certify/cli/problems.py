"""``certify examples`` and ``certify show NAME``: the built-in problem instances."""

from __future__ import annotations

import argparse

from certify.cli.common import add_json_flag, console, print_json, problem_spec, table


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("examples", help="list the built-in problem instances")
    add_json_flag(p)
    p.set_defaults(handler=run_examples)
    q = sub.add_parser("show", help="print one problem instance (built-in name or file)")
    q.add_argument("name", metavar="NAME", type=problem_spec)
    add_json_flag(q)
    q.set_defaults(handler=run_show)


def run_examples(args: argparse.Namespace) -> int:
    from certify.mdp.builtins import BUILTINS, GARNET_FORM

    rows = []
    for name, build in BUILTINS.items():
        pr = build()
        rows.append([name, pr.mdp.n_states, pr.mdp.n_actions, pr.mdp.gamma, pr.description])
    rows.append([GARNET_FORM, "S", "A", 0.9, "random Garnet MDP, e.g. garnet:100:4:3:0"])
    if args.json:
        print_json([dict(zip(["name", "n_states", "n_actions", "gamma", "description"], r,
                             strict=True)) for r in rows])
    else:
        console.print(table("Built-in problems", ["name", "states", "actions", "gamma",
                                                  "description"], rows))
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
