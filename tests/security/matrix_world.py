"""The world the access matrix runs in: personas, two cases full of canaries, the walked URLconf.

Every personal field of the seeded data holds a canary: a unique, random token that names its
group (which case, which person). The matrix then checks that a persona's responses contain no
canary of a group the persona may not see (tests/security/test_access_matrix.py).
"""

from __future__ import annotations

import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from buurtbemiddeling.models import Notification
from buurtbemiddeling.roles import Role
from cases.models import Agreement, AgreementItem, CaseEvent, Meeting, Status
from mediators.models import Absence, Assignment, TrainingRecord, VolunteerApplication
from partners.models import Membership
from tests import factories

PERSONAS = (
    "anonymous",
    "coordinator",
    "assigned_mediator",
    "proposed_mediator",
    "other_mediator",
    "referrer",
    "other_referrer",
    "steering",
    "inactive",
)


def log_in(client, user) -> None:
    """The one way the matrix logs a persona in (a second factor for staff is added here)."""
    client.force_login(user)


# --- Canaries ---------------------------------------------------------------------------------


class Canaries:
    """Hands out canary tokens and remembers the group and field of each."""

    def __init__(self) -> None:
        self.groups: dict[str, str] = {}  # token -> group
        self.fields: dict[str, str] = {}  # token -> "Model.field" for the failure message

    def __call__(self, group: str, field_name: str, *, length: int = 0) -> str:
        # Upper case and digits only, so that a template filter (upper, title) cannot hide it
        # from a case-insensitive search. Short fields (a postcode has 7 characters) get a
        # shorter token: "ZQ" and hex digits, still unlikely to turn up by chance.
        if length and length < 20:
            token = "ZQ" + secrets.token_hex(8).upper()[: length - 2]
        else:
            token = "CANARY" + secrets.token_hex(6).upper()
        self.groups[token] = group
        self.fields[token] = field_name
        return token

    def email(self, group: str, field_name: str) -> str:
        return f"{self(group, field_name).lower()}@example.invalid"

    def found(self, text: str) -> dict[str, str]:
        """The canaries in ``text``: token -> group."""
        lowered = text.lower()
        return {token: group for token, group in self.groups.items() if token.lower() in lowered}


