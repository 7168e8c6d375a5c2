"""Seed 003, Section 5.3, on the published problems: episodic random walk and Boyan chain.

The seed's experiment names the 5-state random walk of Sutton et al. (2009, "Fast
gradient-descent methods for temporal-difference learning with linear function
approximation", its [31]) and Boyan's chain (Boyan 2002, its [11]); its text gives neither
gamma, the start states nor the features, so they are the cited papers':

* random walk: states A..E, start in C, left/right with probability 1/2, episodes end off
  either end, reward 1 off the right end and 0 otherwise, gamma = 1 (episodic); features
  tabular (5), inverted (5: phi_i(s) = 1/2 for i != s, 0 for i = s) and dependent (3:
  (1,0,0), (1,1,0)/sqrt2, (1,1,1)/sqrt3, (0,1,1)/sqrt2, (0,0,1)); true values 1/6 .. 5/6;
* Boyan chain: states 12 .. 1 and the terminal 0, start at 12, from s >= 2 to s-1 or s-2
  with probability 1/2 (reward -3), from 1 to 0 (reward -2), gamma = 1; four hat features
  with peaks at 12, 8, 4, 0 (Boyan's representation; V(s) = -2 s exactly, so theta* =
  (-24, -16, -8, 0) and the RMSPBE at theta* is 0).

RMSPBE = sqrt((b + A theta)^T C^{-1} (b + A theta)) with the on-policy weights D = the
expected visits per episode (normalised), A = Phi^T D (P - I) Phi over the nonterminal
states, recorded after every episode; theta_0 = 0, u_0 = 0.  All algorithms of a run see
the same trajectory (common random numbers), so differences between them are paired.

Reading of Table 1.  The printed rows (random walk: vanilla 0.4, 0.4; three timescales 0.4,
0.4, 0.5; four 0.4, 0.4, 0.5, 0.25; Boyan: 0.4, 0.4 / 0.35, 0.35, 0.45 / 0.35, 0.35, 0.45,
0.35) cannot be read so that the timescales are strictly ordered: every row has two equal
entries, and the only readings without a tie (the row gives alpha and varrho, and xi =
alpha/varrho is derived) make xi grow, since alpha's exponent 0.4 is below varrho's 0.5.
Two readings are therefore run:

* ``printed``: the row as the exponents of (xi, beta, varrho) on three timescales and (xi,
  xi', varrho, varrho') on four, placed on the iterates fastest first as the checker orders
  them ((v, u, theta) and (v, y, u, theta)); vanilla (beta, alpha) = (0.4, 0.4), the
  constant ratio beta/alpha of Sutton et al. 2009;
* ``ordered``: the same placement, each exponent that ties or undercuts the one before it
  raised to 0.05 above it, so that a_{i+1}(n)/a_i(n) -> 0 (the ordering part of (A:3)) holds;
  the table's smallest exponent is kept.

The momentum constant w is not in the table.  For each problem, feature set and momentum
algorithm it is chosen from ``--w-grid`` by the smallest mean RMSPBE over the episodes on
separate tuning runs (seed + 1), then the reported runs (seed) use it: a w per algorithm and
problem, as a tuned parameter, with no selection advantage on the reported runs.

Beside each table algorithm, ``sa check``'s conditions on the episodic chain's exact mean
field (the i.i.d. model) are printed: every level is Hurwitz on all four panels, the
verdict is inconclusive because (A:3) fails (no exponent exceeds 1/2, so no step is square
summable; the printed reading also fails the ordering).

Run: python examples/gtd_momentum_published.py [--runs 100] [--episodes 1000] [--out FILE]
     python examples/gtd_momentum_published.py --quick   (what the test runs, a few seconds)
"""

from __future__ import annotations

import argparse
import sys
import warnings
from dataclasses import dataclass

import numpy as np

from certify.algorithms.td.algorithms import get_algorithm
from certify.algorithms.td.linear import chain_quantities
from certify.algorithms.td.simulate import algorithm_steps
from certify.algorithms.td.stepsizes import parse_exponents

ALGOS = ("td0", "gtd2", "tdc", "gtd2-m3", "tdc-m3", "gtd2-m4", "tdc-m4")
#: seed 003, Table 1 as printed: vanilla, three timescales, four timescales
TABLE = {"random-walk": ((0.4, 0.4), (0.4, 0.4, 0.5), (0.4, 0.4, 0.5, 0.25)),
         "boyan": ((0.4, 0.4), (0.35, 0.35, 0.45), (0.35, 0.35, 0.45, 0.35))}
