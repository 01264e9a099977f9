"""The mediator's area: who may open what, the one-tap contact log, the forms, and pinned query counts."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from cases.models import CaseEvent, Meeting, Outcome, Status
from cases.services import AgreementItemData, close_case, record_agreement, record_meeting_outcome
from mediators.models import Assignment
from tests import factories
from tests.mediation.conftest import CANARIES, assign, at, make_case, plan

pytestmark = pytest.mark.django_db


def case_url(case, name="mediators:case", **kwargs):
    return reverse(name, kwargs={"code": case.code, **kwargs})


def assert_no_canary(response):
    html = response.content.decode()
    for what, canary in CANARIES.items():
        assert canary not in html, what


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


# Access: the one allowed, the one in the same role but not allowed, the anonymous visitor


def test_the_assigned_mediator_sees_the_parties_with_tap_to_call(client, case, lead):
    client.force_login(lead.user)
    response = client.get(case_url(case))
    assert response.status_code == 200
    html = response.content.decode()
    assert CANARIES["party_a_name"] in html and CANARIES["party_b_name"] in html
    assert f'href="tel:{CANARIES["party_phone"]}"' in html
    assert f'href="mailto:{CANARIES["party_email"]}"' in html
    assert "Gebeld, geen gehoor" in html


def test_a_coordinator_sees_the_mediation_page(client, case, coordinator):
    client.force_login(coordinator)
    assert client.get(case_url(case)).status_code == 200


@pytest.mark.parametrize("who", ["other_mediator", "proposed_mediator", "referrer"])
def test_everyone_else_gets_a_404_without_personal_data(client, case, who, partner):
    if who == "other_mediator":
        user = factories.MediatorFactory().user
    elif who == "proposed_mediator":
        proposed = factories.MediatorFactory()
        Assignment.objects.filter(case=case, role=Assignment.Role.CO).update(status=Assignment.Status.DECLINED)
        assign(case, proposed, role=Assignment.Role.CO, status=Assignment.Status.PROPOSED)
        user = proposed.user
    else:
        user = partner[1]
    client.force_login(user)
    for url in (
        case_url(case),
        case_url(case, "mediators:plan_meeting"),
        case_url(case, "mediators:close"),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert_no_canary(response)
    response = client.post(
        case_url(case, "mediators:log_contact"), {"party": case.parties.first().pk, "result": "spoken"}
    )
    assert response.status_code == 404
    assert not case.events.filter(kind=CaseEvent.Kind.CONTACT_ATTEMPT).exists()


def test_an_unknown_or_malformed_code_is_a_404(client, lead, case):
    client.force_login(lead.user)
    assert client.get(reverse("mediators:case", kwargs={"code": uuid.uuid4()})).status_code == 404
    response = client.get("/bemiddelaar/zaken/2026-0001/")
    assert response.status_code == 404
    assert_no_canary(response)


def test_the_anonymous_visitor_is_sent_to_log_in(client, case):
    response = client.get(case_url(case))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_after_closing_the_mediator_still_reads_but_no_longer_acts(client, case, lead):
    close_case(case=case, actor=lead.user, outcome=Outcome.RESOLVED_JOINT_MEETING)
    client.force_login(lead.user)
    response = client.get(case_url(case))
    assert response.status_code == 200
    assert "Gebeld, geen gehoor" not in response.content.decode()
    assert client.get(case_url(case, "mediators:plan_meeting")).status_code == 404


def test_the_co_mediator_may_not_close(client, case, co, lead):
    client.force_login(co.user)
    assert client.get(case_url(case, "mediators:close")).status_code == 404
    client.force_login(lead.user)
    assert client.get(case_url(case, "mediators:close")).status_code == 200


# "Mijn zaken"


def test_my_cases_lists_only_accepted_cases_with_the_next_meeting(client, case, lead):
    plan(case, by=lead, start=at(5, 19))
    proposed_case = make_case()
    assign(proposed_case, lead, status=Assignment.Status.PROPOSED)
    foreign = make_case()
    assign(foreign, factories.MediatorFactory())
    client.force_login(lead.user)

    response = client.get(reverse("mediators:home"))

    html = response.content.decode()
    assert case_url(case) in html
    assert proposed_case.number not in html and foreign.number not in html
    assert "do 5 mrt, 19:00" in html
    assert_no_canary(response)


def _cases_for(mediator, count):
    for _ in range(count):
        other = make_case()
        assign(other, mediator)
        plan(other, by=mediator, start=at(4, 8) + timedelta(hours=2 * other.pk), mediators=[mediator])


@pytest.mark.parametrize("count", [3, 20])
def test_my_cases_takes_the_same_queries_however_many_cases(client, django_assert_num_queries, frozen, lead, count):
    _cases_for(lead, count)
    client.force_login(lead.user)
    # (the session comes from the cache) user with groups, the cases with their wijk,
    # next meeting and next nazorg date (subqueries, not a query per case), and the count of proposals waiting for an
    # answer (the proposals part of the page).
    with django_assert_num_queries(3):
        response = client.get(reverse("mediators:home"))
    assert response.content.decode().count("Volgend gesprek") == count


def _busy_case(case, lead, frozen, *, meetings):
    for index in range(meetings):
        meeting = plan(case, by=lead, start=at(3, 8) + timedelta(hours=2 * index), kind=Meeting.Kind.JOINT)
        frozen.move_to(meeting.ends_at + timedelta(minutes=1))
        record_meeting_outcome(meeting=meeting, actor=lead.user, status=Meeting.Status.HELD)
        if case.status == Status.IN_MEDIATION or index % 2:
            record_agreement(
                meeting=meeting, actor=lead.user, items=[AgreementItemData(text=f"Afspraak {index}")] * 2, signed=True
            )


@pytest.mark.parametrize("meetings", [3, 20])
def test_the_case_page_takes_the_same_queries_however_full(
    client, django_assert_num_queries, case, lead, frozen, meetings
):
    _busy_case(case, lead, frozen, meetings=meetings)
    client.force_login(lead.user)
    # (the session comes from the cache) user with groups; the case with its wijk (guard); its assignments with
    # mediators; meetings; their mediators (prefetch); agreements; their items (prefetch); conflict types; parties;
    # events with actors; the access record (one INSERT).
    with django_assert_num_queries(11):
        response = client.get(case_url(case))
    assert response.status_code == 200
    assert response.content.decode().count("Gezamenlijk bemiddelingsgesprek") >= meetings


# One tap, forms and their services


def test_one_tap_logs_a_contact_attempt(client, case, co):
    client.force_login(co.user)
    party_b = case.parties.get(role="B")
    response = client.post(
        case_url(case, "mediators:log_contact"), {"party": party_b.pk, "result": "no_answer"}, follow=True
    )
    assert response.status_code == 200
    event = case.events.get(kind=CaseEvent.Kind.CONTACT_ATTEMPT)
    assert event.text == "Partij B (de andere partij): Gebeld, geen gehoor"
    assert "Vastgelegd voor Partij B (de andere partij): Gebeld, geen gehoor." in messages_of(response)


def test_a_party_of_another_case_is_a_404(client, case, co):
    client.force_login(co.user)
    other = make_case()
    response = client.post(
        case_url(case, "mediators:log_contact"), {"party": other.parties.first().pk, "result": "spoken"}
    )
    assert response.status_code == 404


def _meeting_form(**overrides):
    return {
        "kind": "joint",
        "day": "2026-03-05",
        "start": "19:00",
        "end": "20:30",
        "location_kind": "neutral",
        "location": "Wijkcentrum De Schakel",
        **overrides,
    }


def test_planning_through_the_form(client, case, lead, co):
    client.force_login(lead.user)
    response = client.post(
        case_url(case, "mediators:plan_meeting"), _meeting_form(mediators=[lead.pk, co.pk]), follow=True
    )
    assert response.status_code == 200
    meeting = case.meetings.get()
    assert meeting.starts_at == at(5, 19) and meeting.ends_at == at(5, 20, 30)
    assert meeting.location_kind == Meeting.LocationKind.NEUTRAL
    assert set(meeting.mediators.all()) == {lead, co}


def test_the_form_shows_the_clash_of_a_double_booking(client, case, lead, co):
    other = make_case()
    assign(other, co)
    plan(other, by=co, start=at(5, 18), mediators=[co])
    client.force_login(lead.user)

    response = client.post(case_url(case, "mediators:plan_meeting"), _meeting_form(mediators=[lead.pk, co.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Cor Collega heeft al een gesprek op 5 maart 2026 van 18:00 tot 19:30" in html
    assert f"(zaak {other.number})" in html
    assert not case.meetings.exists()


def test_a_mediator_not_on_the_case_cannot_be_chosen(client, case, lead):
    outsider = factories.MediatorFactory()
    client.force_login(lead.user)
    response = client.post(case_url(case, "mediators:plan_meeting"), _meeting_form(mediators=[outsider.pk]))
    assert response.status_code == 200
    assert not case.meetings.exists()


def test_recording_held_leads_to_the_agreements_form(client, case, lead, frozen):
    meeting = plan(case, by=lead, start=at(3, 19))
    frozen.move_to(at(3, 21))
    client.force_login(lead.user)

    response = client.post(
        case_url(case, "mediators:record_meeting", meeting_id=meeting.pk), {"status": "held", "note": "Goed gesprek"}
    )

    assert response.status_code == 302
    assert response["Location"] == case_url(case, "mediators:record_agreement", meeting_id=meeting.pk)
    form_page = client.get(response["Location"])
    assert 'value="2026-04-14"' in form_page.content.decode()  # nazorg defaults to six weeks later
    response = client.post(
        response["Location"],
        {
            "items-TOTAL_FORMS": "3",
            "items-INITIAL_FORMS": "0",
            "items-0-text": "Geen muziek na 22:00",
            "items-0-who": "Partij B",
            "items-1-text": "Heg snoeien",
            "items-1-due_on": "2026-04-01",
            "items-2-text": "",
            "signed": "on",
            "follow_up_on": "2026-04-14",
        },
    )
    assert response.status_code == 302
    agreement = case.agreements.get()
    assert [item.text for item in agreement.items.all()] == ["Geen muziek na 22:00", "Heg snoeien"]
    case.refresh_from_db()
    assert case.status == Status.FOLLOW_UP


def test_add_a_row_without_javascript(client, case, lead, frozen):
    meeting = plan(case, by=lead, start=at(3, 19))
    frozen.move_to(at(3, 21))
    record_meeting_outcome(meeting=meeting, actor=lead.user, status=Meeting.Status.HELD)
    client.force_login(lead.user)
    url = case_url(case, "mediators:record_agreement", meeting_id=meeting.pk)
    response = client.post(
        url,
        {
            "items-TOTAL_FORMS": "3",
            "items-INITIAL_FORMS": "0",
            "items-0-text": "Eerste",
            "add_row": "1",
            "follow_up_on": "2026-04-14",
        },
    )
    html = response.content.decode()
    assert len(re.findall(r'name="items-\d+-text"', html)) == 4
    assert "Eerste" in html
    assert not case.agreements.exists()


def test_follow_up_then_close_then_reopen_through_the_pages(client, case, lead, coordinator, frozen, partner):
    meeting = plan(case, by=lead, start=at(3, 19))
    frozen.move_to(at(3, 21))
    record_meeting_outcome(meeting=meeting, actor=lead.user, status=Meeting.Status.HELD)
    agreement = record_agreement(meeting=meeting, actor=lead.user, items=[AgreementItemData(text="X")], signed=False)
    frozen.move_to(at(14, 10, month=4))
    client.force_login(lead.user)

    response = client.post(
        case_url(case, "mediators:record_follow_up", agreement_id=agreement.pk), {"result": "kept", "note": ""}
    )
    assert response.status_code == 302
    response = client.post(case_url(case, "mediators:close"), {"outcome": Outcome.RESOLVED_JOINT_MEETING})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert set(case.assignments.values_list("status", flat=True)) == {Assignment.Status.COMPLETED}

    client.force_login(partner[1])
    milestones = client.get(reverse("cases:referral_detail", kwargs={"code": case.code}))
    assert "Afgesloten: opgelost" in milestones.content.decode()

    client.force_login(lead.user)
    assert client.get(case_url(case, "mediators:reopen")).status_code == 404
    client.force_login(coordinator)
    response = client.post(case_url(case, "mediators:reopen"), {"reason": "Overlast is terug"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.IN_MEDIATION


def test_resume_from_follow_up(client, case, lead, frozen):
    meeting = plan(case, by=lead, start=at(3, 19))
    frozen.move_to(at(3, 21))
    record_meeting_outcome(meeting=meeting, actor=lead.user, status=Meeting.Status.HELD)
    record_agreement(meeting=meeting, actor=lead.user, items=[AgreementItemData(text="X")], signed=False)
    client.force_login(lead.user)
    response = client.post(case_url(case, "mediators:resume"), {"reason": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.IN_MEDIATION


def test_the_case_file_links_to_the_mediation_page(client, case, lead):
    client.force_login(lead.user)
    response = client.get(reverse("cases:detail", kwargs={"code": case.code}))
    assert case_url(case) in response.content.decode()


def test_pages_are_csp_friendly(client, case, lead):
    client.force_login(lead.user)
    for url in (reverse("mediators:home"), case_url(case), case_url(case, "mediators:plan_meeting")):
        html = client.get(url).content.decode()
        assert 'style="' not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