def response_text(response) -> str:
    """Body and headers of a response as text; streamed bodies read, XLSX (zip) unpacked."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"\n".join(archive.read(name) for name in archive.namelist())
    headers = "\n".join(f"{key}: {value}" for key, value in response.headers.items())
    return headers + "\n" + content.decode("utf-8", errors="replace")


# --- The seeded world -------------------------------------------------------------------------


@dataclass
class World:
    canaries: Canaries
    users: dict[str, object] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def _person(canary, group: str, username: str, **kwargs):
    return factories.UserFactory(
        username=username,
        first_name=canary(group, "User.first_name"),
        last_name=canary(group, "User.last_name"),
        email=canary.email(group, "User.email"),
        **kwargs,
    )


def _mediator(canary, persona: str, username: str):
    user = _person(canary, f"user:{persona}", username, roles=[Role.MEDIATOR])
    group = f"mediator:{persona}"
    mediator = factories.MediatorFactory(
        user=user,
        phone=canary(group, "Mediator.phone", length=20),
        home_postcode=canary(group, "Mediator.home_postcode", length=7),
    )
    today = timezone.localdate()
    Absence.objects.create(
        mediator=mediator,
        starts_on=today + timedelta(days=10),
        ends_on=today + timedelta(days=20),
        reason=canary(group, "Absence.reason"),
    )
    TrainingRecord.objects.create(
        mediator=mediator,
        kind=TrainingRecord.Kind.BASIC,
        date=today,
        hours=8,
        note=canary(group, "TrainingRecord.note"),
    )
    return mediator


def _party_snapshot(canary, group: str, role: str) -> dict:
    return {
        "name": canary(group, f"as_submitted.party_{role}.name"),
        "street": canary(group, f"as_submitted.party_{role}.street"),
        "house_number": canary(group, f"as_submitted.party_{role}.house_number"),
        "postcode": canary(group, f"as_submitted.party_{role}.postcode"),
        "city": canary(group, f"as_submitted.party_{role}.city"),
        "phone": canary(group, f"as_submitted.party_{role}.phone"),
        "email": canary.email(group, f"as_submitted.party_{role}.email"),
    }


def _case(canary, name: str, *, status, mediators=(), **kwargs):
    """A case with two parties, a note, a milestone, a held meeting and an agreement: all canaries."""
    group, submitted = name, f"{name}-submitted"
    postcode_area = factories.PostcodeAreaFactory(
        digits="7521", neighbourhood=factories.NeighbourhoodFactory(name="Wijk Matrix")
    )
    case = factories.CaseFactory(
        status=status,
        description=canary(group, "Case.description"),
        tried_already=canary(group, "Case.tried_already"),
        street=canary(group, "Case.street"),
        house_number=canary(group, "Case.house_number", length=20),
        postcode=canary(group, "Case.postcode", length=7),
        not_suitable_reason=canary(group, "Case.not_suitable_reason"),
        referred_to=canary(group, "Case.referred_to"),
        neighbourhood=postcode_area.neighbourhood,
        as_submitted={
            "party_a": _party_snapshot(canary, submitted, "a"),
            "party_b": _party_snapshot(canary, submitted, "b"),
            "conflict_address": {
                "street": canary(submitted, "as_submitted.conflict_address.street"),
                "house_number": canary(submitted, "as_submitted.conflict_address.house_number"),
                "postcode": canary(submitted, "as_submitted.conflict_address.postcode"),
                "city": "Enschede",
            },
            "description": canary(submitted, "as_submitted.description"),
            "tried_already": canary(submitted, "as_submitted.tried_already"),
            "conflict_types": [],
            "flags": [],
        },
        **kwargs,
    )
    for role in ("A", "B"):
        factories.PartyFactory(
            case=case,
            role=role,
            name=canary(group, f"Party {role}.name"),
            street=canary(group, f"Party {role}.street"),
            house_number=canary(group, f"Party {role}.house_number", length=20),
            postcode=canary(group, f"Party {role}.postcode", length=7),
            city=canary(group, f"Party {role}.city"),
            phone=canary(group, f"Party {role}.phone", length=20),
            email=canary.email(group, f"Party {role}.email"),
            confidential_notes=canary(group, f"Party {role}.confidential_notes"),
        )
    now = timezone.now()
    factories.CaseEventFactory(
        case=case,
        kind=CaseEvent.Kind.CREATED,
        milestone=CaseEvent.Milestone.RECEIVED,
        text=canary(group, "CaseEvent.text (milestone)"),
    )
    factories.CaseEventFactory(case=case, kind=CaseEvent.Kind.NOTE, text=canary(group, "CaseEvent.text (note)"))
    meeting = Meeting.objects.create(
        case=case,
        kind=Meeting.Kind.JOINT,
        starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(days=2) + timedelta(hours=1),
        location_kind=Meeting.LocationKind.HOME_A,
        location=canary(group, "Meeting.location"),
        status=Meeting.Status.HELD,
        confidential_notes=canary(group, "Meeting.confidential_notes"),
    )
    # A planned one too, so that the mediator's calendar feed has something to show.
    planned = Meeting.objects.create(
        case=case,
        kind=Meeting.Kind.INTAKE_B,
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, hours=1),
        location_kind=Meeting.LocationKind.HOME_B,
        location=canary(group, "Meeting.location (planned)"),
        confidential_notes=canary(group, "Meeting.confidential_notes (planned)"),
    )
    # Held, without agreements yet: the page to record them is open.
    held = Meeting.objects.create(
        case=case,
        kind=Meeting.Kind.JOINT,
        starts_at=now - timedelta(days=1),
        ends_at=now - timedelta(days=1) + timedelta(hours=1),
        location_kind=Meeting.LocationKind.NEUTRAL,
        location="Wijkcentrum",
        status=Meeting.Status.HELD,
        confidential_notes=canary(group, "Meeting.confidential_notes (held)"),
    )
    for m in (meeting, planned, held):
        m.mediators.set(mediators)
    agreement = Agreement.objects.create(
        case=case,
        meeting=meeting,
        follow_up_on=timezone.localdate() + timedelta(days=30),
        follow_up_note=canary(group, "Agreement.follow_up_note"),
        created_at=now - timedelta(days=1),
    )
    AgreementItem.objects.create(
        agreement=agreement, text=canary(group, "AgreementItem.text"), who=canary(group, "AgreementItem.who")
    )
    return case, {"held_with_agreement": meeting, "planned": planned, "held": held}, agreement


def _reference_rows(world: World) -> None:
    """A row for every admin model that has none yet, so that its change pages answer for real."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )

    from buurtbemiddeling.models import UserPreference
    from mediators.models import Availability
    from partners.models import Convenant, ConvenantParty

    today = timezone.localdate()
    convenant = Convenant.objects.create(
        title="Convenant", signed_on=today, starts_on=today, ends_on=today + timedelta(days=365), area="Enschede"
    )
    ConvenantParty.objects.create(convenant=convenant, organisation=world.organisation)
    Availability.objects.create(mediator=world.mediators["assigned_mediator"], weekday=0, part="evening")
    UserPreference.objects.create(user=world.users["assigned_mediator"])
    interval = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS)
    CrontabSchedule.objects.create()
    SolarSchedule.objects.create(event="sunrise", latitude=52.2, longitude=6.9)
    ClockedSchedule.objects.create(clocked_time=timezone.now())
    PeriodicTask.objects.create(name="matrix", task="matrix.task", interval=interval)
    attempt = {"user_agent": "matrix", "ip_address": "127.0.0.1", "username": "matrix", "http_accept": "*/*"}
    AccessAttempt.objects.create(**attempt, path_info="/login/", get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**attempt, path_info="/login/")
    AccessFailureLog.objects.create(**attempt, path_info="/login/")


