"""The Django admin: every registered model renders, cases stay in the hands of the services, lists stay cheap."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases import services
from cases.admin import CaseAdmin
from cases.models import (
    Agreement,
    AgreementItem,
    Case,
    CaseEvent,
    CaseNumberSequence,
    ConflictType,
    Meeting,
    Party,
    Status,
)
from mediators.models import Absence, Assignment, Availability, TrainingRecord, VolunteerApplication
from partners.models import Convenant, ConvenantParty
from tests import factories

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="beheerder", is_staff=True, is_superuser=True)


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def everything(referred_case, assigned_mediator, coordinator):
    """At least one row of every model of the three apps, so that every list has something to render."""
    now = timezone.now()
    area = factories.PostcodeAreaFactory(digits="7521")
    referred_case.neighbourhood = area.neighbourhood
    referred_case.save(update_fields=["neighbourhood"])
    referred_case.conflict_types.set(ConflictType.objects.all()[:2])
    factories.CaseEventFactory(case=referred_case, actor=coordinator)
    mediator = assigned_mediator.mediator
    meeting = Meeting.objects.create(
        case=referred_case,
        kind=Meeting.Kind.JOINT,
        starts_at=now,
        ends_at=now + timedelta(hours=1),
        location="Buurthuis",
    )
    meeting.mediators.add(mediator)
    agreement = Agreement.objects.create(
        case=referred_case, meeting=meeting, follow_up_on=now.date() + timedelta(weeks=6), created_at=now
    )
    AgreementItem.objects.create(agreement=agreement, text="Na 22.00 uur geen muziek", who="Partij B")
    Availability.objects.create(mediator=mediator, weekday=Availability.Weekday.MONDAY, part=Availability.Part.EVENING)
    Absence.objects.create(mediator=mediator, starts_on=now.date(), ends_on=now.date() + timedelta(days=7))
    TrainingRecord.objects.create(mediator=mediator, kind=TrainingRecord.Kind.BASIC, date=now.date(), hours=15)
    VolunteerApplication.objects.create(name="Canary Vera Vrijwilliger", email="vera@example.nl", received_at=now)
    convenant = Convenant.objects.create(
        title="Convenant Buurtbemiddeling Enschede",
        signed_on=now.date(),
        starts_on=now.date(),
        ends_on=now.date() + timedelta(days=3 * 365),
        area="Enschede Oost",
    )
    ConvenantParty.objects.create(convenant=convenant, organisation=referred_case.referring_organisation)
    return referred_case


# --- Every registered model ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=[m._meta.label for m, _ in REGISTERED])
def test_every_registered_model_renders_for_a_superuser(
    superuser_client, superuser, rf, everything, model, model_admin
):
    assert superuser_client.get(_url(model, "changelist")).status_code == 200

    request = rf.get("/")
    request.user = superuser
    add = superuser_client.get(_url(model, "add"))
    assert add.status_code == (200 if model_admin.has_add_permission(request) else 403)

    obj = model._default_manager.first()
    if obj is not None:
        assert superuser_client.get(_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.django_db
def test_every_model_of_the_service_is_registered():
    for app_label in ("partners", "cases", "mediators"):
        for model in apps.get_app_config(app_label).get_models():
            assert admin.site.is_registered(model), model._meta.label


# --- Who gets in ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_redirects_a_non_staff_user_to_the_admin_login(client, coordinator):
    client.force_login(coordinator)
    response = client.get(_url(Case, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_it_redirects_an_anonymous_visitor_to_the_admin_login(client):
    response = client.get(_url(Case, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_it_forbids_cases_to_staff_without_the_permission(client, referred_case):
    client.force_login(factories.UserFactory(username="technisch-beheer", is_staff=True))
    assert client.get(_url(Case, "changelist")).status_code == 403
    assert client.get(_url(Case, "change", referred_case.pk)).status_code == 403


# --- Cases ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_forbids_adding_a_case_in_admin(superuser_client):
    # Intake numbers the case and writes its 'received' event; admin would skip both.
    assert superuser_client.get(_url(Case, "add")).status_code == 403
    assert superuser_client.post(_url(Case, "add"), {"channel": "phone"}).status_code == 403
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_case_changelist_search_finds_a_case_by_number(superuser_client, referred_case):
    other = factories.CaseFactory()
    response = superuser_client.get(_url(Case, "changelist"), {"q": referred_case.number})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [referred_case]
    assert other.number not in response.content.decode()


@pytest.mark.django_db
def test_case_changelist_shows_no_party_names_or_addresses(superuser_client, referred_case):
    content = superuser_client.get(_url(Case, "changelist")).content.decode()
    assert referred_case.number in content
    assert "Canary" not in content
    assert referred_case.street not in content


@pytest.mark.django_db
def test_case_change_page_shows_parties_events_and_assignments(superuser_client, everything, assigned_mediator):
    response = superuser_client.get(_url(Case, "change", everything.pk))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Canary Anna Aarts" in content and "Canary Bert Bos" in content
    assert "Gebeld, geen gehoor." in content  # the event's text
    assert escape(assigned_mediator.get_full_name()) in content  # a Faker name may hold an apostrophe
    assert {"status", "number", "code"}.isdisjoint(response.context["adminform"].form.fields)


@pytest.mark.django_db
def test_case_events_are_read_only_in_the_case_page(superuser_client, everything):
    response = superuser_client.get(_url(Case, "change", everything.pk))
    (events,) = [f for f in response.context["inline_admin_formsets"] if f.formset.model is CaseEvent]
    assert not events.has_add_permission
    assert not events.has_change_permission
    assert not events.has_delete_permission


@pytest.mark.django_db
def test_saving_a_case_in_admin_never_changes_its_status(superuser_client, everything):
    url = _url(Case, "change", everything.pk)
    events = list(everything.events.values_list("pk", "text"))
    data = _form_data(superuser_client.get(url), "case_form")
    data.update({"description": "Aangepast door de coördinator", "status": Status.CLOSED, "number": "2000-9999"})

    response = superuser_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    everything.refresh_from_db()
    assert everything.description == "Aangepast door de coördinator"
    assert everything.status == Status.NEW
    assert everything.number != "2000-9999"
    assert everything.parties.count() == 2
    assert list(everything.events.values_list("pk", "text")) == events


@pytest.mark.django_db
def test_saving_a_case_in_admin_keeps_a_status_change_made_meanwhile(superuser_client, everything, monkeypatch):
    url = _url(Case, "change", everything.pk)
    data = _form_data(superuser_client.get(url), "case_form")
    data["description"] = "Aangepast door de coördinator"
    get_object = CaseAdmin.get_object

    def another_coordinator_moves_it_meanwhile(self, request, object_id, from_field=None):
        obj = get_object(self, request, object_id, from_field)
        if request.method == "POST" and obj is not None:
            services.change_status(case=Case.objects.get(pk=obj.pk), new_status=Status.INTAKE)
        return obj

    monkeypatch.setattr(CaseAdmin, "get_object", another_coordinator_moves_it_meanwhile)
    assert superuser_client.post(url, data).status_code == 302

    everything.refresh_from_db()
    assert everything.description == "Aangepast door de coördinator"
    assert everything.status == Status.INTAKE


def _case_with_conflict_types():
    # Conflict types are required on the Case form (the model has no blank=True), so the form needs some.
    case = factories.CaseFactory()
    case.conflict_types.set(ConflictType.objects.all()[:1])
    return case


@pytest.mark.django_db
def test_two_new_parties_a_on_one_case_are_a_form_error_not_a_crash(superuser_client):
    case = _case_with_conflict_types()
    url = _url(Case, "change", case.pk)
    data = _form_data(superuser_client.get(url), "case_form")
    data["parties-TOTAL_FORMS"] = "2"
    for i, name in enumerate(["Canary Eerste", "Canary Tweede"]):
        data.update({f"parties-{i}-role": "A", f"parties-{i}-name": name, f"parties-{i}-preferred_language": "nl"})

    response = superuser_client.post(url, data)

    assert response.status_code == 200
    assert not response.context["adminform"].form.errors
    (parties,) = [f for f in response.context["inline_admin_formsets"] if f.formset.model is Party]
    assert parties.formset.non_form_errors()
    assert not case.parties.exists()


@pytest.mark.django_db
def test_two_new_active_leads_on_one_case_are_a_form_error_not_a_crash(superuser_client):
    case = _case_with_conflict_types()
    first, second = factories.MediatorFactory(), factories.MediatorFactory()
    url = _url(Case, "change", case.pk)
    data = _form_data(superuser_client.get(url), "case_form")
    data["assignments-TOTAL_FORMS"] = "2"
    for i, mediator in enumerate([first, second]):
        data.update(
            {
                f"assignments-{i}-mediator": str(mediator.pk),
                f"assignments-{i}-role": "lead",
                f"assignments-{i}-status": "proposed",
                f"assignments-{i}-proposed_at_0": "2026-03-02",
                f"assignments-{i}-proposed_at_1": "10:00:00",
            }
        )

    response = superuser_client.post(url, data)

    assert response.status_code == 200
    assert not response.context["adminform"].form.errors
    (assignments,) = [f for f in response.context["inline_admin_formsets"] if f.formset.model is Assignment]
    assert assignments.formset.non_form_errors()
    assert not case.assignments.exists()


@pytest.mark.django_db
def test_a_status_corrected_in_the_admin_brings_its_date_of_completion(superuser_client):
    assignment = factories.AssignmentFactory(case=_case_with_conflict_types())
    url = _url(Assignment, "change", assignment.pk)

    data = _form_data(superuser_client.get(url), "assignment_form")
    data["status"] = "completed"
    assert superuser_client.post(url, data).status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.COMPLETED and assignment.completed_at is not None

    data["status"] = "accepted"
    assert superuser_client.post(url, data).status_code == 302
    assignment.refresh_from_db()
    assert (assignment.status, assignment.completed_at) == (Assignment.Status.ACCEPTED, None)


@pytest.mark.django_db
def test_a_superuser_can_delete_a_case_with_its_timeline(superuser_client, everything):
    url = _url(Case, "delete", everything.pk)
    assert superuser_client.get(url).status_code == 200
    response = superuser_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Case.objects.filter(pk=everything.pk).exists()
    assert not CaseEvent.objects.exists()


@pytest.mark.django_db
def test_staff_with_every_case_permission_cannot_delete_a_case(client, referred_case):
    staff = factories.UserFactory(username="coordinator-staff", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="cases"))
    client.force_login(staff)
    assert client.get(_url(Case, "change", referred_case.pk)).status_code == 200
    assert client.get(_url(Case, "delete", referred_case.pk)).status_code == 403
    assert client.post(_url(Case, "delete", referred_case.pk), {"post": "yes"}).status_code == 403
    assert Case.objects.filter(pk=referred_case.pk).exists()


@pytest.mark.django_db
def test_case_events_cannot_be_added_changed_or_deleted_on_their_own(superuser_client, everything):
    event = everything.events.first()
    assert superuser_client.get(_url(CaseEvent, "add")).status_code == 403
    assert superuser_client.get(_url(CaseEvent, "delete", event.pk)).status_code == 403
    assert superuser_client.get(_url(CaseEvent, "change", event.pk)).status_code == 200  # view only
    response = superuser_client.post(_url(CaseEvent, "change", event.pk), {"text": "herschreven", "kind": "note"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.text == "Gebeld, geen gehoor."


@pytest.mark.django_db
def test_case_number_sequence_is_read_only(superuser_client, referred_case):
    sequence = CaseNumberSequence.objects.get()
    last = sequence.last
    assert superuser_client.get(_url(CaseNumberSequence, "change", sequence.pk)).status_code == 200
    response = superuser_client.post(
        _url(CaseNumberSequence, "change", sequence.pk), {"year": sequence.year, "last": 0}
    )
    assert response.status_code == 403
    assert superuser_client.get(_url(CaseNumberSequence, "delete", sequence.pk)).status_code == 403
    sequence.refresh_from_db()
    assert sequence.last == last


@pytest.mark.django_db
def test_party_changelist_finds_parties_by_case_number(superuser_client, referred_case):
    factories.PartyFactory(name="Canary Other Case")
    response = superuser_client.get(_url(Party, "changelist"), {"q": referred_case.number})
    content = response.content.decode()
    assert "Canary Anna Aarts" in content and "Canary Bert Bos" in content
    assert "Canary Other Case" not in content


@pytest.mark.django_db
def test_mediator_organisation_and_user_change_pages_show_their_inlines(superuser_client, everything, referrer):
    mediator = everything.assignments.get().mediator
    response = superuser_client.get(_url(type(mediator), "change", mediator.pk))
    assert response.status_code == 200
    inline_models = {f.formset.model for f in response.context["inline_admin_formsets"]}
    assert inline_models == {Availability, Absence, TrainingRecord}

    organisation = everything.referring_organisation
    response = superuser_client.get(_url(type(organisation), "change", organisation.pk))
    assert response.status_code == 200
    assert referrer.username in response.content.decode()

    response = superuser_client.get(_url(type(referrer), "change", referrer.pk))
    assert response.status_code == 200
    assert organisation.name in response.content.decode()


# --- Query counts ---------------------------------------------------------------------------------


def _cases(n: int) -> None:
    conflict_types = list(ConflictType.objects.all()[:3])
    for _i in range(n):
        organisation = factories.OrganisationFactory()
        neighbourhood = factories.NeighbourhoodFactory()
        case = factories.CaseFactory(
            channel="partner_referral", referring_organisation=organisation, neighbourhood=neighbourhood
        )
        case.conflict_types.set(conflict_types)


def _changelist_queries(client, n: int) -> list[str]:
    _cases(n)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url(Case, "changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == Case.objects.count()
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.django_db
def test_case_changelist_query_count_does_not_grow_with_the_cases(superuser_client):
    three = _changelist_queries(superuser_client, 3)
    twenty = _changelist_queries(superuser_client, 17)
    assert len(three) == len(twenty), "\n".join(twenty)
    # (the session comes from the cache) 1 user with groups (navigation context processor), 2-3 list
    # filter choices (organisations, conflict types), 4-5 count (filtered, total), 6 the page of cases
    # joined with organisation and neighbourhood, 7 their conflict types (one prefetch), 8-9 date
    # hierarchy (first and last received, then the distinct days), 10 list filter choices (stadsdelen).
    assert len(twenty) == 10, "\n".join(twenty)


# --- Helpers --------------------------------------------------------------------------------------


class _FormFields(HTMLParser):
    """What a browser would submit for the form with ``form_id``: inputs, selected options, textareas."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file") or (kind in ("checkbox", "radio") and "checked" not in attrs):
                return
            self.data.setdefault(name, []).append(attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # The HTML parser keeps the newline that Django puts after <textarea>; a browser drops it.
            self.data.setdefault(self._textarea, []).append("".join(self._text).removeprefix("\n"))
            self._textarea = None


def _form_data(response, form_id: str) -> dict[str, list[str]]:
    parser = _FormFields(form_id)
    parser.feed(response.content.decode())
    assert parser.data, f"no form #{form_id} on the page"
    return parser.data
