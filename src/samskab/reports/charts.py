"""The report's charts as small SVG documents (vector in the PDF), each with its alt text.

Shown as `<img src="data:image/svg+xml;base64,…" alt="…">`, so the page and the PDF carry the
same picture and the same text alternative; the numbers are also in a table next to it.
"""

from __future__ import annotations

import base64
from html import escape

WIDTH = 560
BAR_H = 22
LABEL_W = 200


def bars(rows: list[tuple[str, float]], *, unit: str = "") -> str:
    """A horizontal bar chart of (label, value) as an SVG document."""
    top = max((v for _l, v in rows), default=0) or 1
    height = BAR_H * len(rows) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">'
    ]
    for n, (label, value) in enumerate(rows):
        y = 4 + n * BAR_H
        w = round((WIDTH - LABEL_W - 70) * value / top, 1)
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end" fill="#1a1a1a">'
            f"{escape(label[:32])}</text>"
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{w}" height="{BAR_H - 8}" fill="#0059b3"/>'
            f'<text x="{LABEL_W + w + 6}" y="{y + 15}" fill="#1a1a1a">'
            f"{escape(_number(value))}{escape(unit)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".replace(".", ",")


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def alt_text(title: str, rows: list[tuple[str, float]], unit: str = "") -> str:
    """The chart in words: its title and every bar's value."""
    return f"{title}: " + "; ".join(f"{label} {_number(v)}{unit}" for label, v in rows) + "."
