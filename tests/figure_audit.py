"""What a figure needs before it goes into a paper's appendix, checked on the matplotlib objects
(issue 19, item 6): every panel's axes labelled, no legend inside the axes over a drawn line or
point, no text outside the saved image, tick labels (and titles, axis labels) that do not
overlap, no text under 5 pt once
the figure is scaled to a 6.5 in text width, and no ASCII formula
("<=", "||x||_inf", "sqrt(", "+-", a spelled-out Greek letter) outside mathtext.

:func:`capture` patches ``Figure.savefig`` so that a test calls a command's own plotting code
unchanged and then audits every figure it saved with :func:`problems`.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import numpy as np

ASCII_FORMULA = re.compile(r"<=|>=|\|\||_inf\b|sqrt\(|\+-|\b(alpha|beta|gamma|rho|kappa|sigma|"
                           r"tau|lambda|q_bar|K_ii)\b")
"""ASCII spellings of formulas that a typeset figure writes in mathtext instead."""


TEXT_WIDTH = 6.5
"""Inches: a paper's text width (a wider figure is scaled down to it)."""
MIN_POINTS = 5.0
"""Smallest readable font size, in points, after that scaling."""


def _plain(text: str) -> str:
    """``text`` without its mathtext ($...$) pieces."""
    return re.sub(r"\$[^$]*\$", "", text)


def _texts(fig) -> list:
    out = [fig._suptitle] if getattr(fig, "_suptitle", None) is not None else []
    for ax in fig.axes:
        out += [ax.xaxis.label, ax.yaxis.label, ax.title, ax._left_title, ax._right_title]
        leg = ax.get_legend()
        if leg is not None:
            out += list(leg.get_texts())
    for leg in fig.legends:
        out += list(leg.get_texts())
    return [t for t in out if t is not None and t.get_visible() and t.get_text()]


def _data_points(ax) -> np.ndarray:
    """Display coordinates of the drawn lines (densified along each segment) and markers."""
    pts = []
    for line in ax.get_lines():
        if not line.get_visible() or line.get_label().startswith("_child"):
            continue
        xy = line.get_xydata()
        if len(xy) == 0:
            continue
        d = line.get_transform().transform(np.asarray(xy, dtype=float))
        d = d[np.all(np.isfinite(d), axis=1)]
        if len(d) > 1:  # points along each segment, so a sparse line still counts
            t = np.linspace(0, 1, 12)[:, None, None]
            d = (d[:-1][None] * (1 - t) + d[1:][None] * t).reshape(-1, 2)
        pts.append(d)
    return np.concatenate(pts) if pts else np.zeros((0, 2))


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def problems(fig, tight: bool = False) -> list[str]:
    """What would keep ``fig`` out of an appendix, one line each (empty: nothing).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    tight : bool
        Whether it was saved with ``bbox_inches="tight"`` (then text outside the figure
        box is kept in the image, not clipped).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)  # a closed figure has lost its pyplot canvas
    canvas.draw()
    renderer = canvas.get_renderer()
    out = []
    fig_box = fig.bbox
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.axison and (ax.lines or ax.collections)]
    for ax in panels:
        name = ax.get_title() or f"axes {fig.axes.index(ax)}"
        if not ax.get_xlabel():
            out.append(f"{name}: no x label")
        row = [a for a in panels if abs(a.get_position().y0 - ax.get_position().y0) < 1e-6]
        if not any(a.get_ylabel() for a in row):
            out.append(f"{name}: no y label")
        leg = ax.get_legend()
        if leg is not None and leg.get_visible():
            box = leg.get_window_extent(renderer)
            pts = _data_points(ax)
            inside = ((pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0)
                      & (pts[:, 1] < box.y1)) if len(pts) else np.zeros(0, bool)
            axbox = ax.get_window_extent(renderer)
            inside &= ((pts[:, 0] >= axbox.x0) & (pts[:, 0] <= axbox.x1) & (pts[:, 1] >= axbox.y0)
                       & (pts[:, 1] <= axbox.y1)) if len(pts) else inside
            if inside.any():
                out.append(f"{name}: the legend covers drawn data")
        for axis, lim in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            if axis.get_scale() == "log" and getattr(axis._scale, "base", 10) == 10 \
                    and max(lim) < 10 * min(lim):
                out.append(f"{name}: a log axis spanning less than a decade (unreadable ticks)")
            boxes = [t.get_window_extent(renderer) for t in axis.get_ticklabels()
                     if t.get_visible() and t.get_text()]
            if any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]):
                out.append(f"{name}: tick labels overlap")
    scale = min(1.0, TEXT_WIDTH / fig.get_size_inches()[0])
    ticks = [t for ax in panels for axis in (ax.xaxis, ax.yaxis) for t in axis.get_ticklabels()
             if t.get_visible() and t.get_text()]
    small = sorted({round(t.get_fontsize() * scale, 1) for t in _texts(fig) + ticks
                    if t.get_fontsize() * scale < MIN_POINTS})
    if small:
        out.append(f"text of {small} pt once the figure is scaled to a {TEXT_WIDTH} in text width")
    labels = [(t.get_text(), t.get_window_extent(renderer)) for ax in panels
              for t in (ax.title, ax.xaxis.label, ax.yaxis.label) if t.get_visible() and t.get_text()]
    for i, (a, box_a) in enumerate(labels):
        for b, box_b in labels[i + 1:]:
            if _overlap(box_a, box_b):
                out.append(f"titles or axis labels overlap: {a!r} and {b!r}")
    for t in _texts(fig):
        if ASCII_FORMULA.search(_plain(t.get_text())):
            out.append(f"ASCII formula in {t.get_text()!r}")
        if not tight:
            b = t.get_window_extent(renderer)
            if b.x0 < fig_box.x0 - 1 or b.x1 > fig_box.x1 + 1 or b.y0 < fig_box.y0 - 1 \
                    or b.y1 > fig_box.y1 + 1:
                out.append(f"clipped text {t.get_text()!r}")
    return out


@contextmanager
def capture(monkeypatch):
    """Record every figure saved inside the block: yields a list of (figure, tight)."""
    from matplotlib.figure import Figure

    saved: list = []
    original = Figure.savefig

    def savefig(self, *args, **kwargs):
        saved.append((self, kwargs.get("bbox_inches") == "tight"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    yield saved
