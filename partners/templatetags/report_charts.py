"""Server-rendered bar charts: inline SVG sized with attributes (no script, no style attribute)."""

from __future__ import annotations

from django import template
from django.utils.formats import localize, number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

register = template.Library()

BAR_HEIGHT = 18
GAP = 6
LABEL_WIDTH = 160
BAR_WIDTH = 240
NUMBER_WIDTH = 50
LABEL_CHARS = 24


# One bar: its label, the bar, its count. Rendered here rather than in a template loop: the report
# draws about a hundred bars of nine values each, and a template variable costs more (lookup,
# localisation, escaping) than the whole bar costs here; that loop was half the report's render.
BAR = (
    '\n    <text x="{label_x}" y="{text_y}" text-anchor="end" font-size="12" fill="#212529">{label}</text>'
    '\n    <rect x="{label_width}" y="{y}" width="{width}" height="{bar_height}" fill="#0d6efd"></rect>'
    '\n    <text x="{number_x}" y="{text_y}" font-size="12" fill="#212529">{count}</text>\n  '
)


def _truncated(label: str) -> str:
    """As the truncatechars filter; most labels are short enough to skip Truncator's counting."""
    return label if len(label) <= LABEL_CHARS else Truncator(label).chars(LABEL_CHARS)


@register.inclusion_tag("partners/_bar_chart.html")
def bar_chart(rows, title=""):
    """A horizontal bar per row; the longest bar is the largest count. Small counts stay visible."""
    largest = max((row.count for row in rows), default=0)
    bars = []
    for index, row in enumerate(rows):
        width = round(BAR_WIDTH * row.count / largest) if largest else 0
        width = max(width, 1 if row.count else 0)
        y = index * (BAR_HEIGHT + GAP)
        bars.append(
            {
                "label": escape(_truncated(row.label)),
                "count": escape(localize(row.count)),
                "width": width,
                "y": y,
                "text_y": y + BAR_HEIGHT - 5,
                "number_x": width + LABEL_WIDTH + 4,
                "label_x": LABEL_WIDTH - 6,
                "label_width": LABEL_WIDTH,
                "bar_height": BAR_HEIGHT,
            }
        )
    # Sizes as text: coordinates are not figures to localise.
    return {
        "title": title,
        # The label and count are escaped above; the rest are ints.
        "bars": mark_safe("".join(BAR.format(**bar) for bar in bars)),  # noqa: S308  # nosec B308 B703
        "height": str(max(len(rows) * (BAR_HEIGHT + GAP), BAR_HEIGHT)),
        "total_width": str(LABEL_WIDTH + BAR_WIDTH + NUMBER_WIDTH),
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
