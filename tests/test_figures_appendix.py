"""Every figure a command writes is appendix-ready (issue 19, item 6): each one, made by the
command's own code on a small problem, passes :func:`tests.figure_audit.problems` (labelled
axes, legend off the data, no clipped text, no overlapping tick labels, formulas in mathtext)."""

from __future__ import annotations

import pytest

from tests.figure_audit import capture, problems
from tests.test_cli_fuzz import run

pytest.importorskip("matplotlib")

FIGURES = [  # (name, argv after `certify`, with {out} the figure's path)
    ("crossval", ["crossval", "seed-sls", "--alpha", "0.5", "--runs", "4", "--steps", "20000",
                  "--noise", "0.5", "--plot", "{out}"]),
    ("stepsize", ["stepsize", "seed-sls", "--steps", "2000", "--noise", "0.5", "--runs", "3",
                  "--plot", "{out}"]),
    ("simulate qlearning", ["simulate", "qlearning", "seed-sls", "--alpha", "0.5", "--runs", "3",
                            "--steps", "20000", "--plot", "{out}"]),
    ("simulate smooth", ["simulate", "smooth-qlearning", "seed-sls", "--alpha", "0.1",
                         "--temperature", "10", "--runs", "3", "--steps", "2000", "--plot", "{out}"]),
    ("simulate td", ["simulate", "tdc-m3", "boyan-chain", "--runs", "3", "--steps", "20000",
                     "--plot", "{out}"]),
    ("simulate pg", ["simulate", "pg", "seed-sls", "--tau", "0.1", "--sigma", "1", "--kappa", "1",
                     "--particles", "32", "--steps", "50", "--plot", "{out}"]),
    ("ntk sweep", ["ntk", "sweep", "seed-sls", "--widths", "8,16", "--depths", "1,2",
                   "--activations", "relu,tanh", "--alpha", "0.01", "--plot", "{out}"]),
]


SLOW = {"crossval", "stepsize", "ntk sweep"}  # 6-13 s each (analysis, bootstrap, kernels)


@pytest.mark.parametrize("name, argv", [pytest.param(n, a, id=n, marks=[pytest.mark.slow] * (n in SLOW))
                                        for n, a in FIGURES])
def test_command_figure_is_appendix_ready(name, argv, tmp_path, capsys, monkeypatch):
    out = tmp_path / "fig.png"
    argv = [a.format(out=out, dir=tmp_path) for a in argv]
    with capture(monkeypatch) as saved:
        code, stdout, err = run(argv, capsys)
    assert code in (0, 1) and "Traceback" not in err, err[-2000:]
    assert out.is_file() and saved, (name, stdout[-500:])
    for fig, tight in saved:
        assert problems(fig, tight) == [], name
        if name == "simulate smooth":  # errors from the fixed point of F_h, not from Q*
            assert "Q_h" in fig.axes[0].get_ylabel() and "smooth" in fig.axes[0].get_title()
        if name == "crossval":  # the transient (the first few hundred steps) is visible
            assert all(ax.get_xscale() in ("log", "symlog") for ax in fig.axes if ax.lines)


def test_sweep_figure_is_appendix_ready(tmp_path, monkeypatch):
    """``certify sweep --plot``'s figure (rows as a sweep writes them; no Dask cluster)."""
    from certify.sweep.plot import plot_sweep

    rows = [{"mdp": f"garnet:{s}:4:3:{seed}", "mdp.n_states": s, "alpha": a,
             "direct_jsr.upper": 1 - a * 1e-3 / s, "row_sum_rate": 1 - a * 8e-4 / s,
             "direct_jsr.certificate.verdict": "certified"}
            for s in (10, 50) for seed in range(2) for a in (0.05, 0.1, 0.5, 1.0)]
    with capture(monkeypatch) as saved:
        plot_sweep(rows, tmp_path / "rates.png")
    assert len(saved) == 1 and problems(*saved[0]) == []


EXAMPLES = [pytest.param("seed_section6", ["--quick", "--alphas", "0.1", "0.5", "-o", "{out}"],
                         id="seed_section6"),
            pytest.param("gtd_momentum", ["--quick", "--out", "{out}"], marks=pytest.mark.slow,
                         id="gtd_momentum")]