def seed_world() -> World:
    canary = Canaries()
    world = World(canaries=canary)
    users = world.users
    organisation = factories.OrganisationFactory(name="Matrix Wonen", kind="woningcorporatie")
    other_organisation = factories.OrganisationFactory(name="Matrix Anders", kind="woningcorporatie")

    # Coordinators run the admin: is_staff, as in production (buurtbemiddeling.roles).
    users["coordinator"] = factories.UserFactory(
        username="matrix-coordinator",
        first_name="Corry",
        last_name="Coördinator",
        roles=[Role.COORDINATOR],
        is_staff=True,
    )
    users["inactive"] = _person(
        canary, "user:inactive", "matrix-inactive", roles=[Role.COORDINATOR], is_staff=True, is_active=False
    )
    for persona, org, username in (
        ("referrer", organisation, "matrix-referrer"),
        ("other_referrer", other_organisation, "matrix-other-referrer"),
    ):
        users[persona] = _person(canary, f"user:{persona}", username, roles=[Role.REFERRER])
        factories.MembershipFactory(user=users[persona], organisation=org, role=Membership.Role.REFERRER)
    users["steering"] = _person(canary, "user:steering", "matrix-steering", roles=[Role.STEERING_GROUP])
    factories.MembershipFactory(user=users["steering"], organisation=organisation, role=Membership.Role.STEERING_GROUP)

    mediators = {
        persona: _mediator(canary, persona, f"matrix-{persona.replace('_', '-')}")
        for persona in ("assigned_mediator", "proposed_mediator", "other_mediator", "declined_mediator")
    }
    for persona, mediator in mediators.items():
        users[persona] = mediator.user

    # case1: referred by the referrer's organisation, in mediation with the assigned mediator.
    case1, meetings1, agreement1 = _case(
        canary,
        "case1",
        status=Status.IN_MEDIATION,
        mediators=[mediators["assigned_mediator"]],
        channel="partner_referral",
        referring_organisation=organisation,
        referred_by=users["referrer"],
        partner_reference=canary("case1-reference", "Case.partner_reference"),
    )
    assignment1 = factories.AssignmentFactory(
        case=case1, mediator=mediators["assigned_mediator"], status=Assignment.Status.ACCEPTED
    )
    # A declined proposal: only the coordinator reads why.
    declined = factories.AssignmentFactory(
        case=case1,
        mediator=mediators["declined_mediator"],
        role=Assignment.Role.CO,
        status=Assignment.Status.DECLINED,
        decline_reason=canary("decline", "Assignment.decline_reason"),
    )
    # case2: a resident's own report, proposed to the proposed mediator.
    case2, _meetings2, _agreement2 = _case(canary, "case2", status=Status.MATCHING, channel="web_form")
    proposal = factories.AssignmentFactory(
        case=case2, mediator=mediators["proposed_mediator"], status=Assignment.Status.PROPOSED
    )

    application = VolunteerApplication.objects.create(
        name=canary("application", "VolunteerApplication.name"),
        email=canary.email("application", "VolunteerApplication.email"),
        phone=canary("application", "VolunteerApplication.phone", length=20),
        postcode=canary("application", "VolunteerApplication.postcode", length=7),
        motivation=canary("application", "VolunteerApplication.motivation"),
        received_at=timezone.now(),
    )
    notification = Notification.objects.create(
        kind=Notification.Kind.REPORT_RECEIVED,
        to_email=canary.email("notification", "Notification.to_email"),
        subject_type=ContentType.objects.get_for_model(case2),
        subject_id=case2.pk,
        payload={"number": case2.number},
        key=f"matrix-{case2.pk}",
        due_at=timezone.now(),
        status=Notification.Status.FAILED,
        attempts=6,
        last_error=canary("notification", "Notification.last_error"),
    )
    world.objects.update(
        organisation=organisation,
        case1=case1,
        case2=case2,
        meetings1=meetings1,
        agreement1=agreement1,
        assignment1=assignment1,
        declined=declined,
        proposal=proposal,
        application=application,
        notification=notification,
        mediators=mediators,
    )
    _reference_rows(world)
    # The coordinator has enrolled in two-step verification (required for them): an authenticator
    # device and backup codes, so the account pages and the devices' admin pages have real rows.
    from accounts import services as two_step
    from tests.two_step import give_device

    give_device(users["coordinator"])
    two_step.regenerate_backup_codes(user=users["coordinator"])
    # One access record, so the access log and its admin pages show a row.
    from audit.services import Action, record_access

    record_access(users["coordinator"], action=Action.CASE_PAGE, case=case1)
    return world


