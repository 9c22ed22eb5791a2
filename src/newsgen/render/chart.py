"""A region's articles per month as an inline SVG bar chart, drawn at build time (no JavaScript).

One ``<rect class="bar">`` per month from the first month with an article to the last,
empty months included (height 0), so gaps in coverage stay visible.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping

from markupsafe import Markup, escape

BAR, GAP, HEIGHT, TOP, BOTTOM, SIDE = 16, 6, 80, 16, 34, 4
MIN_WIDTH = 64   # room for a year label under a single bar


def month_span(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    """Every (year, month) from ``first`` to ``last`` inclusive."""
    out = []
    year, month = first
    while (year, month) <= last:
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def month_chart(days: Iterable[dt.date], label: str) -> Markup:
    """SVG for the given publication days; empty markup when there are none."""
    return chart_of_counts(Counter((d.year, d.month) for d in days), label)


def chart_of_counts(counts: Mapping[tuple[int, int], int], label: str) -> Markup:
    """:func:`month_chart` of articles counted by (year, month) already."""
    if not counts:
        return Markup("")
    months = month_span(min(counts), max(counts))
    peak = max(counts.values())
    width = max(MIN_WIDTH, SIDE * 2 + len(months) * (BAR + GAP) - GAP)
    total = TOP + HEIGHT + BOTTOM
    dense = len(months) > 24   # too many months to label each: label January (and the first) only
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {total}" '
        f'width="{width}" height="{total}" role="img" aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
        f'<line class="axis" x1="0" y1="{TOP + HEIGHT}" x2="{width}" y2="{TOP + HEIGHT}"/>',
    ]
    for i, (year, month) in enumerate(months):
        n = counts.get((year, month), 0)
        h = round(HEIGHT * n / peak)
        x = SIDE + i * (BAR + GAP)
        cx = x + BAR / 2
        parts.append(
            f'<rect class="bar" x="{x}" y="{TOP + HEIGHT - h}" width="{BAR}" height="{h}" data-count="{n}">'
            f"<title>{year}年{month}月：{n} 篇</title></rect>")
        if n and not dense:
            parts.append(f'<text class="count" x="{cx:g}" y="{TOP + HEIGHT - h - 4}">{n}</text>')
        if not dense:
            parts.append(f'<text class="month" x="{cx:g}" y="{TOP + HEIGHT + 14}">{month}月</text>')
        if i == 0 or month == 1:
            parts.append(f'<text class="year" x="{x}" y="{TOP + HEIGHT + 29}">{year}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