@pytest.mark.parametrize("script, argv", EXAMPLES)
def test_example_figure_is_appendix_ready(script, argv, tmp_path, monkeypatch):
    """The figures of the example scripts the README names."""
    from tests.helpers import load_example

    mod = load_example(script)
    with capture(monkeypatch) as saved:
        mod.main([a.format(out=tmp_path / "fig.png") for a in argv])
    assert saved
    for fig, tight in saved:
        assert problems(fig, tight) == [], script


def test_multi_panel_crossval_figure_is_appendix_ready(tmp_path, monkeypatch):
    """Three panels (examples/seed_sls_illustration.py): 13.8 in wide, their 8 pt legend was
    under 4 pt once scaled to a text width."""
    from certify.algorithms.qlearning.crossval import crossval_qlearning
    from certify.mdp.builtins import builtin_problem
    from certify.report.crossval_figure import save_crossval_figure

    res = crossval_qlearning(builtin_problem("seed-sls"), 0.5, runs=3, steps=500, noise=0.5,
                             n_boot=10)
    with capture(monkeypatch) as saved:
        save_crossval_figure([res] * 3, tmp_path / "three.png")
    assert len(saved) == 1 and problems(*saved[0]) == []


def test_report_matplotlib_figure_is_appendix_ready(monkeypatch):
    """``certify report --figures pdf``: the bound curves drawn by matplotlib."""
    from certify import analyze_qlearning, load_problem
    from certify.algorithms.qlearning.report import pdf_figure
    from certify.report.plots import simulated_relative_error

    res = analyze_qlearning(load_problem("seed-sls"), 0.5, cqlf=False)
    with capture(monkeypatch) as saved:
        pdf_figure(res, "f.pdf", 600, simulated_relative_error(res, 3, 600, 0))
    assert len(saved) == 1 and problems(*saved[0]) == []


def test_audit_finds_what_it_checks():
    """The audit itself: each fault it names is found on a figure that has it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot(range(100), [1.0] * 100, label="||e_k||_inf <= rho^k")  # the legend sits on the line
    ax.legend(loc="center")
    ax.set_xticks([1, 2, 3])
    ax.set_xticklabels(["10000", "12500", "15000"])
    ax.set_ylabel("a very long label that runs off the top and the bottom of a small figure")
    try:
        found = "\n".join(problems(fig))
    finally:
        plt.close(fig)
    for fault in ("no x label", "legend covers", "tick labels overlap", "ASCII formula",
                  "clipped text"):
        assert fault in found, (fault, found)
    fig, axes = plt.subplots(1, 3, figsize=(9, 3))  # 6 pt ticks fall under 5 pt at 6.5 in
    try:
        for ax in axes:
            ax.plot([0, 1], [0, 1])
            ax.set_xlabel("$k$")
            ax.set_ylabel("$y$")
            ax.tick_params(labelsize=6)
            ax.set_title("a title far too long for its own narrow panel of this figure", fontsize=12)
        found = "\n".join(problems(fig, tight=True))
    finally:
        plt.close(fig)
    assert "titles or axis labels overlap" in found and "once the figure is scaled" in found


def test_stepsize_figure_draws_the_target(tmp_path, capsys, monkeypatch):
    """`certify stepsize --target EPS --plot FILE` did not draw the target: it is a dashed
    horizontal line at EPS, labelled in the legend, and the figure still passes the audit."""
    out = tmp_path / "fig.png"
    with capture(monkeypatch) as saved:
        code, stdout, err = run(["stepsize", "seed-sls", "--steps", "200", "--runs", "3",
                                 "--target", "0.5", "--plot", str(out)], capsys)
    assert code == 0 and out.is_file() and len(saved) == 1, err[-2000:]
    fig, tight = saved[0]
    assert problems(fig, tight) == []
    ax = fig.axes[0]
    target = [ln for ln in ax.get_lines() if "target" in ln.get_label()]
    assert len(target) == 1 and target[0].get_label() == r"target $\varepsilon = 0.5$"
    assert list(target[0].get_ydata()) == [0.5, 0.5] and target[0].get_linestyle() == "--"
    assert "target" in [t.get_text() for t in ax.get_legend().get_texts()][-1]
    lo, hi = ax.get_ylim()
    assert lo < 0.5 < hi  # inside the drawn range
