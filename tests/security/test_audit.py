"""Access audit (issue 7): every view of a case's personal data and every export leaves one record.

The records and the log output carry no personal value: canary values in the parties, the case
and its free text are looked for in every AccessRecord and in everything logged while browsing.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AccessRecord
from audit.services import record_access
from buurtbemiddeling.notifications import describe_error
from cases.models import Agreement, Case, Meeting, Party
from cases.services import AgreementItemData, record_agreement, record_meeting_outcome
from mediators.models import Assignment, VolunteerApplication
from tests import factories
from tests.mediation.conftest import CANARIES, NOW, assign, at, make_case, plan

Action = AccessRecord.Action

EVENT_CANARY = "Canary: buurman dreigde met de politie"
AGREEMENT_CANARY = "Canary: de hond 's nachts binnen"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def lead(db):
    return factories.MediatorFactory(user__username="lead-mediator", user__first_name="Lies", user__last_name="Leider")


@pytest.fixture
def other_mediator(db):
    return factories.MediatorFactory(user__username="andere-bemiddelaar")


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="beheerder", is_staff=True, is_superuser=True)


@pytest.fixture
def case(frozen, lead, organisation, referrer):
    """A referred case in follow-up with canaries everywhere: parties, address, description, texts.

    A held meeting with agreements (the follow-up form), a held meeting without (the agreement
    form) and a planned meeting at a party's home (the outcome form).
    """
    case = make_case(referring_organisation=organisation, referred_by=referrer)
    assign(case, lead, role=Assignment.Role.LEAD)
    factories.CaseEventFactory(case=case, text=EVENT_CANARY)
    first = plan(case, by=lead, start=at(3, 8))
    second = plan(case, by=lead, start=at(3, 11))
    frozen.move_to(at(3, 14))
    record_meeting_outcome(meeting=first, actor=lead.user, status=Meeting.Status.HELD, note=CANARIES["meeting_note"])
    record_meeting_outcome(meeting=second, actor=lead.user, status=Meeting.Status.HELD)
    record_agreement(meeting=first, actor=lead.user, items=[AgreementItemData(text=AGREEMENT_CANARY)], signed=True)
    plan(
        case,
        by=lead,
        start=at(5, 10),
        location_kind=Meeting.LocationKind.HOME_A,
        location=CANARIES["home_location"],
    )
    case.refresh_from_db()
    return case


def _new_records(since: int) -> list[AccessRecord]:
    return list(AccessRecord.objects.filter(pk__gt=since).order_by("pk"))


def _last_pk() -> int:
    return AccessRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _pages(case, lead):
    """(who, url, action, detail) of every page that shows a case's personal data."""
    first, second, planned = case.meetings.order_by("starts_at")
    agreement = Agreement.objects.get(meeting=first)
    assignment = Assignment.objects.get(case=case, mediator=lead)
    code = {"code": case.code}
    mediator = [
        ("mediators:case", code, "mediation"),
        ("mediators:plan_meeting", code, "meeting_form"),
        ("mediators:record_meeting", {**code, "meeting_id": planned.pk}, "meeting_outcome_form"),
        ("mediators:record_agreement", {**code, "meeting_id": second.pk}, "agreement_form"),
        ("mediators:record_follow_up", {**code, "agreement_id": agreement.pk}, "follow_up_form"),
        ("mediators:close", code, "close_form"),
        ("mediators:resume", code, "resume_form"),
    ]
    pages = [("lead", reverse(name, kwargs=kwargs), Action.CASE_PAGE, detail) for name, kwargs, detail in mediator]
    pages += [
        ("lead", reverse("mediators:proposal", kwargs={"code": assignment.code}), Action.CASE_PAGE, "proposal-summary"),
        ("lead", reverse("cases:detail", kwargs=code), Action.CASE_PAGE, ""),
        ("coordinator", reverse("cases:detail", kwargs=code), Action.CASE_PAGE, ""),
        ("coordinator", reverse("mediators:case", kwargs=code), Action.CASE_PAGE, "mediation"),
        ("coordinator", reverse("mediators:case_matching", kwargs=code), Action.CASE_PAGE, "matching"),
        ("referrer", reverse("cases:referral_detail", kwargs=code), Action.CASE_PAGE, "referral"),
    ]
    return pages


