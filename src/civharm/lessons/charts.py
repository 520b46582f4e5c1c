"""Small SVG charts and a point map, drawn by hand so reports need no plotting library or network.

Pure functions returning SVG text; every label is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ["#12355b", "#c0392b", "#2e86ab", "#f39c12", "#27ae60", "#8e44ad", "#7f8c8d"]
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


def _open(width: int, height: int, font_size: int = 9) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT} font-size="{font_size}">'
    )


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = float(10.0 ** math.floor(math.log10(value)))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def bar_chart(
    labels: Sequence[str], values: Sequence[float], *, width: int = 640, height: int = 180, title: str = ""
) -> str:
    """Vertical bars with a y axis; labels are thinned when there are many."""
    left, right, top, bottom = 34, 8, 20 if title else 8, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max(values, default=0))
    n = max(len(values), 1)
    slot = plot_w / n
    parts = [_open(width, height, 9)]
    if title:
        parts.append(f'<text x="{left}" y="12" font-size="10" font-weight="bold">{escape(title)}</text>')
    for tick in range(5):
        value = top_value * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            'stroke="#dde3e9" stroke-width="0.6"/>'
        )
        parts.append(f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end" fill="#555">{value:g}</text>')
    every = max(1, math.ceil(n / 16))
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * value / top_value
        x = left + i * slot + slot * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
            f'fill="{PALETTE[0]}">'
            f"<title>{escape(label)}: {value:g}</title></rect>"
        )
        if i % every == 0:
            parts.append(
                f'<text x="{x + slot * 0.35:.1f}" y="{height - bottom + 12}" text-anchor="middle" '
                f'fill="#333">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def hbar_chart(labels: Sequence[str], values: Sequence[float], *, width: int = 640, title: str = "") -> str:
    """Horizontal bars, one row per label, the value printed at the end of each bar."""
    row, label_w, top = 16, 230, 20 if title else 4
    height = top + row * max(len(labels), 1) + 6
    top_value = max(values, default=0) or 1
    plot_w = width - label_w - 40
    parts = [_open(width, height, 9)]
    if title:
        parts.append(f'<text x="0" y="12" font-size="10" font-weight="bold">{escape(title)}</text>')
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row
        w = plot_w * value / top_value
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 11}" text-anchor="end" fill="#333">{escape(label[:42])}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row - 5}" fill="{PALETTE[2]}"/>'
        )
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 11}" fill="#333">{value:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class MapPoint:
    latitude: float
    longitude: float
    label: str
    group: str
    size: float = 1.0


@dataclass(frozen=True)
class MapPlace:
    latitude: float
    longitude: float
    name: str


def point_map(
    points: Sequence[MapPoint],
    *,
    bbox: tuple[float, float, float, float],
    places: Sequence[MapPlace] = (),
    width: int = 640,
    height: int = 380,
    title: str = "",
) -> str:
    """Points over a graticule and reference places, in an equirectangular frame scaled by latitude."""
    min_lon, min_lat, max_lon, max_lat = bbox
    top = 18 if title else 4
    mid = math.radians((min_lat + max_lat) / 2)
    span_x, span_y = (max_lon - min_lon) * math.cos(mid), max_lat - min_lat
    scale = min((width - 20) / span_x, (height - top - 24) / span_y)

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return 10 + (lon - min_lon) * math.cos(mid) * scale, top + (max_lat - lat) * scale

    groups = sorted({p.group for p in points})
    colour = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)}
    w, h = xy(min_lat, max_lon)
    parts = [_open(width, height, 8)]
    if title:
        parts.append(f'<text x="10" y="12" font-size="10" font-weight="bold">{escape(title)}</text>')
    parts.append(
        f'<rect x="10" y="{top}" width="{w - 10:.1f}" height="{h - top:.1f}" fill="#f4f1ea" '
        'stroke="#999" stroke-width="0.6"/>'
    )
    for lon in range(math.ceil(min_lon), math.floor(max_lon) + 1):
        x, _ = xy(min_lat, lon)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{h:.1f}" stroke="#d8d2c4" stroke-width="0.5"/>'
        )
        parts.append(f'<text x="{x:.1f}" y="{h + 9:.1f}" text-anchor="middle" fill="#777">{lon}°E</text>')
    for lat in range(math.ceil(min_lat), math.floor(max_lat) + 1):
        _, y = xy(lat, min_lon)
        parts.append(
            f'<line x1="10" y1="{y:.1f}" x2="{w:.1f}" y2="{y:.1f}" stroke="#d8d2c4" stroke-width="0.5"/>'
        )
        parts.append(f'<text x="12" y="{y - 2:.1f}" fill="#777">{lat}°N</text>')
    for place in places:
        x, y = xy(place.latitude, place.longitude)
        parts.append(f'<rect x="{x - 2:.1f}" y="{y - 2:.1f}" width="4" height="4" fill="#555"/>')
        parts.append(f'<text x="{x + 4:.1f}" y="{y - 3:.1f}" fill="#333">{escape(place.name)}</text>')
    for p in points:
        x, y = xy(p.latitude, p.longitude)
        radius = 2.5 + min(6.0, math.sqrt(max(p.size, 0)))
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{colour[p.group]}" '
            'fill-opacity="0.7" stroke="#fff" stroke-width="0.5">'
            f"<title>{escape(p.label)}</title></circle>"
        )
    for i, g in enumerate(groups):
        x = 14 + i * 110
        parts.append(f'<circle cx="{x}" cy="{height - 6}" r="4" fill="{colour[g]}"/>')
        parts.append(f'<text x="{x + 7}" y="{height - 3}" fill="#333">{escape(g)}</text>')
    parts.append("</svg>")
    return "".join(parts)