READINGS = ("printed", "ordered")
GAP = 0.05
W_GRID = (0.1, 0.25, 0.5, 1.0, 2.0)
DIVERGENCE_FACTOR = 1e6


@dataclass(frozen=True)
class Episodic:
    """An episodic chain: two branches per state (next index, -1 = terminal; probability;
    reward), features of the nonterminal states and the start state."""

    name: str
    nxt: np.ndarray
    prob: np.ndarray
    reward: np.ndarray
    phi: np.ndarray
    start: int

    def quantities(self, exact: bool = False):
        """A, b, C, theta* (gamma = 1) with D = the normalised expected visits per episode
        (floats, or exact rationals with ``exact``), and the visits."""
        S = self.phi.shape[0]
        P = np.zeros((S, S))
        for s in range(S):
            for j in range(2):
                if self.nxt[s, j] >= 0:
                    P[s, self.nxt[s, j]] += self.prob[s, j]
        r = (self.prob * self.reward).sum(1)
        visits = np.linalg.solve((np.eye(S) - P).T, np.eye(S)[self.start])
        return chain_quantities(P, r, self.phi, 1.0, visits / visits.sum(), exact=exact), visits


def random_walk(features: str) -> Episodic:
    """Sutton et al. (2009)'s 5-state random walk with its three feature sets."""
    S = 5
    nxt = np.array([[s - 1, s + 1] for s in range(S)])
    nxt[nxt >= S] = -1
    reward = np.zeros((S, 2))
    reward[S - 1, 1] = 1.0
    if features == "tabular":
        phi = np.eye(S)
    elif features == "inverted":
        phi = 0.5 * (1.0 - np.eye(S))
    elif features == "dependent":
        phi = np.array([[1, 0, 0], [1, 1, 0], [1, 1, 1], [0, 1, 1], [0, 0, 1]], dtype=float)
        phi /= np.linalg.norm(phi, axis=1, keepdims=True)
    else:
        raise ValueError(features)
    return Episodic(f"random walk, {features}", nxt, np.full((S, 2), 0.5), reward, phi, 2)


def boyan_chain() -> Episodic:
    """Boyan's 13-state chain (12 nonterminal states, index s - 1 for state s), 4 hat features."""
    S = 12
    nxt = np.array([[s - 2, s - 3] for s in range(1, S + 1)])  # state s -> s-1, s-2 as indices
    nxt[nxt < 0] = -1
    prob = np.full((S, 2), 0.5)
    reward = np.full((S, 2), -3.0)
    reward[0] = -2.0  # state 1 -> 0 (both branches end the episode)
    phi = np.zeros((S, 4))
    for i in range(S):
        s = i + 1
        for k, c in enumerate((12, 8, 4, 0)):
            phi[i, k] = max(0.0, 1.0 - abs(s - c) / 4.0)
    return Episodic("Boyan chain", nxt, prob, reward, phi, S - 1)


PANELS = {"rw-tabular": ("random-walk", lambda: random_walk("tabular")),
          "rw-inverted": ("random-walk", lambda: random_walk("inverted")),
          "rw-dependent": ("random-walk", lambda: random_walk("dependent")),
          "boyan": ("boyan", boyan_chain)}


def printed_exponents(algo: str, row: tuple) -> tuple[float, ...]:
    """The table's exponents on the algorithm's iterates, fastest first (module docstring)."""
    vanilla, three, four = row
    if algo == "td0":
        return (vanilla[0],)
    if algo in ("gtd2", "tdc"):
        return (vanilla[1], vanilla[0])
    if algo.endswith("-m3"):
        return tuple(three)
    return (four[0], four[1], four[3], four[2])


def ordered(ex: tuple[float, ...], gap: float = GAP) -> tuple[float, ...]:
    """Raise each exponent that ties or undercuts its predecessor to ``gap`` above it."""
    out = [ex[0]]
    for e in ex[1:]:
        out.append(round(max(e, out[-1] + gap), 10))
    return tuple(out)


def exponents_for(algo: str, table_row: tuple, reading: str) -> tuple[float, ...]:
    ex = printed_exponents(algo, table_row)
    return ordered(ex) if reading == "ordered" else ex


def ordering_holds(ex: tuple[float, ...]) -> bool:
    """The ordering part of (A:3): a_{i+1}(n)/a_i(n) = (n+1)^(e_i - e_{i+1}) -> 0 iff
    e_{i+1} > e_i (the checker's :func:`~certify.algorithms.td.stepsizes.ratio_fact`)."""
    return all(b > a for a, b in zip(ex, ex[1:], strict=False))


