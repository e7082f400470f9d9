"""Plots of each activation and its derivative (needs the ``[plots]`` extra: matplotlib).

The curves come from the compiled functions in ``spec.numeric``, so a plot shows what
the kit computes, not a second hand-typed formula.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from deltaspec.spec import numeric


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
    z = np.linspace(-4.0, 4.0, 801)
    written = []
    for name in numeric.ACTIVATIONS:
        fig, ax = plt.subplots(figsize=(4, 3), dpi=80)
        ax.plot(z, numeric.activation(name)(z), label=f"{name}(z)")
        ax.plot(z, numeric.activation_prime(name)(z), "--", label=f"{name}'(z)")
        ax.axhline(0, color="grey", lw=0.5)
        ax.axvline(0, color="grey", lw=0.5)
        ax.set_title(name)
        ax.set_xlabel("z")
        ax.legend(loc="best", fontsize=8)
        fig.tight_layout()
        target = folder / f"{name}.png"
        fig.savefig(target, metadata={"Software": None})
        plt.close(fig)
        written.append(f"wrote {target}")
    return written
