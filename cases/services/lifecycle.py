"""All writes to cases. Keyword-only, typed, one transaction each."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtbemiddeling.errors import DomainError
from buurtbemiddeling.models import Notification
from buurtbemiddeling.notifications import schedule
from buurtbemiddeling.precompiled import Precompiled
from buurtbemiddeling.request_memo import per_request
from buurtbemiddeling.together import Insert, Statement, mark_saved, plain_values, run_together

from ..models import (
    TRANSITIONS,
    Case,
    CaseEvent,
    CaseNumberSequence,
    Channel,
    ConflictType,
    Neighbourhood,
    Outcome,
    Party,
    PostcodeArea,
    Status,
)


class IllegalTransition(DomainError):
    pass


def _case_number_upsert() -> str:
    """SQL that hands out the next number of the year in its one parameter, returning it (``last``).

    The year's row is created at 1 or counted up. Its row lock is held until the transaction ends,
    so concurrent creators queue on that row instead of reading the same value; two first cases of
    a year cannot both insert it (ON CONFLICT). PostgreSQL and SQLite (3.35+) both speak this
    upsert with RETURNING.
    """
    table = connection.ops.quote_name(CaseNumberSequence._meta.db_table)
    return (
        f"INSERT INTO {table} (year, last) VALUES (%s, 1) "  # noqa: S608  # nosec B608 - the model's table name
        f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last"
    )


def _case_number_statement(year: int) -> Statement:
    """The statement that hands out the next number of ``year``; run it inside a transaction."""
    return Statement(_case_number_upsert(), [year])


def _case_number(year: int, rows: list[tuple]) -> str:
    """The case number from the rows of ``_case_number_statement(year)``: 2026-0042."""
    ((last,),) = rows
    return f"{year}-{last:04d}"


def _next_case_number(year: int) -> str:
    """Hand out the next number of ``year``; call inside a transaction (see _case_number_statement)."""
    (rows,) = run_together(_case_number_statement(year))
    return _case_number(year, rows)


def _case_pk_statement() -> Statement | None:
    """On PostgreSQL, the statement that takes the next pk of the cases' sequence; None elsewhere.

    With the pk in hand before the INSERT, the rows that refer to the case go in the same round trip.
    """
    if connection.vendor != "postgresql":
        return None
    meta = Case._meta
    return Statement("SELECT nextval(pg_get_serial_sequence(%s, %s))", [meta.db_table, meta.pk.column])


def _numbered_case_insert(case: Case, year: int) -> Statement:
    """The INSERT of ``case`` (its pk set) that takes the case's number of ``year`` itself (PostgreSQL).

    The number's row lock queues every other new case until COMMIT. Taken by the last statement
    before COMMIT, it is held for that statement and the COMMIT only, not while the case's other
    rows are written: they refer to the case before it exists, which PostgreSQL allows because
    Django makes every foreign key DEFERRABLE INITIALLY DEFERRED (checked at COMMIT). Returns the
    number. The number is formatted as _case_number formats it: at least four digits.
    """
    # As Django's own INSERT (and Insert, which this replaces here): refuse an unsaved related object
    # rather than write its foreign key as NULL.
    case._prepare_related_fields_for_save(operation_name="save")
    meta = Case._meta
    number = meta.get_field("number")
    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not number]
    values = plain_values(fields, (case,), connection)
    if values is None:
        raise TypeError("A field of Case needs SQL of its own in an INSERT: write it in _numbered_case_insert.")
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [*fields, number])
    placeholders = ", ".join(["%s"] * len(fields))
    return Statement(
        f"WITH taken AS ({_case_number_upsert()}) "  # noqa: S608  # nosec B608 - the model's table and column names
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders}, "
        "(SELECT %s || lpad(last::text, greatest(4, length(last::text)), '0') FROM taken)) "
        f"RETURNING {quote(number.column)}",
        [year, *values, f"{year}-"],
    )


def _postcode_area(digits: str):
    return PostcodeArea.objects.select_related("neighbourhood").filter(digits=digits)[:1]


# Every intake form looks its postcode up: compiled once per process (buurtbemiddeling.precompiled).
POSTCODE_AREA = Precompiled(_postcode_area, name="postcode area")


# Per request: an intake form checks the postcode, then the intake service's guard asks again.
@per_request
def neighbourhood_for_postcode(postcode: str) -> Neighbourhood | None:
    return neighbourhood_of_areas(POSTCODE_AREA(digits=postcode[:4]))


def neighbourhood_of_areas(areas: list[PostcodeArea]) -> Neighbourhood | None:
    """The wijk of POSTCODE_AREA's answer."""
    return areas[0].neighbourhood if areas else None


