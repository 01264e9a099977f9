"""The rows of "Mijn zaken" (mediators/home.html), written out in Python.

As template loops the rows took about 60 µs each for the open cases (a dozen variables, four
conditions) and 25 µs for the recently closed ones: 1.5 ms of the page for the bench's busiest
mediator (37 cases), whose budget is about 9 ms (issue 9). The rows come ready from
mediators.views.area._with_list_strings (links, labels, date strings); every value is escaped here
as the template engine would, with the standard library's html.escape (see
cases/templatetags/triage_rows.py). tests/mediation/test_my_cases_rows.py renders the same rows
with the loops this replaced (kept as tests/mediation/my_cases_rows_reference.html) and requires the
same HTML for every branch, in Dutch and English.
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

_OPEN_ROW = (
    '<li class="card mb-2"><div class="card-body py-2">'
    '<div class="d-flex flex-wrap align-items-center justify-content-between gap-2">'
    '<a class="h5 mb-0 stretched-link text-nowrap link-primary" href="{url}">{title}</a>'
    '<span class="badge status-badge status-{status}">{status_label}</span>'
    "</div>"
    '<div class="small text-body-secondary">{neighbourhood}</div>'
    "{next_meeting}{follow_up}"
    "</div></li>\n"
)


@register.simple_tag
def my_cases_rows(cases) -> SafeString:
    """The ``<li>`` of each open case of "Mijn zaken" (dicts of _with_list_strings), escaped."""
    no_neighbourhood = escape(gettext("Neighbourhood unknown"))
    next_meeting = escape(gettext("Next meeting"))
    follow_up = escape(gettext("Follow-up on"))
    due_now = f' · <strong class="text-danger-emphasis">{escape(gettext("due now"))}</strong>'
    rows = []
    for case in cases:
        meeting = ""
        if case["next_meeting_at"]:
            meeting = (
                f'<div class="small">{next_meeting}: <time datetime="{escape(case["next_meeting_iso"])}">'
                f"{escape(case['next_meeting_display'])}</time></div>"
            )
        follow = ""
        if case["next_follow_up_on"]:
            follow = (
                f'<div class="small">{follow_up}: <time datetime="{escape(case["next_follow_up_iso"])}">'
                f"{escape(case['next_follow_up_display'])}</time>{due_now if case['follow_up_due'] else ''}</div>"
            )
        rows.append(
            _OPEN_ROW.format(
                url=escape(case["url"]),
                title=escape(case["title"]),
                status=escape(case["status"]),
                status_label=escape(case["status_label"]),
                neighbourhood=escape(case["neighbourhood_name"]) if case["neighbourhood_name"] else no_neighbourhood,
                next_meeting=meeting,
                follow_up=follow,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped  # nosec B308 B703


@register.simple_tag
def recently_closed_rows(cases) -> SafeString:
    """The ``<li>`` of each recently closed case of "Mijn zaken", escaped."""
    rows = []
    for case in cases:
        closed = ""
        if case["closed_at"]:
            closed = f', <time datetime="{escape(case["closed_iso"])}">{escape(case["closed_display"])}</time>'
        rows.append(
            f'<li class="mb-1"><a href="{escape(case["url"])}">{escape(case["number"])}</a>'
            f' <span class="text-body-secondary">– {escape(case["outcome_or_status_label"])}{closed}</span></li>\n'
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above is escaped  # nosec B308 B703
