"""``certify sa check SYSTEM.yaml``: a user-defined N-timescale linear SA (seed 003)."""

from __future__ import annotations

from certify.cli.common import console, emit, fmt, table, verdict_text


def run_system(path: str, exponents: str | None, as_json: bool) -> int:
    """Check the system file at ``path`` and print the report; exit code from the verdict."""
    from certify.algorithms.td.user_system import check_system, load_system

    res = check_system(load_system(path), exponents)
    return emit(res.to_dict(), lambda: render(res), as_json, [res.verdict])


def render(res) -> None:
    s = res.system
    console.print(f"[bold]{s.name}[/]: user-defined linear SA, {s.n_timescales} timescale(s), "
                  "exponents " + ", ".join(str(e) for e in res.exponents))
    lv = {d["level"]: d for d in res.levels}
    console.print(table("Timescales (fastest first)", ["level", "iterate", "dim", "exponent",
                                                       "Hurwitz margin"],
                        [[i + 1, v, d, str(e), fmt(lv.get(i + 1, {}).get("margin"), 4)
                          + (" (fragile)" if lv.get(i + 1, {}).get("fragile") else "")]
                         for i, (v, d, e) in enumerate(zip(s.variables, s.dims, res.exponents,
                                                           strict=True))]))
    status = {True: "[green]holds[/]", False: "[red]fails[/]", None: "[yellow]undecided[/]"}
    console.print(table("Conditions", ["condition", "status", "detail"],
                        [[c.name, status[c.holds], c.detail] for c in res.conditions]))
    if res.limit_exact is not None:
        # the equilibrium is the limit only where convergence is certified
        label = ("limit x*" if res.verdict.value == "certified"
                 else f"equilibrium x* (a limit only if certified; check {res.verdict.value})")
        console.print(f"{label} = [" + ", ".join(res.limit_exact) + "]")
    if res.failing:
        console.print("[red]failing:[/] " + "; ".join(res.failing))
    console.print(f"overall verdict: {verdict_text(res.verdict)}")