@dataclass(frozen=True)
class Config:
    algo: str
    exponents: tuple[float, ...]
    w: float
    scales: tuple[float, ...] | None = None
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.algo


def matched_vanilla(c: Config) -> Config:
    """The vanilla base of momentum config ``c`` at the heavy ball's effective steps.

    With eta_t ~ 1 - w xi_t the heavy ball moves theta by about alpha_t / (1 - eta_t) =
    varrho_t / w per unit drift once the velocity has settled; the control runs GTD2 / TDC
    with theta-step varrho_n / w and the momentum algorithm's u-step (beta_n on three
    timescales, varrho'_n / w on four), so that a difference left is due to momentum, not
    to a larger step."""
    base = c.algo.split("-")[0]
    if c.algo.endswith("-m3"):
        ex, sc = (c.exponents[1], c.exponents[2]), (1.0, 1.0 / c.w)
    else:
        ex, sc = (c.exponents[2], c.exponents[3]), (1.0 / c.w, 1.0 / c.w)
    return Config(base, ex, 1.0, sc, f"{base}@{c.algo.split('-')[1]}")


def simulate(env: Episodic, configs: list[Config], runs: int, episodes: int, seed: int,
             td=None) -> np.ndarray:
    """RMSPBE after each episode (0 = before the first): array (configs, runs, episodes + 1).

    Every configuration of run r follows run r's trajectory (drawn from ``seed``)."""
    td0, visits = env.quantities()
    td = td0 if td is None else td
    k = env.phi.shape[1]
    n_c = len(configs)
    mean_len = float(visits.sum())
    T = int(3 * episodes * mean_len + 2000)
    steps = [algorithm_steps(get_algorithm(c.algo),
                             parse_exponents(list(c.exponents), len(c.exponents), c.algo),
                             c.scales or (1.0,) * len(c.exponents), T, c.w) for c in configs]
    alpha = np.array([s.alpha for s in steps])
    beta = np.array([s.beta for s in steps])
    eta = np.array([s.eta for s in steps])
    eta2 = np.array([s.eta2 for s in steps])
    base = [get_algorithm(c.algo).base for c in configs]
    c_td = np.array([b == "td0" for b in base], dtype=float)[:, None, None]
    c_g2 = np.array([b == "gtd2" for b in base], dtype=float)[:, None, None]
    c_tdc = np.array([b == "tdc" for b in base], dtype=float)[:, None, None]
    phi_ext = np.vstack([env.phi, np.zeros((1, k))])  # row -1: the terminal state, phi = 0
    Cinv = np.linalg.pinv(td.C)
    rng = np.random.default_rng(seed)
    theta = np.zeros((n_c, runs, k))
    u, dth, du = (np.zeros_like(theta) for _ in range(3))
    out = np.full((n_c, runs, episodes + 1), np.nan)

    def rmspbe(th):
        e = th @ td.A.T + td.b
        with np.errstate(over="ignore", invalid="ignore"):
            return np.sqrt(np.abs(np.einsum("...i,ij,...j->...", e, Cinv, e)))

    out[:, :, 0] = rmspbe(theta)
    s = np.full(runs, env.start)
    ep = np.zeros(runs, dtype=np.int64)
    t = 0
    idx = np.arange(runs)
    with np.errstate(over="ignore", invalid="ignore"):
        while ep.min() < episodes:
            if t >= T:
                raise RuntimeError("step schedule exhausted; raise T")
            j = (rng.random(runs) >= env.prob[s, 0]).astype(np.int64)
            s2 = env.nxt[s, j]
            r = env.reward[s, j]
            f, f2 = env.phi[s], phi_ext[s2]
            v = np.einsum("crk,rk->cr", theta, f)
            v2 = np.einsum("crk,rk->cr", theta, f2)
            fu = np.einsum("crk,rk->cr", u, f)
            delta = (r[None, :] + v2 - v)[..., None]
            fu3 = fu[..., None]
            g = (c_td * delta * f + c_g2 * fu3 * (f - f2) + c_tdc * (delta * f - fu3 * f2))
            h = (delta - fu3) * f
            dth = alpha[:, t, None, None] * g + eta[:, t, None, None] * dth
            theta = theta + dth
            du = beta[:, t, None, None] * h + eta2[:, t, None, None] * du
            u = u + du
            done = s2 < 0
            if done.any():
                live = done & (ep < episodes)
                ep[done] += 1
                if live.any():
                    out[:, idx[live], ep[live]] = rmspbe(theta[:, live])
                s2 = np.where(done, env.start, s2)
            s = s2
            t += 1
    return out


