"""The crossval figure (issue 19, item 6): the certified bound curves the checks use (constant
times rate^k plus floor), drawn above the data, labelled axes, legend off the data, a y-range
showing the transient, vector output by the file's suffix."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="module")
def crossval_result():
    from certify.algorithms.qlearning.crossval import crossval_qlearning
    from certify.mdp.builtins import builtin_problem

    return crossval_qlearning(builtin_problem("seed-sls"), 0.5, runs=10, steps=1000, noise=0.5,
                              n_boot=20)


def test_crossval_figure_draws_the_checked_bounds_above_the_data(crossval_result):
    from certify.report.crossval_figure import PATHWISE, curves_above_data, figure_data

    res = crossval_result
    data = figure_data(res)
    # the curves drawn are those the checks evaluated, bound constants and floors included
    assert set(data.curves) == set(res.curves) and PATHWISE in data.curves
    assert {p.name for p in res.predictions} >= set(data.curves)
    for name, y in data.curves.items():
        np.testing.assert_array_equal(y, res.curves[name])
    # each drawn bound lies above the drawn data (the run-average error) at every step
    ratios = curves_above_data(data)
    assert min(ratios.values()) >= 1.0, ratios
    # the pathwise bound lies above every single run, not only the average
    assert np.all(res.simulation.errors <= data.curves[PATHWISE][None, :] * (1 + 1e-12))
    # at k = 0 a bound is at least the initial error ||Q_0 - Q*||_inf (no bare rate line 1)
    e0 = float(res.simulation.e0.mean())
    assert all(y[0] >= e0 * (1 - 1e-12) for y in data.curves.values())
    # the y-range shows the transient and the floors, not 1e-100
    bottom, top = data.ylim
    assert top >= max(float(np.max(y)) for y in data.curves.values())
    assert bottom <= float(np.min(data.mean[data.mean > 0]))
    assert top / bottom <= 10.0 ** 8 * (1 + 1e-9)


@pytest.mark.parametrize("suffix, magic", [(".pdf", b"%PDF"), (".svg", b"<svg")])
def test_crossval_plot_vector_output(crossval_result, tmp_path, suffix, magic):
    from certify.algorithms.qlearning.crossval import plot_crossval

    path = tmp_path / f"cv{suffix}"
    plot_crossval(crossval_result, str(path))
    head = path.read_bytes()[:4000]
    assert magic in head
    assert b"PNG" not in path.read_bytes()[:8]


def test_crossval_axes_labelled_legend_off_the_data(crossval_result):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from certify.report.crossval_figure import draw, figure_data

    fig, ax = plt.subplots()
    try:
        draw(ax, figure_data(crossval_result))
        assert "k" in ax.get_xlabel() and "Q_k" in ax.get_ylabel() and "units" in ax.get_ylabel()
        fig.canvas.draw()
        legend = ax.get_legend().get_window_extent()
        axes_box = ax.get_window_extent()
        assert legend.y1 <= axes_box.y0  # entirely below the axes: it covers no data
        assert ax.get_yscale() == "log"
    finally:
        plt.close(fig)


def test_multi_panel_one_legend_below(crossval_result, tmp_path, monkeypatch):
    """Several panels share one figure legend below them (no per-panel legend on the data)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from certify.report import crossval_figure

    seen = {}
    real_savefig = plt.Figure.savefig

    def spy(fig, *args, **kwargs):
        fig.canvas.draw()
        seen["axes"] = [ax.get_legend() for ax in fig.axes]
        seen["legends"] = [(lg.get_window_extent(), [ax.get_window_extent() for ax in fig.axes])
                           for lg in fig.legends]
        return real_savefig(fig, *args, **kwargs)

    monkeypatch.setattr(plt.Figure, "savefig", spy)
    crossval_figure.save_crossval_figure([crossval_result, crossval_result], tmp_path / "two.svg")
    assert seen["axes"] == [None, None] and len(seen["legends"]) == 1
    box, axes_boxes = seen["legends"][0]
    assert all(box.y1 <= a.y0 for a in axes_boxes)
    assert (tmp_path / "two.svg").read_bytes().lstrip().startswith(b"<?xml")
