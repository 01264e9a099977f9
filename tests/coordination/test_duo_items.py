"""The duo on the coordinator's case page, written in Python (duo_items in mediators/templatetags/matching_tags.py),
is what the template loop it replaced wrote: the same HTML for both roles and both answers, in Dutch and English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from mediators.models import Assignment
from mediators.selectors import DUO, lead_first
from mediators.templatetags.matching_tags import duo_items
from tests import factories

pytestmark = pytest.mark.django_db

REFERENCE = Template((Path(__file__).parent / "duo_items_reference.html").read_text())
HOSTILE = '<b>"Ons & Huis"</b>'


def normalised(html: str) -> str:
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(r"> <", "><", html).strip()


@pytest.fixture
def duos():
    """A duo of a lead who accepted and a co-mediator yet to answer, and the other way round."""
    made = []
    for n, (lead_status, co_status) in enumerate(
        (
            (Assignment.Status.ACCEPTED, Assignment.Status.PROPOSED),
            (Assignment.Status.PROPOSED, Assignment.Status.ACCEPTED),
        )
    ):
        case = factories.CaseFactory()
        lead = factories.MediatorFactory(user__first_name=HOSTILE, user__last_name="")
        co = factories.MediatorFactory(user__first_name="", user__last_name="", user__username=f"cor{n}")
        factories.AssignmentFactory(case=case, mediator=co, role=Assignment.Role.CO, status=co_status)
        factories.AssignmentFactory(case=case, mediator=lead, role=Assignment.Role.LEAD, status=lead_status)
        made.append(lead_first(DUO(code=case.code)))
    return made


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_items_are_the_template_loop(duos, language):
    with translation.override(language):
        for duo in duos:
            assert normalised(duo_items(duo)) == normalised(REFERENCE.render(Context({"duo": duo})))


def test_every_branch_is_written_and_escaped(duos):
    with translation.override("nl"):
        html = "".join(duo_items(duo) for duo in duos)
    assert "<b>" not in html and html.count("&lt;b&gt;&quot;Ons &amp; Huis&quot;&lt;/b&gt;") == 2
    assert html.count("Hoofdbemiddelaar:") == 2 and html.count("Co-bemiddelaar:") == 2
    assert html.count("text-bg-success") == 2 and html.count("text-bg-warning") == 2
    assert "cor0" in html and "cor1" in html  # no name: the username, as Mediator.__str__ gives
    assert duo_items([]) == ""