def check_config(env: Episodic, c: Config) -> tuple[str, list[str]]:
    """``sa check``'s conditions for configuration ``c`` on the episodic chain (exact A, b, C
    with D = the normalised visits; the i.i.d. model of seed 003, Assumption 3): the verdict
    and the failing conditions.  The levels are Hurwitz on all four panels; what fails is
    (A:3) (exponents <= 1/2 are not square summable, and the printed reading's ties)."""
    from certify.algorithms.td.conditions import check_conditions, verdict_of

    td, _ = env.quantities(exact=True)
    conds, _ = check_conditions(get_algorithm(c.algo),
                                td, parse_exponents(list(c.exponents), len(c.exponents), c.algo),
                                c.w if "-m" in c.algo else 1.0)
    return verdict_of(conds).value, [x.name for x in conds if x.holds is False]


def diverged(vals: np.ndarray, factor: float = DIVERGENCE_FACTOR) -> np.ndarray:
    """Per configuration: runs whose RMSPBE stops being finite or exceeds factor x its start."""
    with np.errstate(invalid="ignore"):
        bad = ~np.all(np.isfinite(vals), axis=2) | np.any(vals > factor * vals[:, :, :1], axis=2)
    return bad.sum(axis=1)


def run_panel(panel: str, reading: str, runs: int, tune_runs: int, episodes: int, seed: int,
              w_grid: tuple[float, ...], check: bool = True) -> dict:
    """Tune w per momentum algorithm on seed + 1, then simulate every algorithm on seed."""
    key, make = PANELS[panel]
    env = make()
    td, _ = env.quantities()
    row = TABLE[key]
    chosen: dict[str, float] = {}
    tune = [Config(a, exponents_for(a, row, reading), w) for a in ALGOS if "-m" in a
            for w in w_grid]
    if len(w_grid) > 1:
        tv = simulate(env, tune, tune_runs, episodes, seed + 1, td)
        score = np.where(np.isfinite(tv), tv, np.inf).mean(axis=(1, 2))
        for a in {c.algo for c in tune}:
            i = [n for n, c in enumerate(tune) if c.algo == a]
            chosen[a] = tune[i[int(np.argmin(score[i]))]].w
    else:
        chosen = {a: w_grid[0] for a in ALGOS if "-m" in a}
    cfgs = [Config(a, exponents_for(a, row, reading), chosen.get(a, 1.0)) for a in ALGOS]
    cfgs += [matched_vanilla(c) for c in cfgs if "-m" in c.algo]
    vals = simulate(env, cfgs, runs, episodes, seed, td)
    checks = [check_config(env, c) if check and not c.label else None for c in cfgs]
    return {"panel": panel, "problem": env.name, "reading": reading, "configs": cfgs,
            "rmspbe": vals, "diverged": diverged(vals), "theta_star": td.theta_star,
            "checks": checks}


def compare(res: dict) -> list[dict]:
    """Momentum variant against its vanilla base: paired difference of the mean RMSPBE over
    the episodes (area under the curve / episodes) and of the final RMSPBE, over runs."""
    vals = res["rmspbe"]
    names = [c.name for c in res["configs"]]
    out = []
    pairs = [(m, m.split("-")[0]) for m in ("gtd2-m3", "gtd2-m4", "tdc-m3", "tdc-m4")]
    pairs += [(m, m.replace("-", "@")) for m in ("gtd2-m3", "gtd2-m4", "tdc-m3", "tdc-m4")]
    for m, base in pairs:
        i, j = names.index(m), names.index(base)
        row = {"momentum": m, "base": base}
        for what, x in (("auc", vals[:, :, 1:].mean(axis=2)), ("final", vals[:, :, -1])):
            d = x[i] - x[j]
            d = d[np.isfinite(d)]
            mean = float(d.mean()) if d.size else float("nan")
            se = float(d.std(ddof=1) / np.sqrt(d.size)) if d.size > 1 else float("nan")
            verdict = ("helps" if mean < -2 * se else "hurts" if mean > 2 * se
                       else "no clear difference")
            row[what] = (mean, se, verdict)
        out.append(row)
    return out


def _check_text(res: dict, n: int) -> str:
    chk = res["checks"][n]
    if chk is None:
        return "-"
    verdict, failing = chk
    short = [f.removeprefix("(A:3) ") for f in failing]
    return f"{verdict} ({'; '.join(short) or 'none'})"


