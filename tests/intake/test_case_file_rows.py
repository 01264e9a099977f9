"""The case file's party cards and timeline, written in Python (cases/templatetags/case_file_rows.py), are
what the template loops they replaced wrote: the same HTML for every branch, in Dutch and in English, escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from cases.models import CaseEvent, Party, Status
from cases.templatetags.case_file_rows import party_cards, timeline_items
from cases.views.case_file import CASE_EVENTS, CASE_PARTIES, _timeline, _with_labels
from tests import factories

pytestmark = pytest.mark.django_db

# The loops of cases/case_detail.html before issue 9 moved them to Python, as they were.
REFERENCE = Template((Path(__file__).parent / "case_file_rows_reference.html").read_text())
HOSTILE = '<b>"Ons & Huis"</b>'


def normalised(html: str) -> str:
    """Without what does not show: whitespace between tags and at the edges (the template's indentation)."""
    html = re.sub(r"\s+", " ", str(html))
    html = re.sub(r"> <", "><", html)
    return re.sub(r"(<(?:dd|li)>) | (</(?:dd|li)>)", r"\1\2", html).strip()


@pytest.fixture
def case_file():
    case = factories.CaseFactory(status=Status.IN_MEDIATION)
    landlord = factories.OrganisationFactory(name=HOSTILE)
    factories.PartyFactory(
        case=case,
        role=Party.Role.A,
        name=HOSTILE,
        interpreter_needed=True,
        tenure="rent",
        landlord=landlord,
        preferred_language="ar",
    )
    factories.PartyFactory(case=case, role=Party.Role.B, name="Bert", phone="+4930123456", tenure="")
    # A party of another case with nothing known but their tenure.
    empty = factories.PartyFactory(name="", street="", postcode="", phone="", email="", tenure="own")
    actor = factories.UserFactory(first_name="Cora", last_name="Coördinator")
    factories.CaseEventFactory(
        case=case, kind=CaseEvent.Kind.CREATED, text="", actor=None, milestone=CaseEvent.Milestone.RECEIVED
    )
    factories.CaseEventFactory(
        case=case, kind=CaseEvent.Kind.STATUS_CHANGE, old_status="", new_status=Status.NEW, text="", actor=actor
    )
    factories.CaseEventFactory(
        case=case,
        kind=CaseEvent.Kind.STATUS_CHANGE,
        old_status=Status.MATCHING,
        new_status=Status.IN_MEDIATION,
        text=HOSTILE,
        actor=actor,
        milestone=CaseEvent.Milestone.TAKEN_UP,
    )
    factories.CaseEventFactory(case=case, kind=CaseEvent.Kind.NOTE, text="Gebeld.\nGeen gehoor.", actor=actor)
    return case, empty.case


def parties_of(case_file) -> list[Party]:
    return [party for case in case_file for party in _with_labels(case, CASE_PARTIES(code=case.code))]


def timeline_of(case) -> list[CaseEvent]:
    return _timeline(case, CASE_EVENTS(code=case.code))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_cards_and_entries_are_the_template_loops(case_file, language):
    with translation.override(language):
        parties = parties_of(case_file)
        events = timeline_of(case_file[0])
        expected = REFERENCE.render(Context({"parties": parties, "events": events}))
        written = f"<parties>\n{party_cards(parties)}</parties>\n<events>\n{timeline_items(events)}</events>"

    assert normalised(written) == normalised(expected)
    assert written.count('<section class="card') == 3 and written.count("<li>") == 4


def test_every_branch_is_covered_and_escaped(case_file):
    with translation.override("nl"):
        html = party_cards(parties_of(case_file)) + timeline_items(timeline_of(case_file[0]))

    assert "<b>" not in html and html.count("&lt;b&gt;&quot;Ons &amp; Huis&quot;&lt;/b&gt;") == 3
    assert html.count("tolk nodig") == 1 and html.count("<dd>–</dd>") == 4  # no name, address, phone, email
    assert 'href="tel:+4930123456"' in html and "+49 30 123456" in html
    assert html.count("Mijlpaal voor verwijzer") == 2 and ": – → " in html
    assert html.count('class="event-text"') == 2


def test_no_parties_or_events_write_nothing():
    assert party_cards([]) == "" and timeline_items([]) == ""