# --- Allowed canary groups per persona --------------------------------------------------------


def allowed_groups(persona: str, world: World) -> set[str] | None:
    """The canary groups a persona may see; None for everything (the coordinator)."""
    if persona == "coordinator":
        return None
    own = {f"user:{persona}", f"mediator:{persona}"}
    return own | ALLOWED_EXTRA.get(persona, set())


# DESIGN.md, "Users and what each may see".
ALLOWED_EXTRA: dict[str, set[str]] = {
    # Their case file: the parties, the notes, the meetings and agreements of case1, and who
    # referred it under which reference (the coordinator's case page, which the guard opens to an
    # assigned mediator, shows both). Never case2.
    "assigned_mediator": {"case1", "case1-reference", "user:referrer"},
    # A proposal is an anonymous summary: none of case2's personal data before accepting.
    "proposed_mediator": set(),
    # Milestones, and the organisation's own copy of what it submitted (Case.as_submitted) under
    # its own reference; never the case file (the coordinator's corrections, notes, meetings,
    # agreements, what a party said).
    "referrer": {"case1-submitted", "case1-reference"},
}


# --- The URLconf ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the full route for an unnamed pattern
    route: str  # the full route, for messages
    name: str | None  # the namespaced name, for reverse()
    params: tuple[str, ...]


def _route_of(pattern) -> str:
    return str(pattern.pattern)