def print_panel(res: dict) -> None:
    vals = res["rmspbe"]
    print(f"\n{res['problem']} -- reading '{res['reading']}' ({vals.shape[1]} runs, "
          f"{vals.shape[2] - 1} episodes)")
    print(f"  {'algorithm':9s} {'exponents':22s} {'order':5s} {'w':>5s} {'scales':>9s} "
          f"{'RMSPBE_0':>9s} "
          f"{'mean RMSPBE':>11s} {'final':>9s} {'diverged':>8s}  sa check (failing)")
    for n, c in enumerate(res["configs"]):
        v = vals[n]
        fin = np.where(np.isfinite(v), v, np.nan)
        ex = ",".join(f"{e:g}" for e in c.exponents)
        w = f"{c.w:g}" if "-m" in c.algo else "-"
        sc = ",".join(f"{x:g}" for x in c.scales) if c.scales else "1"
        print(f"  {c.name:9s} {ex:22s} {'yes' if ordering_holds(c.exponents) else 'NO':5s} "
              f"{w:>5s} {sc:>9s} {np.nanmean(fin[:, 0]):9.4f} {np.nanmean(fin[:, 1:]):11.4f} "
              f"{np.nanmean(fin[:, -1]):9.4f} {int(res['diverged'][n]):8d}  {_check_text(res, n)}")
    for row in compare(res):
        a, f = row["auc"], row["final"]
        print(f"  {row['momentum']:8s} vs {row['base']:8s}: mean RMSPBE {a[0]:+.4f} +- {a[1]:.4f}"
              f" ({a[2]}); final {f[0]:+.4f} +- {f[1]:.4f} ({f[2]})")


def plot(results: list[dict], out: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = list(dict.fromkeys(r["panel"] for r in results))
    fig, axes = plt.subplots(len(READINGS), len(panels),
                             figsize=(5.6 * len(panels), 3.4 * len(READINGS)), squeeze=False)
    for res in results:
        ax = axes[READINGS.index(res["reading"]), panels.index(res["panel"])]
        ep = np.arange(res["rmspbe"].shape[2])
        for n, c in enumerate(res["configs"]):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                m = np.nanmean(np.where(np.isfinite(res["rmspbe"][n]), res["rmspbe"][n],
                                        np.nan), axis=0)
            lab = c.name + (f" (w={c.w:g})" if "-m" in c.algo else "")
            ls = "--" if "-m" in c.algo else ":" if "@" in c.name else "-"
            ax.plot(ep, m, label=lab, lw=1.2, ls=ls)
        ax.set_title(f"{res['problem']} [{res['reading']}]", fontsize=9)
        ax.set_xlabel("episode")
        ax.set_ylabel("RMSPBE (mean over runs)")
        ax.set_yscale("log")
        ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)  # off the data
    fig.tight_layout()
    fig.savefig(out, bbox_inches="tight")
    plt.close(fig)


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.strip().split("\n")[0])
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--tune-runs", type=int, default=20)
    ap.add_argument("--episodes", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--w-grid", default=",".join(f"{w:g}" for w in W_GRID),
                    help="momentum constants tried per algorithm (default 0.1,0.25,0.5,1,2)")
    ap.add_argument("--panels", default=",".join(PANELS))
    ap.add_argument("--out", "-o", default="gtd_momentum_published.png")
    ap.add_argument("--quick", action="store_true",
                    help="5 runs, 2 tuning runs, 25 episodes, w in {0.25, 1}, two panels (the "
                         "test)")
    a = ap.parse_args(argv)
    runs, tune_runs, episodes = a.runs, a.tune_runs, a.episodes
    panels = a.panels.split(",")
    if a.quick:
        runs, tune_runs, episodes, panels = 5, 2, 25, ["rw-tabular", "boyan"]
    w_grid = tuple(float(x) for x in a.w_grid.split(","))
    if a.quick:
        w_grid = (0.25, 1.0)
    print(f"{runs} runs (seed {a.seed}), {episodes} episodes; w per momentum algorithm from "
          f"{', '.join(f'{w:g}' for w in w_grid)} by the mean RMSPBE of {tune_runs} tuning runs "
          f"(seed {a.seed + 1}); printed = Table 1 as printed, ordered = ties raised by {GAP:g}")
    results = []
    for reading in READINGS:
        for panel in panels:
            res = run_panel(panel, reading, runs, tune_runs, episodes, a.seed, w_grid,
                            check=not a.quick)
            print_panel(res)
            results.append(res)
    plot(results, a.out)
    print(f"\nwrote {a.out}")
    return results


if __name__ == "__main__":
    main()
    sys.exit(0)
