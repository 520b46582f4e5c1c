"""Charts as inline SVG, drawn on the server: no chart library, no script, readable without colour.

Each chart carries a ``<title>`` and ``<desc>`` for screen readers; pages put the same
figures in a table beside it. Colours are the Okabe-Ito palette, distinguishable with the
common kinds of colour blindness.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C6D1F", "#000000", "#999999"]
WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 56


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float]  # one per category


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten at or above ``value`` (axis maxima people can read)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)


def _frame(title: str, description: str, body: list[str], height: int = HEIGHT) -> Markup:
    ident = f"c{zlib.crc32((title + description).encode()):08x}"
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{ident}t {ident}d" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{ident}t">{escape(title)}</title><desc id="{ident}d">{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _legend(series: list[Series], y: int) -> list[str]:
    parts, x = [], LEFT
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{y + 9}" class="legend">{escape(item.name)}</text>')
        x += 24 + 7 * len(item.name)
        if x > WIDTH - 80:
            x, y = LEFT, y + 14
    return parts


def stacked_bars(categories: list[str], series: list[Series], *, title: str, description: str) -> Markup:
    """Vertical stacked bars: one bar per category (e.g. month), one coloured segment per series."""
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    top = nice_ceiling(max(totals, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(categories), 1)
    body = [f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" class="axis"/>']
    for fraction in (0.5, 1.0):
        y = TOP + plot_h * (1 - fraction)
        body.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" class="grid"/>')
        body.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" class="tick" text-anchor="end">{top * fraction:g}</text>'
        )
    body.append(f'<text x="{LEFT - 6}" y="{TOP + plot_h + 4}" class="tick" text-anchor="end">0</text>')
    for i, category in enumerate(categories):
        x, base = LEFT + i * slot + slot * 0.15, float(TOP + plot_h)
        for index, item in enumerate(series):
            value = item.values[i]
            if value <= 0:
                continue
            h = plot_h * value / top
            base -= h
            body.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[index % len(PALETTE)]}">'
                f"<title>{escape(category)} · {escape(item.name)}: {value:g}</title></rect>"
            )
        if len(categories) <= 16 or i % 2 == 0:
            body.append(
                f'<text x="{x + slot * 0.35:.1f}" y="{TOP + plot_h + 14}" class="tick" '
                f'text-anchor="middle">{escape(category)}</text>'
            )
    body.extend(_legend(series, HEIGHT - BOTTOM + 26))
    return _frame(title, description, body)


def horizontal_bars(rows: list[tuple[str, float]], *, title: str, description: str) -> Markup:
    """One labelled horizontal bar per row, longest first as given."""
    bar, gap, label_w = 16, 6, 190
    height = TOP + len(rows) * (bar + gap) + 8
    top = nice_ceiling(max((v for _, v in rows), default=0))
    plot_w = WIDTH - label_w - RIGHT - 40
    body = []
    for i, (name, value) in enumerate(rows):
        y = TOP + i * (bar + gap)
        w = plot_w * value / top
        shown = name if len(name) <= 28 else name[:27] + "…"
        body.append(
            f'<text x="{label_w - 6}" y="{y + 12}" class="tick" text-anchor="end">{escape(shown)}</text>'
        )
        body.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar}" fill="{PALETTE[0]}"/>')
        body.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 12}" class="tick">{value:g}</text>')
    return _frame(title, description, body, height=max(height, 40))