def walk_urlconf() -> list[Pattern]:
    """Every URL pattern of the project, recursively (admin included), once each."""
    found: dict[str, Pattern] = {}

    def walk(resolver, prefix: str, namespace: str, params: tuple[str, ...]) -> None:
        for entry in resolver.url_patterns:
            route = prefix + _route_of(entry)
            entry_params = params + tuple(entry.pattern.regex.groupindex)
            if isinstance(entry, URLResolver):
                inner = (
                    f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
                )
                walk(entry, route, inner or "", entry_params)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
                key = name or route
                # The first pattern wins, as it does when Django resolves.
                found.setdefault(key, Pattern(key=key, route=route, name=name, params=entry_params))

    walk(get_resolver(), "", "", ())
    return list(found.values())


# --- Concrete URLs ----------------------------------------------------------------------------


def _admin_object(world: World, name: str):
    """The seeded object behind an admin URL name such as "admin:cases_case_change"."""

    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return _example(world, model)
    raise LookupError(name)


def _example(world: World, model):
    """The canary-carrying object of a model when there is one, else any row."""
    preferred = {
        "cases.case": world.case1,
        "auth.user": world.users["referrer"],
        "mediators.mediator": world.mediators["assigned_mediator"],
        "mediators.assignment": world.declined,
        "mediators.volunteerapplication": world.application,
        "buurtbemiddeling.notification": world.notification,
    }
    label = model._meta.label_lower
    if label in preferred:
        return preferred[label]
    obj = model._default_manager.filter(**_case1_filter(model)).order_by("pk").first()
    return obj or model._default_manager.order_by("pk").first()


def _case1_filter(model) -> dict:
    names = {f.name for f in model._meta.get_fields()}
    if "case" in names:
        return {"case__number__isnull": False}
    return {}


def build_url(pattern: Pattern, world: World) -> str:
    if pattern.key in UNNAMED_URLS:
        return UNNAMED_URLS[pattern.key](world)
    kwargs = URL_KWARGS[pattern.key](world) if pattern.key in URL_KWARGS else _generic_kwargs(pattern, world)
    if pattern.name:
        return reverse(pattern.name, kwargs=kwargs)
    return "/" + pattern.route.replace("<path:object_id>", kwargs["object_id"])


def _generic_kwargs(pattern: Pattern, world: World) -> dict:
    kwargs = {}
    for param in pattern.params:
        if param == "object_id" and pattern.name and pattern.name.startswith("admin:"):
            kwargs[param] = str(_admin_object(world, pattern.name).pk)
        elif param == "object_id" and pattern.route.startswith("admin/") and pattern.key not in UNNAMED_URLS:
            # The admin's unnamed "<object_id>/" redirect to the change page: admin/<app>/<model>/...
            app_label, model_name = pattern.route.split("/")[1:3]
            kwargs[param] = str(_admin_object(world, f"admin:{app_label}_{model_name}_").pk)
        elif param == "id" and pattern.name == "admin:auth_user_password_change":
            kwargs[param] = str(world.users["referrer"].pk)
        else:
            raise KeyError(f"No URL arguments for {pattern.key} ({pattern.route}): add it to URL_KWARGS")
    return kwargs


def _reset_kwargs(user) -> dict:
    user = type(user)._default_manager.get(pk=user.pk)  # the token hashes last_login as stored
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}


def _case1(world):
    return {"code": world.case1.code}


def _party_a(world) -> int:
    return world.case1.parties.get(role="A").pk


def _totp_device(world) -> int:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.get(user=world.users["coordinator"]).pk


