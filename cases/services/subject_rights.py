"""Data-subject rights (DESIGN.md, "Privacy"): find a person, export what is stored about them,
erase it on request. Coordinators only (cases.views.subject_rights); both logged.

A person is addressed by one record: a party row (a person in one case) or a volunteer
application. The same person in two cases is two party rows; the search finds both, and each is
exported or erased on its own.

Erasing a party empties, with the same coverage as retention (buurtbemiddeling.privacy):
their own party fields; every CASE-scoped field of the case they are party to (its free text and
address, events, meetings, agreements, assignments' reasons, notifications about it, the detail of
its access records), because free text cannot be split by person; and every notification sent to
their email address. The other party's own row in that case stays as it is: it is that person's
data, and only they can ask for its erasure. Statistics (status, outcome, dates, neighbourhood,
conflict types, channel, referring organisation) stay, so the convenant report still counts the
case. The case is not marked anonymised: the other party's data is still there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from audit.models import AccessRecord
from audit.services import record_access
from buurtbemiddeling import privacy
from buurtbemiddeling.models import Notification
from mediators.models import VolunteerApplication

from ..models import Case, Party
from .retention import case_notifications, empty_case_content, strip_notifications

MIN_NAME_LENGTH = 3


@dataclass(frozen=True)
class SearchTerms:
    """Already normalised as stored: phone E.164 (+31612345678), postcode ``1234 AB``."""

    name: str = ""
    email: str = ""
    phone: str = ""
    postcode: str = ""
    house_number: str = ""

    @property
    def is_empty(self) -> bool:
        return not (
            len(self.name) >= MIN_NAME_LENGTH or self.email or self.phone or (self.postcode and self.house_number)
        )


def _match(terms: SearchTerms, *, name: str, email: str, phone: str | None, postcode: str | None, house: str | None):
    query = Q(pk__in=[])
    if len(terms.name) >= MIN_NAME_LENGTH:
        query |= Q(**{f"{name}__icontains": terms.name})
    if terms.email:
        query |= Q(**{f"{email}__iexact": terms.email})
    if terms.phone and phone:
        query |= Q(**{phone: terms.phone})
    if terms.postcode and terms.house_number and postcode and house:
        query |= Q(**{f"{postcode}__iexact": terms.postcode, f"{house}__iexact": terms.house_number})
    return query


def find_parties(terms: SearchTerms):
    if terms.is_empty:
        return Party.objects.none()
    query = _match(terms, name="name", email="email", phone="phone", postcode="postcode", house="house_number")
    return Party.objects.filter(query).select_related("case").order_by("-case__received_at", "pk")


def find_applications(terms: SearchTerms):
    if terms.is_empty:
        return VolunteerApplication.objects.none()
    query = _match(terms, name="name", email="email", phone="phone", postcode=None, house=None)
    return VolunteerApplication.objects.filter(query).order_by("-received_at", "pk")


# Export ------------------------------------------------------------------------------------


def _values(obj, names) -> dict:
    return {name: getattr(obj, name) for name in names}


def _notifications_to(email: str):
    if not email:
        return Notification.objects.none()
    return Notification.objects.filter(to_email__iexact=email)


def _notification_data(rows) -> list[dict]:
    return [
        {
            "kind": row.kind,
            "status": row.status,
            "to_email": row.to_email,
            "created_at": row.created_at,
            "sent_at": row.sent_at,
        }
        for row in rows.order_by("created_at", "pk")
    ]


def party_data(party: Party) -> dict:
    """Everything stored about the person of this party row, as plain data (for JSON and a page)."""
    case = party.case
    personal_party = list(privacy.personal_fields(Party))
    return {
        "party": {"id": party.pk, "role": party.role, "preferred_language": party.preferred_language}
        | {"tenure": party.tenure, "interpreter_needed": party.interpreter_needed}
        | _values(party, personal_party),
        "case": {
            "number": case.number,
            "code": str(case.code),
            "status": case.status,
            "received_at": case.received_at,
            "closed_at": case.closed_at,
            "anonymised_at": case.anonymised_at,
        }
        | _values(case, privacy.personal_fields(Case)),
        "events": [
            {"created_at": event.created_at, "kind": event.kind, "text": event.text}
            for event in case.events.exclude(text="")
        ],
        "meetings": [
            {
                "starts_at": meeting.starts_at,
                "kind": meeting.kind,
                "status": meeting.status,
                "location_kind": meeting.location_kind,
                "location": meeting.location,
                "confidential_notes": meeting.confidential_notes,
            }
            for meeting in case.meetings.all()
        ],
        "agreements": [
            {
                "created_at": agreement.created_at,
                "follow_up_on": agreement.follow_up_on,
                "follow_up_result": agreement.follow_up_result,
                "follow_up_note": agreement.follow_up_note,
                "items": [{"text": i.text, "who": i.who, "due_on": i.due_on} for i in agreement.items.all()],
            }
            for agreement in case.agreements.prefetch_related("items")
        ],
        "assignments": [
            {"status": assignment.status, "decline_reason": assignment.decline_reason}
            for assignment in case.assignments.exclude(decline_reason="")
        ],
        "notifications": _notification_data(_notifications_to(party.email)),
    }


def application_data(application: VolunteerApplication) -> dict:
    return {
        "application": {
            "code": str(application.code),
            "status": application.status,
            "received_at": application.received_at,
        }
        | _values(application, privacy.personal_fields(VolunteerApplication)),
        "notifications": _notification_data(_notifications_to(application.email)),
    }


# Erasure -----------------------------------------------------------------------------------


def party_detail(party: Party) -> str:
    """What an access record says about a party: its id, never its name."""
    return f"party:{party.pk}"


@transaction.atomic
def erase_party(party: Party, *, actor) -> None:
    """Erase the person of this party row (see the module docstring for what goes and stays)."""
    case = Case.objects.select_for_update().get(pk=party.case_id)
    email = Party.objects.filter(pk=party.pk).values_list("email", flat=True).get()
    strip_notifications(_notifications_to(email))
    empty_case_content([case.pk])
    Party.objects.filter(pk=party.pk).update(**privacy.emptied(Party, privacy.PARTY))
    # After empty_case_content, which reduces the case's earlier records: this one stays whole.
    record_access(actor, action=AccessRecord.Action.SUBJECT_ERASURE, case=case, detail=party_detail(party))
    party.refresh_from_db()


def application_detail(application: VolunteerApplication) -> str:
    return f"application:{application.pk}"


@transaction.atomic
def erase_application(application: VolunteerApplication, *, actor) -> None:
    """Empty an applicant's data; the row stays with its status and date for recruitment figures."""
    email = VolunteerApplication.objects.filter(pk=application.pk).values_list("email", flat=True).get()
    strip_notifications(_notifications_to(email))
    VolunteerApplication.objects.filter(pk=application.pk).update(
        **privacy.emptied(VolunteerApplication, privacy.VOLUNTEER)
    )
    record_access(actor, action=AccessRecord.Action.SUBJECT_ERASURE, detail=application_detail(application))
    application.refresh_from_db()


__all__ = [
    "SearchTerms",
    "application_data",
    "case_notifications",
    "erase_application",
    "erase_party",
    "find_applications",
    "find_parties",
    "party_data",
]
