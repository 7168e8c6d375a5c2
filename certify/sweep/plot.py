"""The figure of ``certify sweep --plot``: certified rate against a parameter.

One solid line per problem size (the number of states, read from ``mdp.n_states`` when it is
recorded, else from a Garnet name ``garnet:S:A:b:seed``, else the problem name), the mean
over the cells of that size (e.g. over Garnet seeds) of the certified rate; the reference
rate (the row-sum rate of seed 002, Lemma 3) as a dashed line of the same colour.  Rates of
Q-learning sit just below 1, so the y axis shows the contraction gap 1 - rate on a log scale:
higher is faster.  Only rows whose certificate verdict is "certified" contribute to the solid
lines; failed cells are left out.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from certify.errors import InvalidInput

DEFAULT_Y = "direct_jsr.upper"
DEFAULT_REF = "row_sum_rate"
DEFAULT_VERDICT = "direct_jsr.certificate.verdict"


def _size(row: dict[str, Any]) -> str:
    if row.get("mdp.n_states") not in (None, ""):
        return f"|S| = {int(float(row['mdp.n_states']))}"
    name = str(row.get("mdp", ""))
    if name.startswith("garnet:"):
        return f"|S| = {name.split(':')[1]}"
    return name


def _num(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def curves(rows: Sequence[dict[str, Any]], x: str, y: str, ref: str | None,
           verdict: str | None) -> dict[str, dict[str, list[tuple[float, float]]]]:
    """Per size: sorted (x, mean y) for the certified rows and (x, mean ref) for all rows."""
    acc: dict[tuple[str, str, float], list[float]] = defaultdict(list)
    for r in rows:
        if r.get("error"):
            continue
        xv = _num(r.get(x))
        if verdict is None or str(r.get(verdict)) == "certified":
            acc[(_size(r), "y", xv)].append(_num(r.get(y)))
        if ref is not None:
            acc[(_size(r), "ref", xv)].append(_num(r.get(ref)))
    out: dict[str, dict[str, list[tuple[float, float]]]] = defaultdict(lambda: {"y": [], "ref": []})
    for (size, kind, xv), vals in sorted(acc.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])):
        good = [v for v in vals if math.isfinite(v)]
        if good and math.isfinite(xv):
            out[size][kind].append((xv, sum(good) / len(good)))
    return dict(out)


def plot_sweep(rows: Sequence[dict[str, Any]], path: str | Path, x: str = "alpha", y: str = DEFAULT_Y,
               ref: str | None = DEFAULT_REF, verdict: str | None = DEFAULT_VERDICT) -> Path:
    """Write the figure to ``path`` (any extension matplotlib knows: .png, .pdf, .svg)."""
    from certify.extras import require

    matplotlib = require("matplotlib", "report")

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if rows and any(k not in rows[0] for k in (x, y)):
        raise InvalidInput(f"--plot: the rows have no column {x!r} or {y!r}; record {y} and use a "
                           f"grid with an axis {x!r}")
    data = curves(rows, x, y, ref if rows and ref in rows[0] else None,
                  verdict if rows and verdict in rows[0] else None)
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for i, (size, c) in enumerate(sorted(data.items())):
        color = f"C{i % 10}"
        if c["y"]:
            xs, ys = zip(*c["y"], strict=True)
            ax.plot(xs, [max(1 - v, 1e-300) for v in ys], "o-", color=color, label=f"{size}, certified")
        if c["ref"]:
            xs, ys = zip(*c["ref"], strict=True)
            ax.plot(xs, [max(1 - v, 1e-300) for v in ys], "--", color=color, label=f"{size}, {ref}")
    ax.set_xlabel(r"step size $\alpha$" if x == "alpha" else x)
    ax.set_ylabel("1 - rate (log scale; higher is faster)")
    ax.set_title(f"solid: {y} (certified cells), dashed: {ref}", fontsize="small")
    ax.set_yscale("log")
    ax.grid(True, which="both", alpha=0.3)
    if data:  # below the axes, off the lines
        ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2,
                  frameon=False)
    path = Path(path)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return path