def _admin_pages(case):
    party = case.parties.first()
    meeting = case.meetings.order_by("starts_at").first()
    agreement = Agreement.objects.get(meeting=meeting)
    event = case.events.first()
    item = agreement.items.first()
    return [
        (reverse("admin:cases_case_change", args=[case.pk]), f"case:{case.pk}"),
        (reverse("admin:cases_party_change", args=[party.pk]), f"party:{party.pk}"),
        (reverse("admin:cases_meeting_change", args=[meeting.pk]), f"meeting:{meeting.pk}"),
        (reverse("admin:cases_agreement_change", args=[agreement.pk]), f"agreement:{agreement.pk}"),
        (reverse("admin:cases_agreementitem_change", args=[item.pk]), f"agreementitem:{item.pk}"),
        (reverse("admin:cases_caseevent_change", args=[event.pk]), f"caseevent:{event.pk}"),
    ]


@pytest.fixture
def users(lead, coordinator, referrer, superuser):
    return {"lead": lead.user, "coordinator": coordinator, "referrer": referrer, "superuser": superuser}


# One record per page ---------------------------------------------------------------------------


def test_every_case_page_writes_exactly_one_record(client, case, lead, users):
    pages = _pages(case, lead)
    assert len(pages) == 13
    for who, url, action, detail in pages:
        client.force_login(users[who])
        since = _last_pk()
        response = client.get(url)
        assert response.status_code == 200, url
        records = _new_records(since)
        assert [(r.user_id, r.case_id, r.action, r.detail, r.at) for r in records] == [
            (users[who].pk, case.pk, action, detail, timezone.now())
        ], url


@pytest.mark.parametrize(
    "who, name",
    [
        ("coordinator", "cases:detail"),
        ("lead", "mediators:case"),
        ("lead", "mediators:plan_meeting"),
        ("referrer", "cases:referral_detail"),
        ("coordinator", "mediators:case_matching"),
        ("coordinator", "audit:case_access_log"),
    ],
)
def test_an_unknown_case_writes_no_record(client, case, users, who, name):
    client.force_login(users[who])
    since = _last_pk()

    response = client.get(reverse(name, kwargs={"code": uuid.uuid4()}))

    assert response.status_code == 404
    assert _new_records(since) == []


@pytest.mark.parametrize("name", ["cases:detail", "mediators:case", "cases:referral_detail"])
def test_a_case_that_is_not_yours_writes_no_record(client, case, other_mediator, other_referrer, name):
    for user in (other_mediator.user, other_referrer):
        client.force_login(user)
        since = _last_pk()
        assert client.get(reverse(name, kwargs={"code": case.code})).status_code == 404
        assert _new_records(since) == []


def test_a_refused_action_that_shows_the_page_again_is_recorded_once(client, case, coordinator):
    client.force_login(coordinator)
    since = _last_pk()

    # A close without an outcome: the case page again, with the error.
    response = client.post(reverse("cases:close", kwargs={"code": case.code}), {"close-text": "x"})

    assert response.status_code == 200
    assert [(r.action, r.case_id) for r in _new_records(since)] == [(Action.CASE_PAGE, case.pk)]


def test_an_action_that_redirects_writes_no_page_record(client, case, lead):
    client.force_login(lead.user)
    since = _last_pk()

    response = client.post(reverse("mediators:resume", kwargs={"code": case.code}), {"reason": "Nog een gesprek"})

    assert response.status_code == 302
    assert _new_records(since) == []


def test_the_form_page_shown_again_after_a_post_is_recorded_once(client, case, lead):
    client.force_login(lead.user)
    since = _last_pk()

    response = client.post(reverse("mediators:close", kwargs={"code": case.code}), {"outcome": "nonsense"})

    assert response.status_code == 200
    assert [(r.detail, r.case_id) for r in _new_records(since)] == [("close_form", case.pk)]


def test_listing_pages_write_no_record(client, case, lead, coordinator, referrer):
    for user, name in ((lead.user, "mediators:home"), (coordinator, "cases:triage"), (referrer, "cases:referrals")):
        client.force_login(user)
        since = _last_pk()
        assert client.get(reverse(name)).status_code == 200
        assert _new_records(since) == []