@dataclass(frozen=True)
class PartyData:
    role: str
    name: str = ""
    street: str = ""
    house_number: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    preferred_language: str = "nl"
    interpreter_needed: bool = False
    tenure: str = ""
    landlord_id: int | None = None


@dataclass(frozen=True)
class CaseData:
    channel: str
    description: str = ""
    tried_already: str = ""
    street: str = ""
    house_number: str = ""
    postcode: str = ""
    city: str = "Enschede"
    conflict_type_codes: tuple[str, ...] = ()
    flag_psychosocial: bool = False
    flag_language_barrier: bool = False
    flag_threat: bool = False
    partner_reference: str = ""
    parties: tuple[PartyData, ...] = field(default_factory=tuple)


# create_case's ``neighbourhood`` when the caller has not looked the postcode up.
_FROM_POSTCODE = object()

# Set by create_case from rows it has in hand; validating them would only read them again.
_LOADED_RELATIONS = ("referring_organisation", "referred_by", "neighbourhood", "consent_recorded_by")


@transaction.atomic
def create_case(
    *,
    data: CaseData,
    actor=None,
    referring_organisation=None,
    consent_given: bool,
    received_at: datetime | None = None,
    as_submitted: dict | None = None,
    neighbourhood: Neighbourhood | object | None = _FROM_POSTCODE,
) -> Case:
    """Register a case with its parties and a 'received' milestone event.

    ``as_submitted`` is the referrer's or resident's own copy of what they sent (see
    Case.as_submitted); the intake services pass it. ``neighbourhood`` is the wijk of
    ``data.postcode`` when the caller has looked it up already (the intake services, checking
    the service area); without it the postcode is looked up here.
    """
    if neighbourhood is _FROM_POSTCODE:
        neighbourhood = neighbourhood_for_postcode(data.postcode) if data.postcode else None
    now = timezone.now()
    received_at = received_at or now
    local_received = timezone.localtime(received_at)
    if data.channel == Channel.PARTNER_REFERRAL and referring_organisation is None:
        raise DomainError(_("A partner referral needs a referring organisation."))
    case = Case(
        channel=data.channel,
        referring_organisation=referring_organisation,
        referred_by=actor if referring_organisation is not None else None,
        partner_reference=data.partner_reference,
        description=data.description,
        tried_already=data.tried_already,
        street=data.street,
        house_number=data.house_number,
        postcode=data.postcode,
        city=data.city,
        neighbourhood=neighbourhood,
        flag_psychosocial=data.flag_psychosocial,
        flag_language_barrier=data.flag_language_barrier,
        flag_threat=data.flag_threat,
        consent_given=consent_given,
        consent_at=now if consent_given else None,
        consent_recorded_by=actor if consent_given and getattr(actor, "pk", None) else None,
        received_at=received_at,
        as_submitted=as_submitted or {},
    )
    # Validate the fields; not the foreign keys set here from rows just read (each would cost a
    # query), nor uniqueness and constraints: the database enforces them at the INSERT (the code
    # is random), and submit_referral turns the one a user can meet, the same reference twice,
    # into "already referred". The number comes later.
    case.full_clean(
        exclude=[*_LOADED_RELATIONS, "number", "conflict_types"], validate_unique=False, validate_constraints=False
    )
    parties = [Party(case=case, **party.__dict__) for party in data.parties]
    for row in parties:
        # The case is about to be created: it exists then and has no parties yet (one A and one B per case).
        row.full_clean(exclude=["case"], validate_constraints=False)
    event = CaseEvent(
        case=case,
        actor=actor if getattr(actor, "pk", None) else None,
        created_at=received_at,
        kind=CaseEvent.Kind.CREATED,
        new_status=Status.NEW,
        milestone=CaseEvent.Milestone.RECEIVED,
    )
    # Everything is built and checked before the case number is taken: the number's row lock queues
    # every other new case until this transaction ends, so from then on it is round trips only
    # (buurtbemiddeling.together).
    year = local_received.year
    pk_statement = _case_pk_statement()
    if pk_statement is None:
        # SQLite: the number, then the case, whose pk comes from its own INSERT, then the rest.
        case.number = _next_case_number(year)
        run_together(Insert(case))
    else:
        # PostgreSQL: the case's pk from its sequence (no lock), so that the rows that refer to the case
        # are written before it; the case's INSERT, which takes the number, comes last.
        ((case.pk,),) = run_together(pk_statement)[0]
    notification = _referrer_notification(case=case, event=event)
    # One round trip for the case and what hangs on it: conflict types, parties, the received event, and
    # the referrer's notification (it commits with the case or not at all; the minute sweep sends it).
    statements = [
        *([_conflict_types_link(case, data.conflict_type_codes)] if data.conflict_type_codes else []),
        *([Insert(*parties)] if parties else []),
        Insert(event),
        *([Insert(notification, ignore_conflicts=True)] if notification else []),
    ]
    if pk_statement is None:
        run_together(*statements)
    else:
        number_rows = run_together(*statements, _numbered_case_insert(case, year))[-1]
        ((case.number,),) = number_rows
        mark_saved((case,), connection.alias)
    return case


