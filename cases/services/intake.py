"""Intake: a partner's referral, a resident's report, a coordinator's phone intake, contact attempts.

Each builds on create_case (lifecycle), which writes the case, its parties, the 'received'
milestone and the referrer's confirmation email in one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from buurtbemiddeling.errors import DomainError
from buurtbemiddeling.models import Notification
from buurtbemiddeling.notifications import schedule
from buurtbemiddeling.precompiled import Precompiled
from buurtbemiddeling.request_memo import per_request
from buurtbemiddeling.together import Query, run_together
from partners.models import Membership, Organisation

from ..models import Case, CaseEvent, Channel, ConflictType, Neighbourhood
from .lifecycle import POSTCODE_AREA, CaseData, create_case, neighbourhood_for_postcode, neighbourhood_of_areas

REPORTED_CHANNELS = frozenset({Channel.PHONE, Channel.EMAIL, Channel.WALK_IN})


class OutsideServiceArea(DomainError):
    pass


# The service area -------------------------------------------------------------------------


def service_area_neighbourhood(postcode: str, *, on: date | None = None) -> Neighbourhood | None:
    """The wijk of ``postcode`` if it has joined the service by ``on`` (default today); else None."""
    neighbourhood = neighbourhood_for_postcode(postcode) if postcode else None
    if neighbourhood is not None and neighbourhood.in_service_area(on or timezone.localdate()):
        return neighbourhood
    return None


def in_service_area(postcode: str, *, on: date | None = None) -> bool:
    """True when ``postcode`` lies in a wijk that has joined the service by ``on`` (default today)."""
    return service_area_neighbourhood(postcode, on=on) is not None


def service_area_names(*, on: date | None = None) -> list[str]:
    """The service area in words, from the data: whole stadsdelen, else the wijken per stadsdeel."""
    on = on or timezone.localdate()
    in_area: dict[str, list[str]] = defaultdict(list)
    out_of_area: set[str] = set()
    for hood in Neighbourhood.objects.only("name", "stadsdeel", "joined_service_on").order_by("stadsdeel", "name"):
        if hood.in_service_area(on):
            in_area[hood.stadsdeel].append(hood.name)
        else:
            out_of_area.add(hood.stadsdeel)
    whole = [stadsdeel for stadsdeel in in_area if stadsdeel not in out_of_area]
    names = []
    if len(whole) == 1:
        names.append(_("district %(name)s") % {"name": whole[0]})
    elif whole:
        names.append(_("the districts %(names)s") % {"names": get_text_list(whole, _("and"))})
    for stadsdeel, wijken in in_area.items():
        if stadsdeel in whole:
            continue
        if len(wijken) == 1:
            names.append(
                _("the neighbourhood %(name)s in district %(stadsdeel)s") % {"name": wijken[0], "stadsdeel": stadsdeel}
            )
        else:
            names.append(
                _("the neighbourhoods %(names)s in district %(stadsdeel)s")
                % {"names": get_text_list(wijken, _("and")), "stadsdeel": stadsdeel}
            )
    return names


def _ensure_in_service_area(postcode: str) -> Neighbourhood:
    """The wijk of ``postcode``, which must be in the service area today; else OutsideServiceArea.

    The forms say this more helpfully; here it guards every other way in. The wijk found is
    handed to create_case, which would otherwise look the postcode up again.
    """
    neighbourhood = service_area_neighbourhood(postcode)
    if neighbourhood is None:
        raise OutsideServiceArea(_("The address of the conflict is outside the service area."))
    return neighbourhood


# Referral ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralResult:
    case: Case
    created: bool  # False: the same reference was referred before, and ``case`` is that referral


def _referral(organisation: int, partner_reference: str):
    return Case.objects.filter(referring_organisation_id=organisation, partner_reference=partner_reference)[:1]


def referring_organisations_queryset(user: int):
    return Organisation.objects.filter(
        is_active=True,
        memberships__user_id=user,
        memberships__role=Membership.Role.REFERRER,
    ).order_by("name")


def conflict_types_queryset():
    return ConflictType.objects.order_by("position", "name")


# Asked on every referral: compiled once per process (buurtbemiddeling.precompiled).
REFERRAL = Precompiled(_referral, name="referral by reference")
REFERRING_ORGANISATIONS = Precompiled(referring_organisations_queryset, name="referring organisations")
CONFLICT_TYPES = Precompiled(conflict_types_queryset, name="kinds of conflict")


@per_request
def conflict_types() -> list[ConflictType]:
    """All kinds of conflict, in the intake forms' order: what their ticked codes are checked against."""
    return CONFLICT_TYPES()


def read_ahead_for_referral(user: int, postcode: str) -> None:
    """A referral's reference data in one round trip, kept for the rest of the request (request_memo).

    The organisations the user refers for, the kinds of conflict, and the area of ``postcode`` (the one
    the form will check, IntakeForm.postcode_to_check; none when it is ""): without this, three round
    trips one after the other, asked by the view, the form's fields and the form's clean().
    """
    statements = [Query(REFERRING_ORGANISATIONS, user=user), Query(CONFLICT_TYPES)]
    if postcode:
        statements.append(Query(POSTCODE_AREA, digits=postcode[:4]))
    organisations, kinds, *areas = run_together(*statements)
    referring_organisations.remember(organisations, user)
    conflict_types.remember(kinds)
    if postcode:
        neighbourhood_for_postcode.remember(neighbourhood_of_areas(areas[0]), postcode)


