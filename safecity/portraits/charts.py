"""Server-side SVG charts for the PDF report (no JavaScript in a PDF): the radar and the trend line.

Pure geometry over plain numbers; labels are escaped. Colours follow the portrait's four colours.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from safecity.portraits.choices import COLOUR_HEX


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def radar_svg(axes: Sequence[tuple[str, float, float]], *, size: int = 320, colour: str = "#0b5cad") -> str:
    """A radar of (label, points, max points) per axis: each axis scaled 0..max, rings at 25% steps."""
    n = len(axes)
    if n < 3:
        return ""
    cx = cy = size / 2
    radius = size / 2 - 70
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size + 80}" height="{size}" viewBox="-40 0 {size + 80} {size}">']

    def point(i: int, share: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + radius * share * math.cos(angle), cy + radius * share * math.sin(angle)

    for ring in (0.25, 0.5, 0.75, 1.0):
        ring_points = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in (point(i, ring) for i in range(n)))
        parts.append(f'<polygon points="{ring_points}" fill="none" stroke="#c8d0da" stroke-width="0.8"/>')
    for i, (label, value, maximum) in enumerate(axes):
        x, y = point(i, 1.0)
        parts.append(f'<line x1="{_fmt(cx)}" y1="{_fmt(cy)}" x2="{_fmt(x)}" y2="{_fmt(y)}" stroke="#c8d0da" stroke-width="0.8"/>')
        lx, ly = point(i, 1.18)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        parts.append(
            f'<text x="{_fmt(lx)}" y="{_fmt(ly + 4)}" font-size="11" text-anchor="{anchor}">{escape(label)} '
            f"{value:g}/{maximum:g}</text>"
        )
    shares = [(value / maximum if maximum else 0.0) for _, value, maximum in axes]
    polygon = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in (point(i, s) for i, s in enumerate(shares)))
    parts.append(
        f'<polygon class="radar-area" points="{polygon}" fill="{colour}" fill-opacity="0.25" stroke="{colour}" stroke-width="2"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def trend_svg(points: Sequence[tuple[int, float, int]], *, width: int = 480, height: int = 200) -> str:
    """A line of (year, score, colour) over 0..100 with the 60/75/90 colour thresholds drawn."""
    if not points:
        return ""
    left, right, top, bottom = 36, 16, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom

    def y_of(score: float) -> float:
        return top + plot_h * (1 - score / 100)

    step = plot_w / max(len(points) - 1, 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">']
    for threshold, colour in ((60, 1), (75, 2), (90, 3)):
        y = y_of(threshold)
        parts.append(
            f'<line x1="{left}" y1="{_fmt(y)}" x2="{width - right}" y2="{_fmt(y)}" stroke="{COLOUR_HEX[colour]}" '
            'stroke-dasharray="4 3" stroke-width="0.8"/>'
        )
        parts.append(f'<text x="{left - 4}" y="{_fmt(y + 4)}" font-size="10" text-anchor="end">{threshold}</text>')
    coords = [(left + (i * step if len(points) > 1 else plot_w / 2), y_of(score)) for i, (_, score, _) in enumerate(points)]
    if len(coords) > 1:
        line = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in coords)
        parts.append(f'<polyline class="trend-line" points="{line}" fill="none" stroke="#0b5cad" stroke-width="2"/>')
    for (x, y), (year, score, colour) in zip(coords, points, strict=True):
        parts.append(f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="4" fill="{COLOUR_HEX[colour]}"/>')
        parts.append(f'<text x="{_fmt(x)}" y="{_fmt(y - 8)}" font-size="10" text-anchor="middle">{score:g}</text>')
        parts.append(f'<text x="{_fmt(x)}" y="{height - 8}" font-size="10" text-anchor="middle">{year}</text>')
    parts.append("</svg>")
    return "".join(parts)
