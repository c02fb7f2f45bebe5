"""PNG pictures for /stats, drawn headless with matplotlib's Agg backend (no display needed)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # before any other matplotlib import: servers have no display

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

GREEN = "#2e7d32"


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return buffer.getvalue()


def heatmap_png(grid: Sequence[Sequence[int]], day_names: Sequence[str], title: str) -> bytes:
    """Weekday (rows) × hour (columns) of bookings, with counts written in busy cells."""
    # Only the hours that have bookings, plus one either side, so the picture stays readable.
    used = [h for h in range(24) if any(row[h] for row in grid)] or [9, 17]
    first, last = max(min(used) - 1, 0), min(max(used) + 1, 23)
    hours = list(range(first, last + 1))
    data = [[row[h] for h in hours] for row in grid]
    fig = Figure(figsize=(max(len(hours) * 0.45, 4.5), 3.6))
    ax = fig.add_subplot()
    image = ax.imshow(data, cmap="Greens", aspect="auto", vmin=0)
    ax.set_yticks(range(7), labels=list(day_names))
    ax.set_xticks(range(len(hours)), labels=[f"{h:02d}" for h in hours])
    peak = max((v for row in data for v in row), default=0)
    for y, row in enumerate(data):
        for x, value in enumerate(row):
            if value:
                colour = "white" if value > peak / 2 else "black"
                ax.text(x, y, str(value), ha="center", va="center", color=colour, fontsize=8)
    ax.set_title(title)
    fig.colorbar(image, ax=ax, shrink=0.8)
    return _png(fig)


def weeks_png(labels: Sequence[str], counts: Sequence[int], title: str) -> bytes:
    """One bar per week with its count on top."""
    fig = Figure(figsize=(max(len(labels) * 0.6, 4.5), 3.2))
    ax = fig.add_subplot()
    bars = ax.bar(range(len(labels)), counts, color=GREEN)
    ax.bar_label(bars, labels=[str(c) if c else "" for c in counts], fontsize=8)
    ax.set_xticks(range(len(labels)), labels=list(labels), rotation=45 if len(labels) > 6 else 0)
    ax.set_ylim(0, max([*counts, 1]) * 1.2)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # no half bookings on the axis
    ax.set_title(title)
    return _png(fig)