# Exports -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_a_report_export_is_recorded_without_a_case(client, steering_member, export_format):
    client.force_login(steering_member)
    since = _last_pk()

    response = client.get(reverse("partners:report"), {"format": export_format})

    assert response.status_code == 200
    assert [(r.user_id, r.case_id, r.action, r.detail) for r in _new_records(since)] == [
        (steering_member.pk, None, Action.EXPORT, f"convenant-report:{export_format}")
    ]


def test_the_report_page_itself_is_not_an_export(client, coordinator):
    client.force_login(coordinator)
    since = _last_pk()

    assert client.get(reverse("partners:report")).status_code == 200

    assert _new_records(since) == []


def test_the_admin_report_export_is_recorded(client, superuser):
    client.force_login(superuser)
    since = _last_pk()

    response = client.get(reverse("admin:partners_report"), {"format": "csv"})

    assert response.status_code == 200
    assert [(r.action, r.detail) for r in _new_records(since)] == [(Action.EXPORT, "convenant-report:csv")]


def test_the_calendar_feed_is_recorded_as_an_export_of_its_mediator(client, case, lead):
    since = _last_pk()

    response = client.get(reverse("mediators:calendar_feed", kwargs={"token": lead.calendar_token}))

    assert response.status_code == 200
    assert [(r.user_id, r.case_id, r.action, r.detail) for r in _new_records(since)] == [
        (lead.user_id, None, Action.EXPORT, "calendar")
    ]


def test_an_unknown_calendar_token_writes_no_record(client, case):
    since = _last_pk()

    assert client.get(reverse("mediators:calendar_feed", kwargs={"token": "x" * 43})).status_code == 404

    assert _new_records(since) == []


