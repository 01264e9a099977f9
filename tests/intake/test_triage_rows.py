"""The triage table's rows, written in Python (cases/templatetags/triage_rows.py), are the rows the
template loop they replaced wrote: the same HTML for every branch, in Dutch and in English, escaped."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from cases.models import Case
from cases.templatetags.triage_rows import triage_rows
from cases.views.case_file import with_intake_deadlines
from tests import factories

pytestmark = pytest.mark.django_db

# The loop of cases/_triage_table.html before issue 9 moved it to Python, as it was.
REFERENCE = Template((Path(__file__).parent / "triage_rows_reference.html").read_text())


def normalised(html: str) -> str:
    """Without what does not show: whitespace between tags and at the edges of a cell (the template's indentation)."""
    html = re.sub(r"\s+", " ", str(html))
    html = re.sub(r"(<td[^>]*>) ", r"\1", re.sub(r" </td>", "</td>", html))
    return re.sub(r"> <", "><", html).strip()


@pytest.fixture
def queue():
    hood = factories.NeighbourhoodFactory(name="Velve-Lindenhof")
    hostile = factories.OrganisationFactory(name='<b>"Ons & Huis"</b>')
    now = timezone.now()
    for days, flags, neighbourhood, organisation in (
        (20, {"flag_threat": True}, hood, hostile),  # overdue, one flag, a name to escape
        (1, {"flag_psychosocial": True, "flag_language_barrier": True}, None, None),  # no wijk, two flags
        (0, {}, hood, None),  # fresh, no flags
        (9, {"flag_threat": True, "flag_psychosocial": True, "flag_language_barrier": True}, hood, hostile),
    ):
        factories.CaseFactory(
            received_at=now - timedelta(days=days),
            neighbourhood=neighbourhood,
            referring_organisation=organisation,
            channel="partner_referral" if organisation else "phone",
            **flags,
        )
    return with_intake_deadlines(Case.objects.for_triage())


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_rows_are_the_template_loops_rows(queue, language):
    with translation.override(language):
        expected = REFERENCE.render(Context({"queue": queue}))
        written = triage_rows(queue)

    assert normalised(written) == normalised(expected)
    assert written.count("<tr") == 4


def test_every_branch_is_covered_and_escaped(queue):
    with translation.override("nl"):
        html = triage_rows(queue)

    assert html.count('class="overdue"') == 2 and html.count("te laat") == 2
    assert html.count("flag-badge") == 6 and '<td data-label="Signalen">–</td>' in html
    assert "&lt;b&gt;&quot;Ons &amp; Huis&quot;&lt;/b&gt;" in html and "<b>" not in html
    assert ">–</td>" in html  # the case without a wijk


def test_an_empty_queue_has_no_rows():
    assert triage_rows([]) == ""