@per_request
def referring_organisations(user: int) -> list[Organisation]:
    """The active organisations the user with pk ``user`` refers for, by name.

    Asked by the referral form (whose organisations to offer) and by submit_referral (may this
    user refer for that one): once per request (buurtbemiddeling.request_memo).
    """
    return REFERRING_ORGANISATIONS(user=user)


def existing_referral(*, organisation, partner_reference: str) -> Case | None:
    """The case that ``organisation`` referred under ``partner_reference`` before, if any."""
    if not partner_reference:
        return None
    found = REFERRAL(organisation=organisation.pk, partner_reference=partner_reference)
    return found[0] if found else None


def _existing_referral(organisation, partner_reference: str) -> Case | None:
    return existing_referral(organisation=organisation, partner_reference=partner_reference)


def submit_referral(*, data: CaseData, referrer, organisation, as_submitted: dict | None = None) -> ReferralResult:
    """A partner's referral; the same reference from the same organisation makes one case.

    The unique constraint (organisation, reference) decides, not a read before the write: a
    second submit of a reference (a double click, or two at the same moment) is refused at the
    INSERT, create_case's transaction or savepoint is rolled back (the case number and the
    notification row with it), and it answers with the first case. A second submit of a
    reference referred before answers with that case even when its own data would not pass
    (outside the service area, a failing validation). The view already sends a plain resubmit
    to the first case before validating the form, so this path is the rare one.
    """
    if data.channel != Channel.PARTNER_REFERRAL:
        raise DomainError(_("A referral comes in as a partner referral."))
    if not data.partner_reference:
        raise DomainError(_("A referral needs your own reference."))
    if organisation.pk not in {mine.pk for mine in referring_organisations(referrer.pk)}:
        raise DomainError(_("You can only refer on behalf of your own organisation."))
    try:
        neighbourhood = _ensure_in_service_area(data.postcode)
        # create_case is one transaction (a savepoint inside a caller's); the reads before it
        # need none.
        case = create_case(
            data=data,
            actor=referrer,
            referring_organisation=organisation,
            consent_given=True,
            as_submitted=as_submitted,
            neighbourhood=neighbourhood,
        )
    except (IntegrityError, ValidationError, OutsideServiceArea):
        # IntegrityError: the reference exists (the unique constraint at the INSERT); or a
        # model validation failed, or the address is outside the area: unless the reference
        # was referred before, that is the answer.
        existing = _existing_referral(organisation, data.partner_reference)
        if existing is None:
            raise
        return ReferralResult(case=existing, created=False)
    return ReferralResult(case=case, created=True)


# A resident's own report ------------------------------------------------------------------


@transaction.atomic
def submit_self_report(*, data: CaseData, confirm_to: str = "", language: str = "nl") -> Case:
    """A resident's report from the public form; ``confirm_to`` gets a confirmation email.

    The resident has no account: the address is kept on the notification row only until the
    email is out (buurtbemiddeling.notifications), and the email carries the case number only.
    """
    if data.channel != Channel.WEB_FORM:
        raise DomainError(_("A resident's report comes in through the web form."))
    neighbourhood = _ensure_in_service_area(data.postcode)
    case = create_case(data=data, consent_given=True, neighbourhood=neighbourhood)
    if confirm_to:
        schedule(
            [
                Notification(
                    kind=Notification.Kind.REPORT_RECEIVED,
                    recipient=None,
                    to_email=confirm_to,
                    language=language,
                    subject_type=ContentType.objects.get_for_model(Case),
                    subject_id=case.pk,
                    key=f"report_received:{case.pk}",
                    due_at=timezone.now(),
                )
            ]
        )
    return case


# Phone intake -----------------------------------------------------------------------------


@transaction.atomic
def register_reported_case(*, data: CaseData, coordinator) -> Case:
    """A coordinator registers a report that came in by phone, email or at the desk."""
    if data.channel not in REPORTED_CHANNELS:
        raise DomainError(_("Choose how the report came in: phone, email or at the desk."))
    neighbourhood = _ensure_in_service_area(data.postcode)
    return create_case(data=data, actor=coordinator, consent_given=True, neighbourhood=neighbourhood)


# Contact attempts -------------------------------------------------------------------------


@transaction.atomic
def log_contact_attempt(*, case: Case, actor, text: str) -> CaseEvent:
    """Write a contact attempt (call, message, visit) on the case's timeline."""
    event = CaseEvent(
        case=case,
        actor=actor if getattr(actor, "pk", None) else None,
        created_at=timezone.now(),
        kind=CaseEvent.Kind.CONTACT_ATTEMPT,
        text=text,
    )
    event.full_clean()
    event.save()
    return event
