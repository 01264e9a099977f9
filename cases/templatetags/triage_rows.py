"""The rows of the triage table (cases/_triage_table.html), written out in Python.

The triage queue is the coordinator's most opened list. As a template loop its rows took about 30 µs
each (some twenty variables, four conditions and five repeated column labels per row), 0.75 ms of a
25-row page whose whole budget is about 6 ms (issue 9); formatted here they take about 6 µs. The rows
come ready from cases.views.case_file.with_intake_deadlines; every value is escaped here as the
template engine would, with the standard library's html.escape that django.utils.html.escape wraps (its
check for lazy arguments cost more than the escaping: some 250 calls per page).
tests/intake/test_triage_rows.py renders the same rows with the template loop this replaced and requires
the same HTML, for every branch (overdue, flags, no wijk, an organisation), in Dutch and English.
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

_ROW = (
    "<tr{overdue_class}>"
    '<th scope="row" class="text-nowrap"><a href="{detail_url}">{number}</a></th>'
    '<td data-label="{received}"><time datetime="{received_iso}">{received_display}</time></td>'
    '<td data-label="{deadline}"><time datetime="{deadline_iso}">{deadline_display}</time>{overdue_badge}</td>'
    '<td data-label="{neighbourhood_label}">{neighbourhood}</td>'
    '<td data-label="{channel}">{channel_text}</td>'
    '<td data-label="{flags_label}">{flags}</td>'
    '<td class="text-md-end"><button type="submit" formaction="{start_intake_url}"'
    ' class="btn btn-sm btn-primary text-nowrap">{start_intake}<span class="visually-hidden"> {number}</span>'
    "</button></td>"
    "</tr>\n"
)
_FLAGS = ("flag_threat", "flag_psychosocial", "flag_language_barrier")


@register.simple_tag
def triage_rows(queue) -> SafeString:
    """The ``<tr>`` of each row of ``queue`` (dicts of with_intake_deadlines), escaped."""
    labels = {
        "received": escape(gettext("Received")),
        "deadline": escape(gettext("Intake deadline")),
        "neighbourhood_label": escape(gettext("Neighbourhood")),
        "channel": escape(gettext("Came in through")),
        "flags_label": escape(gettext("Flags")),
        "start_intake": escape(gettext("Start intake")),
    }
    overdue_badge = f'<span class="badge text-bg-danger ms-1">{escape(gettext("overdue"))}</span>'
    flag_labels = (gettext("threat"), gettext("psychosocial"), gettext("language"))
    flag_badges = {
        flag: f'<span class="badge flag-badge">{escape(label)}</span>'
        for flag, label in zip(_FLAGS, flag_labels, strict=True)
    }
    rows = []
    for case in queue:
        organisation = case["referring_organisation_name"]
        channel_text = escape(case["channel_label"])
        if organisation:
            channel_text += ": " + escape(organisation)
        overdue = case["overdue"]
        rows.append(
            _ROW.format(
                overdue_class=' class="overdue"' if overdue else "",
                detail_url=escape(case["detail_url"]),
                number=escape(case["number"]),
                received_iso=escape(case["received_iso"]),
                received_display=escape(case["received_display"]),
                deadline_iso=escape(case["deadline_iso"]),
                deadline_display=escape(case["deadline_display"]),
                overdue_badge=overdue_badge if overdue else "",
                neighbourhood=escape(case["neighbourhood_name"] or "–"),
                channel_text=channel_text,
                flags=" ".join(badge for flag, badge in flag_badges.items() if case[flag]) or "–",
                start_intake_url=escape(case["start_intake_url"]),
                **labels,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped  # nosec B308 B703