def _conflict_types_link(case: Case, codes: tuple[str, ...]) -> Statement:
    """The statement that links ``case`` to the conflict types with these codes.

    INSERT ... SELECT: the codes are resolved to rows by the database, so a code that names no
    conflict type links nothing (as the look-up and bulk insert it replaces did), and nothing
    the form read before is trusted.
    """
    links = Case.conflict_types.through._meta
    kinds = ConflictType._meta
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(codes))
    return Statement(
        f"INSERT INTO {quote(links.db_table)} "  # noqa: S608  # nosec B608 - the models' table and column names
        f"({quote(links.get_field('case').column)}, {quote(links.get_field('conflicttype').column)}) "
        f"SELECT %s, {quote(kinds.pk.column)} FROM {quote(kinds.db_table)} "
        f"WHERE {quote(kinds.get_field('code').column)} IN ({placeholders})",
        [case.pk, *codes],
    )


def _notify_referrer(*, case: Case, event: CaseEvent) -> None:
    """Tell the referrer of ``case`` about the milestone ``event`` reached, by email.

    Call it inside the transaction that writes the event: the notification row commits with
    the milestone or not at all, and the minute sweep sends it (DESIGN: side effects after
    commit). The key makes a second call for the same event a no-op. The email itself carries
    the case number, the partner's reference and a link, never what the case is about.
    """
    notification = _referrer_notification(case=case, event=event)
    if notification is not None:
        schedule([notification])


