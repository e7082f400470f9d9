"""Plots of each activation and its derivative (needs the ``[plots]`` extra: matplotlib).

The curves come from the compiled functions in ``spec.numeric``, so a plot shows what
the kit computes, not a second hand-typed formula.

At a kink (``numeric.KINKS``) g' jumps. A line drawn through the jump would look like a
vertical stroke and hide which value the spec takes, so g' is drawn piece by piece
between kinks, with a filled dot at the value the spec uses there and an open dot at
the other side's value. An activation with a kink also gets a second panel zoomed on
z in [-1, 0.2], where relu and leaky_relu differ: the slope for z < 0 is written on it.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from deltaspec.spec import numeric

ZOOM = (-1.0, 0.2)  # the zoom panel's z range
SIDE = 1e-9  # how far from a kink the one-sided values of g' are read


def draw_all(folder: Path) -> list[str]:
    """Draw <folder>/<name>.png for every elementwise activation: g and g' on [-4, 4].

    Returns status lines; without matplotlib, a single line saying the plots were skipped.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return ["plots skipped: matplotlib is not installed (pip install 'deltaspec[plots]')"]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    matplotlib.rcParams["svg.hashsalt"] = "deltaspec"  # stable output
    written = []
    for name in numeric.ACTIVATIONS:
        fig = _figure(plt, name)
        target = folder / f"{name}.png"
        fig.savefig(target, metadata={"Software": None})
        plt.close(fig)
        written.append(f"wrote {target}")
    return written


def _figure(plt, name: str):
    """One panel (g and g' on [-4, 4]), plus the zoom panel when g has a kink."""
    kinks = tuple(numeric.KINKS.get(name, ()))
    if not kinks:
        fig, ax = plt.subplots(figsize=(4, 3), dpi=80)
        _main_panel(ax, name, kinks)
    else:
        fig, (ax, zoom) = plt.subplots(1, 2, figsize=(7.4, 3), dpi=80, gridspec_kw={"width_ratios": (4, 3)})
        _main_panel(ax, name, kinks)
        _zoom_panel(zoom, name)
    fig.tight_layout()
    return fig


def _main_panel(ax, name: str, kinks) -> None:
    """g (solid) and g' (dashed) on [-4, 4]; g' drawn piece by piece between kinks."""
    g, gp = numeric.activation(name), numeric.activation_prime(name)
    z = np.linspace(-4.0, 4.0, 801)
    (line,) = ax.plot(z, g(z), label=f"{name}(z)")
    color = None
    for piece in _pieces(z, kinks):
        (dashed,) = ax.plot(piece, gp(piece), "--", color=color, label=None if color else f"{name}'(z)")
        color = dashed.get_color()
    for k in kinks:
        _kink_dots(ax, gp, k, color)
    _axes(ax, name)
    ax.legend(loc="best", fontsize=8)


def _pieces(z, kinks):
    """z cut at the kinks; each piece runs up to the kink from its side (one-sided values)."""
    edges = [z[0], *kinks, z[-1]]
    pieces = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        inner = z[(z > lo) & (z < hi)]
        pieces.append(np.concatenate(([lo + SIDE if lo in kinks else lo], inner, [hi - SIDE if hi in kinks else hi])))
    return pieces


def _kink_dots(ax, gp, k: float, color) -> None:
    """Filled dot: g'(k) as the spec defines it; open dot: the one-sided value it is not."""
    at = float(gp(np.array([k]))[0])
    sides = [float(gp(np.array([k + s]))[0]) for s in (-SIDE, SIDE)]
    ax.plot([k], [at], "o", color=color, markersize=5, zorder=3)
    for other in sides:
        if other != at:
            ax.plot([k], [other], "o", markerfacecolor="white", markeredgecolor=color, markersize=5, zorder=3)


def _zoom_panel(ax, name: str) -> None:
    """g alone on z in ZOOM, scaled to the negative side, with its slope there written."""
    g, gp = numeric.activation(name), numeric.activation_prime(name)
    z = np.linspace(*ZOOM, 241)
    ax.plot(z, g(z))
    low = float(np.min(g(z[z <= 0])))
    span = max(abs(low), 0.01)
    ax.set_ylim(low - 0.5 * span, span)
    ax.set_xlim(*ZOOM)
    # at this scale a slope of 1 looks vertical: both slopes are written out
    left, right = (float(gp(np.array([x]))[0]) for x in (ZOOM[0] / 2, ZOOM[1] / 2))
    ax.text(0.04, 0.88, f"slope for z < 0: {left:g}", transform=ax.transAxes, fontsize=9)
    ax.text(0.8, 0.72, f"slope for z > 0: {right:g} →", transform=ax.transAxes, fontsize=9, ha="right")
    _axes(ax, f"{name}: zoom, z in [{ZOOM[0]:g}, {ZOOM[1]:g}]")


def _axes(ax, title: str) -> None:
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_title(title)
    ax.set_xlabel("z")
