"""The intake and triage pages: thin views, nothing stored until valid, never a 500."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from buurtbemiddeling.models import Notification
from buurtbemiddeling.roles import Role
from cases.models import Case, CaseEvent, Party, Status
from partners.models import Membership
from tests import factories
from tests.intake.conftest import CANARIES, phone_intake_data, referral_data, self_report_data
from tests.test_ui_shell import assert_csp_friendly, h1

pytestmark = pytest.mark.django_db

REFERRAL_URL = reverse("cases:referral_create")
REPORT_URL = reverse("public:report")
PHONE_URL = reverse("cases:phone_intake")


def nothing_stored():
    return not (
        Case.objects.exists() or Party.objects.exists() or CaseEvent.objects.exists() or Notification.objects.exists()
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


# Referral ---------------------------------------------------------------------------------


def test_the_referral_form_has_fieldsets_for_the_parties_and_the_conflict(client, referrer, service_area):
    client.force_login(referrer)

    response = client.get(REFERRAL_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert h1(response) == "Nieuwe verwijzing"
    for legend in (
        "Partij A: wie wordt verwezen",
        "Partij B: de andere buur, voor zover bekend",
        "Het conflict",
        "Toestemming",
    ):
        assert f"<legend>{legend}</legend>" in html
    assert "U verwijst namens <strong>Ons Huis</strong>." in html
    assert 'name="referring_organisation"' not in html
    assert_csp_friendly(response)


def test_a_referral_is_stored_with_the_organisation_of_the_login(
    client, referrer, organisation, other_organisation, service_area
):
    client.force_login(referrer)

    # A forged field naming another organisation is ignored: the organisation comes from the login.
    response = client.post(REFERRAL_URL, referral_data(referring_organisation=other_organisation.pk, referred_by=1))

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:referral_detail", kwargs={"code": case.code})
    assert case.referring_organisation == organisation
    assert case.referred_by == referrer
    response = client.get(response["Location"])
    assert f"Uw verwijzing is ontvangen als zaak {case.number}" in response.content.decode()


@pytest.mark.parametrize(
    "conflict_address",
    [{}, {"c_street": "Dolphiastraat", "c_house_number": "3", "c_postcode": " 7533-xy "}],
    ids=["at party A's address", "at an address of its own"],
)
def test_a_referral_reads_its_organisations_kinds_of_conflict_and_postcode_area_once_and_together(
    client, referrer, service_area, conflict_address
):
    """cases.services.read_ahead_for_referral: one round trip (a psycopg pipeline) on PostgreSQL."""
    from django.db import connection
    from psycopg.pq import PipelineStatus

    lookups = {"partners_organisation": [], "cases_conflicttype": [], "cases_postcodearea": []}

    def observe(execute, sql, params, many, context):
        table = next((table for table in lookups if sql.startswith("SELECT") and f'FROM "{table}"' in sql), None)
        if table is not None:
            pgconn = getattr(connection.connection, "pgconn", None)
            lookups[table].append(pgconn is not None and pgconn.pipeline_status != PipelineStatus.OFF)
        return execute(sql, params, many, context)

    client.force_login(referrer)
    with connection.execute_wrapper(observe):
        response = client.post(REFERRAL_URL, referral_data(**conflict_address))

    assert response.status_code == 302
    case = Case.objects.get()
    assert case.neighbourhood == (service_area["dolphia"] if conflict_address else service_area["oost"])
    # Asked by the view, the form's fields, the form's clean() and the service's guards: read once.
    assert {table: len(reads) for table, reads in lookups.items()} == dict.fromkeys(lookups, 1)
    if connection.vendor == "postgresql":
        assert all(in_pipeline for reads in lookups.values() for in_pipeline in reads)


def test_an_invalid_referral_stores_nothing_and_keeps_what_was_typed(client, referrer, service_area):
    client.force_login(referrer)

    response = client.post(REFERRAL_URL, referral_data(a_phone="", a_email="", a_postcode="12"))

    html = response.content.decode()
    assert response.status_code == 200
    assert nothing_stored()
    assert 'role="alert"' in html
    assert '<a href="#id_a_postcode">Partij A: Postcode</a>' in html
    assert '<a href="#id_a_phone">Partij A: Telefoon</a>' in html
    assert f'value="{CANARIES["a_name"]}"' in html
    assert CANARIES["description"] in html
    assert 'aria-invalid="true"' in html


def test_a_referral_outside_the_service_area_says_so_and_stores_nothing(client, referrer, service_area):
    client.force_login(referrer)

    response = client.post(REFERRAL_URL, referral_data(a_postcode="7545 AB"))

    assert response.status_code == 200
    assert nothing_stored()
    assert "ligt buiten ons werkgebied" in response.content.decode()


def test_a_double_submit_lands_on_the_existing_referral(client, referrer, service_area):
    client.force_login(referrer)
    first = client.post(REFERRAL_URL, referral_data())

    second = client.post(REFERRAL_URL, referral_data(), follow=True)

    case = Case.objects.get()
    assert second.redirect_chain[-1][0] == first["Location"]
    assert (
        f"kenmerk OH-2026-17 al eerder verwezen: dit is die verwijzing, zaak {case.number}" in second.content.decode()
    )


def test_a_resubmit_that_lost_some_fields_still_lands_on_the_existing_referral(client, referrer, service_area):
    client.force_login(referrer)
    first = client.post(REFERRAL_URL, referral_data())

    # The browser's back button restored the reference but not everything else.
    second = client.post(REFERRAL_URL, referral_data(a_name="", consent=None, partner_reference=" OH-2026-17 "))

    assert second["Location"] == first["Location"]
    assert Case.objects.count() == 1


def test_a_referrer_of_several_organisations_chooses_among_their_own(
    client, referrer, organisation, other_organisation, service_area
):
    factories.MembershipFactory(user=referrer, organisation=other_organisation, role=Membership.Role.REFERRER)
    stranger = factories.OrganisationFactory(name="Vreemde organisatie")
    client.force_login(referrer)

    response = client.post(REFERRAL_URL, referral_data(organisation=stranger.pk))
    assert response.status_code == 200
    assert nothing_stored()

    client.post(REFERRAL_URL, referral_data(organisation=other_organisation.pk))
    assert Case.objects.get().referring_organisation == other_organisation


def test_a_referrer_without_an_active_organisation_cannot_refer(client, referrer, organisation):
    organisation.is_active = False
    organisation.save()
    client.force_login(referrer)

    response = client.post(REFERRAL_URL, referral_data())

    assert response.status_code == 200
    assert "niet gekoppeld aan een actieve partnerorganisatie" in response.content.decode()
    assert nothing_stored()


@pytest.mark.parametrize("persona", ["coordinator", "assigned_mediator", "steering_member"])
def test_only_referrers_refer(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(REFERRAL_URL).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in_before_referring(client):
    assert client.get(REFERRAL_URL)["Location"].startswith(reverse("login"))


# Self-report --------------------------------------------------------------------------------


def test_the_public_form_needs_no_login(client, service_area):
    response = client.get(REPORT_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert h1(response) == "Meld een burenprobleem"
    assert 'href="/privacy/"' in html
    # The honeypot: hidden by a class, out of the tab order, unnamed for screen readers.
    assert re.search(r'class="hp-field"\s+aria-hidden="true"', html)
    assert 'name="website"' in html and 'tabindex="-1"' in html and 'autocomplete="off"' in html
    assert_csp_friendly(response)


def test_a_resident_report_is_stored_and_confirmed(client, service_area):
    response = client.post(REPORT_URL, self_report_data(), follow=True)

    case = Case.objects.get()
    assert response.redirect_chain == [(reverse("public:report_thanks"), 302)]
    assert case.channel == "web_form"
    assert f"Uw melding heeft nummer {case.number}." in response.content.decode()
    assert Notification.objects.get().kind == Notification.Kind.REPORT_RECEIVED


def test_the_confirmation_is_in_the_language_the_resident_used(client, service_area):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    client.post(REPORT_URL, self_report_data())

    assert Notification.objects.get().language == "en"


def test_a_filled_honeypot_answers_like_success_and_stores_nothing(client, service_area):
    response = client.post(REPORT_URL, self_report_data(website="https://cheap-pills.example"))

    assert response.status_code == 302
    assert response["Location"] == reverse("public:report_thanks")
    assert nothing_stored()


def test_an_invalid_report_stores_nothing(client, service_area):
    response = client.post(REPORT_URL, self_report_data(consent=None, a_postcode="7545 AB"))

    assert response.status_code == 200
    assert nothing_stored()
    html = response.content.decode()
    assert "ligt buiten ons werkgebied" in html
    assert "alleen behandelen als u ermee instemt" in html


def post_reports(client, count, **extra):
    return [client.post(REPORT_URL, self_report_data(), **extra).status_code for _ in range(count)]


def test_the_rate_limit_refuses_the_sixth_report_in_an_hour_with_a_clear_page(client, service_area):
    assert post_reports(client, 5) == [302] * 5

    response = client.post(REPORT_URL, self_report_data())

    assert response.status_code == 429
    assert "Te veel meldingen" in response.content.decode()
    assert "Er is niets opgeslagen" in response.content.decode()
    assert Case.objects.count() == 5


def test_invalid_attempts_do_not_use_up_the_limit(client, service_area):
    for _ in range(8):
        client.post(REPORT_URL, self_report_data(a_postcode="nope"))

    assert post_reports(client, 5) == [302] * 5


def test_honeypot_hits_count_towards_the_limit(client, service_area):
    for _ in range(5):
        client.post(REPORT_URL, self_report_data(website="spam"))

    assert client.post(REPORT_URL, self_report_data()).status_code == 429
    assert nothing_stored()


def test_the_limit_is_per_client_address(client, service_area):
    assert post_reports(client, 5, REMOTE_ADDR="192.0.2.1") == [302] * 5
    assert post_reports(client, 1, REMOTE_ADDR="192.0.2.1") == [429]

    assert post_reports(client, 1, REMOTE_ADDR="192.0.2.2") == [302]


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(client, service_area):
    for n in range(5):
        client.post(REPORT_URL, self_report_data(), HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    assert post_reports(client, 1, HTTP_X_FORWARDED_FOR="198.51.100.99") == [429]


def test_behind_a_trusted_proxy_the_forwarded_client_address_counts(client, service_area, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    assert post_reports(client, 5, HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7", **proxy) == [302] * 5
    assert post_reports(client, 1, HTTP_X_FORWARDED_FOR="1.1.1.1, 192.0.2.7", **proxy) == [429]
    assert post_reports(client, 1, HTTP_X_FORWARDED_FOR="192.0.2.8", **proxy) == [302]


def test_ipv6_clients_are_counted_per_64_network(client, service_area):
    for n in range(5):
        client.post(REPORT_URL, self_report_data(), REMOTE_ADDR=f"2001:db8:1:2::{n + 1}")

    assert post_reports(client, 1, REMOTE_ADDR="2001:db8:1:2:ffff::1") == [429]
    assert post_reports(client, 1, REMOTE_ADDR="2001:db8:1:3::1") == [302]


def test_the_privacy_statement_is_public(client):
    response = client.get(reverse("public:privacy"))

    assert response.status_code == 200
    assert h1(response) == "Privacyverklaring"
    assert "24 maanden" in response.content.decode()
    assert_csp_friendly(response)


def test_the_public_pages_are_linked_from_every_page(client):
    html = client.get(reverse("login")).content.decode()

    assert f'href="{REPORT_URL}"' in html and 'href="/privacy/"' in html


# Phone intake -------------------------------------------------------------------------------


def test_a_coordinator_registers_a_phone_report(client, coordinator, service_area):
    client.force_login(coordinator)
    assert client.get(PHONE_URL).status_code == 200

    response = client.post(PHONE_URL, phone_intake_data())

    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", kwargs={"code": case.code})
    assert case.channel == "phone"
    assert case.consent_recorded_by == coordinator


def test_an_invalid_phone_report_stores_nothing(client, coordinator, service_area):
    client.force_login(coordinator)

    response = client.post(PHONE_URL, phone_intake_data(intake_channel="", consent=None))

    assert response.status_code == 200
    assert nothing_stored()


@pytest.mark.parametrize("persona", ["referrer", "assigned_mediator"])
def test_only_coordinators_register_phone_reports(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(PHONE_URL).status_code == 404


# Triage -----------------------------------------------------------------------------------


@pytest.fixture
def new_cases(db):
    now = timezone.now()
    return [
        factories.CaseFactory(received_at=now - timedelta(days=days), number=f"2026-{9000 + days:04d}")
        for days in (1, 12, 4)
    ]


def test_the_triage_queue_lists_new_cases_oldest_first_with_their_deadline(client, coordinator, new_cases):
    factories.CaseFactory(status=Status.INTAKE, number="2026-8888")
    client.force_login(coordinator)

    response = client.get(reverse("cases:triage"))

    html = response.content.decode()
    assert response.status_code == 200
    positions = [html.index(case.number) for case in sorted(new_cases, key=lambda c: c.received_at)]
    assert positions == sorted(positions)
    assert "2026-8888" not in html
    assert html.count(">te laat<") == 1  # only the case received 12 days ago
    assert "Intake uiterlijk" in html
    assert_csp_friendly(response)


@pytest.mark.parametrize("persona", ["referrer", "assigned_mediator", "steering_member"])
def test_only_coordinators_see_the_triage_queue(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("cases:triage")).status_code == 404


def test_the_coordinator_home_shows_the_queue_and_the_failed_notifications(client, coordinator, new_cases):
    factories.UserFactory(username="ontvanger")
    Notification.objects.create(
        kind="daily_digest", recipient=coordinator, key="x", due_at=timezone.now(), status="failed"
    )
    client.force_login(coordinator)

    response = client.get(reverse("cases:coordinator_home"))

    html = response.content.decode()
    for case in new_cases:
        assert case.number in html
    assert f'href="{PHONE_URL}"' in html and "Telefonische aanmelding" in html
    assert f'href="{reverse("notifications:list")}"' in html
    assert "1 mislukt" in html
    assert f'href="{reverse("cases:triage")}"' in html


def action(name, case):
    return reverse(f"cases:{name}", kwargs={"code": case.code})


def test_starting_the_intake_records_the_first_contact(client, coordinator):
    case = factories.CaseFactory()
    client.force_login(coordinator)

    response = client.post(action("start_intake", case), {"text": "Gebeld met partij A", "return_to": "queue"})

    case.refresh_from_db()
    assert response["Location"] == reverse("cases:triage")
    assert case.status == Status.INTAKE
    assert case.first_contact_at is not None
    assert case.events.get(kind="status_change").text == "Gebeld met partij A"


def test_putting_on_hold_needs_a_reason(client, coordinator):
    case = factories.CaseFactory(status=Status.INTAKE)
    client.force_login(coordinator)

    response = client.post(action("put_on_hold", case), {"text": "  "})

    case.refresh_from_db()
    assert response.status_code == 200
    assert case.status == Status.INTAKE
    html = response.content.decode()
    assert "Geef aan waarom de zaak in de wacht gaat." in html
    assert "Er is niets gewijzigd" in html

    client.post(action("put_on_hold", case), {"text": "Partij A is op vakantie tot 1 juni"})
    case.refresh_from_db()
    assert case.status == Status.WAITING


def test_not_suitable_keeps_the_reason_and_where_it_was_referred(client, coordinator, referred_case):
    referred_case.status = Status.INTAKE
    referred_case.save()
    client.force_login(coordinator)

    client.post(action("not_suitable", referred_case), {"reason": "Familieconflict", "referred_to": "Wijkteam Oost"})

    referred_case.refresh_from_db()
    assert referred_case.status == Status.NOT_SUITABLE
    assert (referred_case.not_suitable_reason, referred_case.referred_to) == ("Familieconflict", "Wijkteam Oost")
    assert Notification.objects.get(kind="milestone").payload["milestone"] == "not_suitable"


@pytest.mark.parametrize("outcome", ["", "bogus", "resolved_joint_meeting" * 10])
def test_closing_needs_a_known_outcome(client, coordinator, outcome):
    case = factories.CaseFactory()
    client.force_login(coordinator)

    response = client.post(action("close", case), {"outcome": outcome})

    case.refresh_from_db()
    assert response.status_code == 200
    assert case.status == Status.NEW
    assert not case.events.exists()


def test_closing_with_an_outcome(client, coordinator):
    case = factories.CaseFactory()
    client.force_login(coordinator)

    client.post(action("close", case), {"outcome": "no_contact", "text": "Drie keer gebeld"})

    case.refresh_from_db()
    assert (case.status, case.outcome) == (Status.CLOSED, "no_contact")


def test_an_action_the_status_no_longer_allows_says_so_and_changes_nothing(client, coordinator):
    now = timezone.now()
    case = factories.CaseFactory(
        status=Status.CLOSED, received_at=now - timedelta(days=3), closed_at=now, outcome="withdrawn"
    )
    client.force_login(coordinator)

    response = client.post(action("start_intake", case), {}, follow=True)

    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert "kan niet naar" in messages_of(response)[0]


def test_a_contact_attempt_is_logged_on_the_timeline(client, coordinator):
    case = factories.CaseFactory()
    client.force_login(coordinator)

    client.post(action("contact_attempt", case), {"party": "A", "result": "no_answer", "note": "Voicemail vol"})

    event = case.events.get()
    assert (event.kind, event.text, event.actor) == (
        "contact_attempt",
        "Partij A: Geen gehoor. Voicemail vol",
        coordinator,
    )
    assert case.status == Status.NEW


@pytest.mark.parametrize("name", ["start_intake", "put_on_hold", "not_suitable", "close", "contact_attempt"])
def test_actions_are_post_only(client, coordinator, name):
    case = factories.CaseFactory()
    client.force_login(coordinator)

    assert client.get(action(name, case)).status_code == 405


@pytest.mark.parametrize("name", ["start_intake", "put_on_hold", "not_suitable", "close", "contact_attempt"])
@pytest.mark.parametrize("persona", ["assigned_mediator", "referrer"])
def test_only_coordinators_act(client, request, referred_case, name, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(
        action(name, referred_case),
        {"text": "x", "outcome": "withdrawn", "reason": "x", "party": "A", "result": "reached"},
    )

    assert response.status_code == 404
    referred_case.refresh_from_db()
    assert referred_case.status == Status.NEW


def test_actions_need_the_csrf_token(coordinator):
    case = factories.CaseFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)

    assert client.post(action("start_intake", case)).status_code == 403
    case.refresh_from_db()
    assert case.status == Status.NEW


@pytest.mark.parametrize(
    "path",
    [
        "/zaken/not-a-uuid/intake-starten/",
        f"/zaken/{uuid.uuid4()}/intake-starten/",
        "/zaken/00000000-0000-0000-0000-00000000000g/afsluiten/",
    ],
)
def test_unknown_or_malformed_case_codes_are_404(client, coordinator, path):
    client.force_login(coordinator)

    assert client.post(path).status_code == 404


def test_a_huge_body_is_refused_without_an_error_page(client, service_area):
    response = client.post(REPORT_URL, self_report_data(description="x" * 3_000_000))

    assert response.status_code == 400
    assert nothing_stored()


# The case page ----------------------------------------------------------------------------


def test_the_coordinator_sees_the_report_the_repeat_signal_and_the_actions(client, coordinator, referred_case):
    earlier = factories.CaseFactory(
        postcode=referred_case.postcode, house_number=referred_case.house_number, number="2025-0100"
    )
    client.force_login(coordinator)

    response = client.get(reverse("cases:detail", kwargs={"code": referred_case.code}))

    html = response.content.decode()
    assert "Mogelijk een herhaling" in html
    assert f'href="{reverse("cases:detail", kwargs={"code": earlier.code})}"' in html
    assert referred_case.description in html
    assert "Intake uiterlijk" in html
    for name in ("start_intake", "close", "contact_attempt"):
        assert f'action="{action(name, referred_case)}"' in html
    # NEW cannot go on hold or be marked not suitable before the intake (the status map).
    assert action("put_on_hold", referred_case) not in html
    assert action("not_suitable", referred_case) not in html
    assert_csp_friendly(response)


def test_each_possible_repeat_is_listed_with_its_link_status_and_date_of_closing(client, coordinator, referred_case):
    from django.template.defaultfilters import date as date_filter

    address = {"postcode": referred_case.postcode, "house_number": referred_case.house_number}
    open_one = factories.CaseFactory(**address, number="2025-0100", status=Status.NEW)
    closed_at = timezone.now() - timedelta(days=20)
    closed_one = factories.CaseFactory(
        **address,
        number="2025-0101",
        status=Status.CLOSED,
        received_at=closed_at - timedelta(days=30),
        closed_at=closed_at,
        outcome="withdrawn",
    )
    client.force_login(coordinator)

    html = client.get(reverse("cases:detail", kwargs={"code": referred_case.code})).content.decode()

    def item(case) -> str:
        return f'<li><a href="{reverse("cases:detail", kwargs={"code": case.code})}">{case.number}</a> ('

    day = date_filter(timezone.localtime(closed_at), "SHORT_DATE_FORMAT")
    assert f"{item(open_one)}nieuw)</li>" in html
    assert f"{item(closed_one)}afgesloten, afgesloten {day})</li>" in html


def test_the_mediator_sees_the_case_file_without_coordinator_actions_or_repeats(
    client, assigned_mediator, referred_case
):
    factories.CaseFactory(postcode=referred_case.postcode, house_number=referred_case.house_number, number="2025-0100")
    client.force_login(assigned_mediator)

    response = client.get(reverse("cases:detail", kwargs={"code": referred_case.code}))

    html = response.content.decode()
    assert response.status_code == 200
    assert referred_case.description in html
    assert "2025-0100" not in html
    assert "Mogelijk een herhaling" not in html
    assert "intake-starten" not in html and "contactpoging" not in html


def test_user_text_is_escaped_on_the_case_page(client, coordinator):
    case = factories.CaseFactory(description='<script>alert("x")</script>')
    client.force_login(coordinator)

    html = client.get(reverse("cases:detail", kwargs={"code": case.code})).content.decode()

    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<script>alert("x")' not in html


def test_the_referrer_account_role_is_needed_for_the_list(client):
    user = factories.UserFactory(username="geen-rol")
    client.force_login(user)

    assert client.get(reverse("cases:referrals")).status_code == 404
    assert Role.REFERRER  # the role exists; this user just lacks it
