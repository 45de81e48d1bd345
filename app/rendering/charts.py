"""Horizontal bar charts as inline SVG, drawn on the server: no script, no external asset, readable
printed or with images off (every bar has its number written beside it, and a text alternative).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

LABEL_WIDTH = 250  # the bars' names, right-aligned before the bars
PLOT_WIDTH = 380
WIDTH = LABEL_WIDTH + PLOT_WIDTH + 190  # room after the longest bar for its number
ROW = 30
BAR = 18
TOP = 44
BOTTOM = 52
FONT = "font-family:Arial,Helvetica,sans-serif"
COLOURS = ("#1d70b8", "#00703c", "#d4351c", "#6f72af", "#b58840", "#28a197")


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    shown: str  # the number written beside the bar, e.g. "12 (34.5%)" or "£1,250.00"
    colour: int = 0  # an index into COLOURS, for bars of different kinds in one chart


def _nice_max(value: float) -> float:
    """A round number at or above `value` for the end of the axis."""
    if value <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0):
        if value <= step * magnitude:
            return step * magnitude
    return 10.0 * magnitude


def _nothing(bar: Bar) -> bool:
    """A bar of nothing: zero, and written as zero (a net sum below zero draws no bar either, but
    is something to show)."""
    return bar.value == 0 and bar.shown.lstrip("£").startswith("0")


def _tick(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def bar_chart(
    title: str, bars: Sequence[Bar], *, axis_label: str, fixed_max: float | None = None
) -> str:
    """An SVG element: `title` on top, one labelled bar per item, the axis named `axis_label`;
    "" when there is nothing to draw (no bars, or counts and sums that are all nothing), which
    the page says in words."""
    if fixed_max is None and all(_nothing(b) for b in bars):
        return ""
    top = _nice_max(max((b.value for b in bars), default=0.0)) if fixed_max is None else fixed_max
    height = TOP + ROW * max(len(bars), 1) + BOTTOM
    summary = "; ".join(f"{b.label}: {b.shown}" for b in bars) or "no data"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" aria-label="{escape(title)}. {escape(summary)}" '
        f'style="{FONT};font-size:13px">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(summary)}</desc>",
        f'<text x="0" y="20" style="font-size:16px;font-weight:bold">{escape(title)}</text>',
    ]
    x0 = LABEL_WIDTH
    for index, bar in enumerate(bars):
        y = TOP + index * ROW
        length = 0.0 if top <= 0 else PLOT_WIDTH * min(bar.value, top) / top
        colour = COLOURS[bar.colour % len(COLOURS)]
        parts += [
            f'<text x="{x0 - 8}" y="{y + BAR - 4}" text-anchor="end">{escape(bar.label)}</text>',
            f'<rect x="{x0}" y="{y}" width="{length:.1f}" height="{BAR}" fill="{colour}">'
            f"<title>{escape(bar.label)}: {escape(bar.shown)}</title></rect>",
            f'<text x="{x0 + length + 6:.1f}" y="{y + BAR - 4}" class="value">'
            f"{escape(bar.shown)}</text>",
        ]
    if not bars:
        parts.append(f'<text x="{x0}" y="{TOP + BAR - 4}">No data for this period.</text>')
    axis_y = TOP + ROW * max(len(bars), 1)
    parts.append(
        f'<line x1="{x0}" y1="{axis_y}" x2="{x0 + PLOT_WIDTH}" y2="{axis_y}" stroke="#505a5f"/>'
    )
    for fraction in (0, 0.5, 1):
        x = x0 + PLOT_WIDTH * fraction
        parts += [
            f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y + 5}" stroke="#505a5f"/>',
            f'<text x="{x:.1f}" y="{axis_y + 18}" text-anchor="middle">'
            f"{_tick(top * fraction)}</text>",
        ]
    parts.append(
        f'<text x="{x0 + PLOT_WIDTH / 2:.1f}" y="{axis_y + 40}" text-anchor="middle" '
        f'style="font-style:italic">{escape(axis_label)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