URL_KWARGS = {
    # Not a persona: logging in (as each persona does) would make its reset link invalid.
    "password_reset_confirm": lambda w: _reset_kwargs(w.users["declined_mediator"]),
    "cases:referral_detail": _case1,
    "cases:detail": _case1,
    "cases:start_intake": _case1,
    "cases:put_on_hold": _case1,
    "cases:not_suitable": _case1,
    "cases:close": _case1,
    "cases:contact_attempt": _case1,
    "mediators:case": _case1,
    "mediators:log_contact": _case1,
    "mediators:plan_meeting": _case1,
    "mediators:record_meeting": lambda w: {"code": w.case1.code, "meeting_id": w.meetings1["planned"].pk},
    "mediators:record_agreement": lambda w: {"code": w.case1.code, "meeting_id": w.meetings1["held"].pk},
    "mediators:record_follow_up": lambda w: {"code": w.case1.code, "agreement_id": w.agreement1.pk},
    "mediators:resume": _case1,
    "mediators:close": _case1,
    "mediators:reopen": _case1,
    "mediators:calendar_feed": lambda w: {"token": w.mediators["assigned_mediator"].calendar_token},
    "mediators:proposal": lambda w: {"code": w.proposal.code},
    "mediators:accept_proposal": lambda w: {"code": w.proposal.code},
    "mediators:decline_proposal": lambda w: {"code": w.proposal.code},
    "mediators:case_matching": lambda w: {"code": w.case2.code},
    "mediators:withdraw_assignment": lambda w: {"code": w.proposal.code},
    "mediators:mediator_detail": lambda w: {"code": w.mediators["assigned_mediator"].code},
    "mediators:mediator_edit": lambda w: {"code": w.mediators["assigned_mediator"].code},
    "mediators:mediator_availability": lambda w: {"code": w.mediators["assigned_mediator"].code},
    "mediators:add_absence": lambda w: {"code": w.mediators["assigned_mediator"].code},
    "mediators:remove_absence": lambda w: {
        "code": w.mediators["assigned_mediator"].code,
        "absence_id": w.mediators["assigned_mediator"].absences.get().pk,
    },
    "mediators:add_training": lambda w: {"code": w.mediators["assigned_mediator"].code},
    "mediators:remove_training": lambda w: {
        "code": w.mediators["assigned_mediator"].code,
        "record_id": w.mediators["assigned_mediator"].training_records.get().pk,
    },
    "mediators:send_set_password": lambda w: {"code": w.mediators["assigned_mediator"].code},
    "mediators:application_detail": lambda w: {"code": w.application.code},
    "mediators:application_status": lambda w: {"code": w.application.code},
    "mediators:accept_application": lambda w: {"code": w.application.code},
    "audit:case_access_log": _case1,
    "cases:subject_party": lambda w: {"pk": _party_a(w)},
    "cases:subject_party_export": lambda w: {"pk": _party_a(w)},
    "cases:subject_party_erase": lambda w: {"pk": _party_a(w)},
    "cases:subject_application": lambda w: {"code": w.application.code},
    "cases:subject_application_export": lambda w: {"code": w.application.code},
    "cases:subject_application_erase": lambda w: {"code": w.application.code},
    "admin:otp_totp_totpdevice_config": lambda w: {"pk": _totp_device(w)},
    "admin:otp_totp_totpdevice_qrcode": lambda w: {"pk": _totp_device(w)},
    "admin:app_list": lambda w: {"app_label": "cases"},
    "admin:view_on_site": lambda w: {
        "content_type_id": ContentType.objects.get_for_model(w.case1).pk,
        "object_id": w.case1.pk,
    },
}

UNNAMED_URLS = {
    "admin/login/": lambda w: "/admin/login/",
    # The admin's catch-all: an address under /admin/ that is no admin page.
    "admin/(?P<url>.*)$": lambda w: "/admin/geen-pagina/",
}


def table_checksum() -> str:
    """A digest of every row that a request could change, to prove that a refused POST did nothing."""
    from django.contrib.auth import get_user_model

    from cases.models import Case, Party
    from mediators.models import Availability, Mediator
    from partners.models import Organisation

    models = [
        Case, Party, CaseEvent, Meeting, Agreement, AgreementItem, Assignment, Mediator, Absence,
        TrainingRecord, Availability, VolunteerApplication, Notification, Organisation, Membership,
        get_user_model(),
    ]  # fmt: skip
    digest = hashlib.sha256()
    for model in models:
        for row in model._default_manager.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()
