"""The rows of "Mijn zaken", written in Python (mediators/templatetags/my_cases_rows.py), are the rows the
template loops they replaced wrote: the same HTML for every branch, in Dutch and in English, escaped."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from cases.models import Outcome, Status
from mediators.templatetags.my_cases_rows import my_cases_rows, recently_closed_rows
from mediators.views.area import _with_list_strings

# The loops of mediators/home.html before issue 9 moved them to Python, as they were.
REFERENCE = Template((Path(__file__).parent / "my_cases_rows_reference.html").read_text())
TODAY = date(2026, 3, 27)
HOSTILE = '<b>"Ons & Huis"</b>'


def normalised(html: str) -> str:
    """Without what does not show: whitespace between tags and at the edges (the template's indentation)."""
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(r"> <", "><", html).strip()


def row(number, status, *, neighbourhood=None, meeting=None, follow_up=None, closed=None, outcome=""):
    return {
        "code": uuid.uuid4(),
        "number": number,
        "status": status,
        "closed_at": closed,
        "outcome": outcome,
        "neighbourhood_name": neighbourhood,
        "next_meeting_at": meeting,
        "next_follow_up_on": follow_up,
    }


@pytest.fixture
def rows():
    at = datetime(2026, 3, 29, 9, 30, tzinfo=ZoneInfo("UTC"))  # the day summer time starts
    cases = [
        row("2026-0001", Status.IN_MEDIATION, neighbourhood="Velve-Lindenhof", meeting=at, follow_up=TODAY),
        row("2026-0002", Status.FOLLOW_UP, follow_up=TODAY + timedelta(days=1)),  # no wijk, not due yet
        row("2026-0003", Status.MATCHING, neighbourhood=HOSTILE),  # nothing planned, a name to escape
        row("2026-0004", Status.IN_MEDIATION, neighbourhood="Boswinkel", meeting=at + timedelta(days=3)),
        row("2026-0005", Status.CLOSED, closed=at - timedelta(days=30), outcome=Outcome.RESOLVED_JOINT_MEETING),
        row("2026-0006", Status.CLOSED, closed=at - timedelta(days=2)),  # no outcome: the status
        row("<i>2026-0007</i>", Status.CLOSED),  # no date of closing; a number to escape
    ]
    with_strings = _with_list_strings(cases, today=TODAY)
    return [c for c in with_strings if c["is_open"]], [c for c in with_strings if not c["is_open"]]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_rows_are_the_template_loops_rows(rows, language):
    open_cases, closed_cases = rows
    with translation.override(language):
        expected = REFERENCE.render(Context({"cases": open_cases, "closed_cases": closed_cases}))
        written = f"<open>\n{my_cases_rows(open_cases)}</open>\n<closed>\n{recently_closed_rows(closed_cases)}</closed>"

    assert normalised(written) == normalised(expected)
    assert written.count('<li class="card') == 4 and written.count('<li class="mb-1"') == 3


def test_every_branch_is_covered_and_escaped(rows):
    open_cases, closed_cases = rows
    with translation.override("nl"):
        html = my_cases_rows(open_cases) + recently_closed_rows(closed_cases)

    assert html.count("Volgend gesprek") == 2 and html.count("Nazorg op") == 2 and html.count("nu te doen") == 1
    assert html.count("Wijk onbekend") == 1
    assert "&lt;b&gt;&quot;Ons &amp; Huis&quot;&lt;/b&gt;" in html and "<b>" not in html
    assert "&lt;i&gt;2026-0007&lt;/i&gt;" in html and "<i>" not in html
    assert html.count("<time") == 6  # two meetings, two follow-ups, two dates of closing


def test_empty_lists_have_no_rows():
    assert my_cases_rows([]) == "" and recently_closed_rows([]) == ""
