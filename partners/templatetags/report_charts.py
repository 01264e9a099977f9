"""Server-rendered bar charts: inline SVG sized with attributes (no script, no style attribute)."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()

BAR_HEIGHT = 18
GAP = 6
LABEL_WIDTH = 160
BAR_WIDTH = 240
NUMBER_WIDTH = 50


@register.inclusion_tag("partners/_bar_chart.html")
def bar_chart(rows, title=""):
    """A horizontal bar per row; the longest bar is the largest count. Small counts stay visible."""
    largest = max((row.count for row in rows), default=0)
    bars = []
    for index, row in enumerate(rows):
        width = round(BAR_WIDTH * row.count / largest) if largest else 0
        y = index * (BAR_HEIGHT + GAP)
        bars.append(
            {
                "label": row.label,
                "count": row.count,
                "width": max(width, 1 if row.count else 0),
                "y": y,
                "text_y": y + BAR_HEIGHT - 5,
            }
        )
    return {
        "title": title,
        "bars": bars,
        "height": max(len(rows) * (BAR_HEIGHT + GAP), BAR_HEIGHT),
        "total_width": LABEL_WIDTH + BAR_WIDTH + NUMBER_WIDTH,
        "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 6,
        "number_offset": LABEL_WIDTH + 4,
        "bar_height": BAR_HEIGHT,
    }


@register.filter
def percentage(value):
    """0.655 → "65,5%" in Dutch, "65.5%" in English (the active language's decimal mark); None → "–"."""
    if value is None:
        return "–"
    return f"{number_format(value * 100, 1)}%"


@register.filter
def days(value):
    if value is None:
        return "–"
    return number_format(value, 1)


@register.filter
def add_int(value, other):
    return int(value) + int(other)