def test_the_admin_csv_export_is_recorded_with_its_name_and_size(client, case, superuser):
    client.force_login(superuser)
    factories.CaseFactory()
    since = _last_pk()

    response = client.post(
        reverse("admin:cases_case_changelist"),
        {"action": "export", ACTION_CHECKBOX_NAME: [str(pk) for pk in Case.objects.values_list("pk", flat=True)]},
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert [(r.user_id, r.case_id, r.action, r.detail) for r in _new_records(since)] == [
        (superuser.pk, None, Action.EXPORT, "admin-csv:zaken:2")
    ]


# The admin ---------------------------------------------------------------------------------------


def test_every_admin_change_view_of_case_data_writes_one_record(client, case, superuser):
    client.force_login(superuser)
    for url, detail in _admin_pages(case):
        since = _last_pk()
        assert client.get(url).status_code == 200, url
        assert [(r.user_id, r.case_id, r.action, r.detail) for r in _new_records(since)] == [
            (superuser.pk, case.pk, Action.ADMIN_VIEW, detail)
        ], url


def test_admin_change_views_of_other_personal_models_are_recorded_without_a_case(client, case, lead, superuser):
    client.force_login(superuser)
    application = VolunteerApplication.objects.create(
        name="Canary Vera Vrijwilliger", email="vera@kanarie.example", received_at=timezone.now()
    )
    pages = [
        (reverse("admin:mediators_mediator_change", args=[lead.pk]), f"mediator:{lead.pk}"),
        (reverse("admin:auth_user_change", args=[lead.user_id]), f"user:{lead.user_id}"),
        (
            reverse("admin:mediators_volunteerapplication_change", args=[application.pk]),
            f"volunteerapplication:{application.pk}",
        ),
    ]
    for url, detail in pages:
        since = _last_pk()
        assert client.get(url).status_code == 200, url
        assert [(r.case_id, r.action, r.detail) for r in _new_records(since)] == [(None, Action.ADMIN_VIEW, detail)]


def test_the_party_list_in_the_admin_is_recorded_but_not_the_case_list(client, case, superuser):
    client.force_login(superuser)
    since = _last_pk()

    assert client.get(reverse("admin:cases_party_changelist"), {"q": "Canary"}).status_code == 200
    assert client.get(reverse("admin:cases_case_changelist")).status_code == 200

    assert [(r.case_id, r.action, r.detail) for r in _new_records(since)] == [(None, Action.ADMIN_VIEW, "party:list")]


def test_an_admin_change_view_of_a_missing_object_writes_no_record(client, case, superuser):
    client.force_login(superuser)
    since = _last_pk()

    response = client.get(reverse("admin:cases_party_change", args=[999_999]))

    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert _new_records(since) == []


def test_saving_a_party_in_the_admin_is_recorded_once(client, case, superuser):
    client.force_login(superuser)
    party = case.parties.get(role=Party.Role.A)
    url = reverse("admin:cases_party_change", args=[party.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(case=case.pk, role=party.role, name=party.name, preferred_language=party.preferred_language)
    since = _last_pk()

    response = client.post(url, data)

    assert response.status_code in (200, 302)
    assert [(r.case_id, r.detail) for r in _new_records(since)] == [(case.pk, f"party:{party.pk}")]


def test_access_records_are_read_only_in_the_admin(client, case, superuser, coordinator):
    client.force_login(superuser)
    record = record_access(coordinator, action=Action.CASE_PAGE, case=case)

    assert client.get(reverse("admin:audit_accessrecord_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_accessrecord_changelist"), {"action__exact": "export"}).status_code == 200
    assert client.get(reverse("admin:audit_accessrecord_add")).status_code == 403
    assert client.post(reverse("admin:audit_accessrecord_delete", args=[record.pk]), {"post": "yes"}).status_code == 403
    # The change page is a read-only view: a POST changes nothing.
    client.post(reverse("admin:audit_accessrecord_change", args=[record.pk]), {"action": "export", "detail": "x"})
    record.refresh_from_db()
    assert (record.action, record.detail) == (Action.CASE_PAGE, "")


# No personal value in a record or a log line ------------------------------------------------------


def test_no_canary_in_any_record_or_log_line_while_browsing_everything(client, case, lead, users, caplog):
    canaries = [*CANARIES.values(), EVENT_CANARY, AGREEMENT_CANARY, *case.parties.values_list("email", flat=True)]
    pages = [(who, url) for who, url, _action, _detail in _pages(case, lead)]
    pages += [("superuser", url) for url, _detail in _admin_pages(case)]
    pages += [
        ("coordinator", reverse("audit:case_access_log", kwargs={"code": case.code})),
        ("coordinator", reverse("partners:report") + "?format=csv"),
        (None, reverse("mediators:calendar_feed", kwargs={"token": lead.calendar_token})),
        ("lead", reverse("cases:detail", kwargs={"code": uuid.uuid4()})),  # a 404 logs its path
    ]
    seen = ""
    with caplog.at_level(logging.DEBUG):
        for who, url in pages:
            if who is None:
                client.logout()
            else:
                client.force_login(users[who])
            response = client.get(url)
            seen += response.content.decode(errors="replace")
        # A refused action and a search with a name in it are logged neither.
        client.force_login(users["coordinator"])
        client.post(reverse("cases:close", kwargs={"code": case.code}), {"close-text": CANARIES["party_a_name"]})

    # The canaries were on the pages (so this test can fail) ...
    assert CANARIES["party_a_name"] in seen and EVENT_CANARY in seen
    # ... and in no access record and no log line.
    details = " ".join(AccessRecord.objects.values_list("detail", flat=True))
    assert AccessRecord.objects.count() >= len(pages) - 3
    logged = caplog.text + " ".join(str(record.args) for record in caplog.records)
    for canary in canaries:
        assert canary not in details, canary
        assert canary not in logged, canary


def test_an_smtp_error_is_described_without_the_recipients_address():
    import smtplib

    error = smtplib.SMTPRecipientsRefused({CANARIES["party_email"]: (550, b"5.1.1 <anna.aarts@kanarie.example>")})

    text = describe_error(error)

    assert "SMTPRecipientsRefused" in text and "550" in text
    assert "kanarie" not in text


# The access log page -----------------------------------------------------------------------------


def test_the_coordinator_sees_the_access_log_newest_first(client, case, coordinator, lead, frozen):
    record_access(lead.user, action=Action.CASE_PAGE, case=case, detail="mediation")
    frozen.shift(timedelta(minutes=5))
    record_access(coordinator, action=Action.CASE_PRINT, case=case)
    record_access(lead.user, action=Action.CASE_PAGE, case=factories.CaseFactory())  # another case
    client.force_login(coordinator)

    with translation.override("en"):
        response = client.get(reverse("audit:case_access_log", kwargs={"code": case.code}))

    assert response.status_code == 200
    records = list(response.context["page"])
    assert [(r.user_id, r.action) for r in records] == [
        (coordinator.pk, Action.CASE_PRINT),
        (lead.user_id, Action.CASE_PAGE),
    ]
    content = response.content.decode()
    assert content.index("Corry") < content.index("Lies Leider")
    assert str(Action.CASE_PRINT.label) in content
    # The page is not itself a view of personal data: it adds no record.
    assert AccessRecord.objects.filter(case=case).count() == 2


def test_the_access_log_is_paginated(client, case, coordinator, lead):
    AccessRecord.objects.bulk_create(
        [AccessRecord(user=lead.user, case=case, action=Action.CASE_PAGE) for _ in range(55)]
    )
    client.force_login(coordinator)
    url = reverse("audit:case_access_log", kwargs={"code": case.code})

    first, second = client.get(url), client.get(url, {"page": 2})

    assert len(first.context["page"]) == 50 and len(second.context["page"]) == 5
    assert client.get(url, {"page": "abc"}).status_code == 200


def test_the_coordinators_case_page_links_to_the_access_log(client, case, coordinator, lead):
    url = reverse("audit:case_access_log", kwargs={"code": case.code})
    client.force_login(coordinator)
    assert url in client.get(reverse("cases:detail", kwargs={"code": case.code})).content.decode()
    client.force_login(lead.user)
    assert url not in client.get(reverse("cases:detail", kwargs={"code": case.code})).content.decode()


@pytest.mark.parametrize("who", ["lead", "referrer", "steering", "other_mediator"])
def test_the_access_log_is_for_coordinators_only(client, case, lead, referrer, steering_member, other_mediator, who):
    user = {
        "lead": lead.user,
        "referrer": referrer,
        "steering": steering_member,
        "other_mediator": other_mediator.user,
    }[who]
    client.force_login(user)

    assert client.get(reverse("audit:case_access_log", kwargs={"code": case.code})).status_code == 404


def test_the_access_log_sends_anonymous_visitors_to_the_login(client, case):
    response = client.get(reverse("audit:case_access_log", kwargs={"code": case.code}))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_access_log_url_holds_only_the_case_code(case):
    assert reverse("audit:case_access_log", kwargs={"code": case.code}) == f"/zaken/{case.code}/inzage/"


@pytest.mark.parametrize("count", [1, 30])
def test_the_access_log_takes_the_same_queries_however_long(client, case, coordinator, lead, count):
    AccessRecord.objects.bulk_create(
        [AccessRecord(user=lead.user, case=case, action=Action.CASE_PAGE) for _ in range(count)]
    )
    client.force_login(coordinator)
    url = reverse("audit:case_access_log", kwargs={"code": case.code})
    client.get(url)
    # (the session comes from the cache) user with groups; the case (guard); the count and the page of
    # records with their users.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == 4


def test_a_case_page_adds_exactly_one_insert_and_no_select(client, case, coordinator):
    client.force_login(coordinator)
    url = reverse("cases:detail", kwargs={"code": case.code})
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    audit_queries = [q["sql"] for q in queries if "audit_accessrecord" in q["sql"]]
    assert len(audit_queries) == 1 and audit_queries[0].lstrip().upper().startswith("INSERT")


def test_the_reopen_page_of_a_closed_case_writes_one_record_for_the_coordinator_only(client, case, lead, coordinator):
    from cases.models import Outcome
    from cases.services import close_case

    close_case(case=case, actor=lead.user, outcome=Outcome.RESOLVED_JOINT_MEETING)
    url = reverse("mediators:reopen", kwargs={"code": case.code})
    since = _last_pk()

    # The lead may read the case but not reopen it: a 404, and nothing recorded.
    client.force_login(lead.user)
    assert client.get(url).status_code == 404
    client.force_login(coordinator)
    assert client.get(url).status_code == 200

    assert [(r.user_id, r.case_id, r.detail) for r in _new_records(since)] == [(coordinator.pk, case.pk, "reopen_form")]