def _referrer_notification(*, case: Case, event: CaseEvent) -> Notification | None:
    """The unsaved notification row for _notify_referrer; None when the referrer gets none.

    The received milestone's key is the case's (one per case), another milestone's its event's: the
    case must have its pk, and the event too unless it is the received one.
    """
    if not event.milestone:
        return None
    referrer = case.referred_by
    if referrer is None or not referrer.is_active or not referrer.email:
        return None
    if event.milestone == CaseEvent.Milestone.RECEIVED:
        kind, key = Notification.Kind.REFERRAL_RECEIVED, f"referral_received:{case.pk}"
    else:
        kind, key = Notification.Kind.MILESTONE, f"milestone:{event.pk}"
    return Notification(
        kind=kind,
        recipient=referrer,
        subject_type=ContentType.objects.get_for_model(Case),
        subject_id=case.pk,
        key=key,
        due_at=timezone.now(),
        payload={"milestone": event.milestone},
    )


# Which referrer milestone a status change reaches, if any.
def _milestone_for(old_status: str, new_status: str, outcome: str) -> str:
    if new_status == Status.IN_MEDIATION and old_status == Status.MATCHING:
        return CaseEvent.Milestone.TAKEN_UP
    if new_status == Status.MATCHING:
        return CaseEvent.Milestone.SUITABLE
    if new_status == Status.NOT_SUITABLE:
        return CaseEvent.Milestone.NOT_SUITABLE
    if new_status == Status.CLOSED:
        resolved = outcome in Outcome.resolved()
        return CaseEvent.Milestone.CLOSED_RESOLVED if resolved else CaseEvent.Milestone.CLOSED_NOT_RESOLVED
    return CaseEvent.Milestone.NONE


@transaction.atomic
def change_status(
    *,
    case: Case,
    new_status: str,
    actor=None,
    text: str = "",
    outcome: str = "",
    not_suitable_reason: str = "",
    referred_to: str = "",
    at: datetime | None = None,
) -> Case:
    """Move ``case`` to ``new_status`` if the transition map allows it, and log it.

    The row is locked first so that two coordinators acting at once see each
    other's change instead of both moving from the same old status.
    """
    at = at or timezone.now()
    locked = Case.objects.select_for_update().get(pk=case.pk)
    old_status = locked.status
    if new_status not in TRANSITIONS.get(old_status, frozenset()):
        raise IllegalTransition(
            _("A case with status “%(old)s” cannot move to “%(new)s”.")
            % {"old": Status(old_status).label, "new": Status(new_status).label}
        )
    update_fields = ["status", "updated_at"]
    if new_status == Status.CLOSED:
        if outcome not in Outcome.values:
            raise DomainError(_("Choose an outcome to close the case."))
        locked.outcome = outcome
        locked.closed_at = at
        update_fields += ["outcome", "closed_at"]
    elif new_status == Status.NOT_SUITABLE:
        if not not_suitable_reason.strip():
            raise DomainError(_("Give the reason why the case is not suitable."))
        locked.not_suitable_reason = not_suitable_reason
        locked.referred_to = referred_to
        locked.closed_at = at
        update_fields += ["not_suitable_reason", "referred_to", "closed_at"]
    if old_status == Status.CLOSED:  # reopening
        if not locked.can_reopen(at):
            raise IllegalTransition(_("A case can be reopened only within six months of closing."))
        locked.outcome = ""
        locked.closed_at = None
        update_fields += ["outcome", "closed_at"]
    if new_status == Status.INTAKE and locked.first_contact_at is None:
        locked.first_contact_at = at
        update_fields.append("first_contact_at")
    if new_status == Status.IN_MEDIATION and locked.matched_at is None:
        locked.matched_at = at
        update_fields.append("matched_at")
    locked.status = new_status
    locked.save(update_fields=update_fields)
    event = CaseEvent.objects.create(
        case=locked,
        actor=actor if getattr(actor, "pk", None) else None,
        created_at=at,
        kind=CaseEvent.Kind.STATUS_CHANGE,
        old_status=old_status,
        new_status=new_status,
        text=text,
        milestone=_milestone_for(old_status, new_status, outcome),
    )
    _notify_referrer(case=locked, event=event)
    # Keep the caller's instance in step with the database.
    for name in set(update_fields):
        setattr(case, name, getattr(locked, name))
    return case
