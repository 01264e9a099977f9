"""The personal-data registry: for every text field of the project's models, personal or not.

One place answers "where is personal data stored, and what happens to it" (DESIGN.md, "Privacy").
Retention (cases.services.retention) and a person's erasure (cases.services.subject_rights) empty
exactly the fields declared here, so a field added to a model is handled once it is declared.
tests/security/test_privacy_registry.py fails for any CharField, TextField, EmailField, URLField or
JSONField of a project model that is in neither PERSONAL nor NOT_PERSONAL.

A personal field has a treatment and a scope:

- treatment EMPTY sets it to "", EMPTY_JSON to an empty value of the field's default type ({} or
  []), DELETE_ROW removes the whole row (the row is nothing but personal text).
- scope CASE: emptied when its case is anonymised after the retention period or when a party
  asks for erasure. PARTY: a party's own fields; emptied at retention and at that party's erasure.
  VOLUNTEER: an applicant's own data; emptied at that applicant's erasure. MEDIATOR: a volunteer's
  data while they work for the service; kept while the account exists and removed with the
  account, by hand in the admin (not by retention: it belongs to no case).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

EMPTY = "empty"
EMPTY_JSON = "empty_json"
DELETE_ROW = "delete_row"

CASE = "case"
PARTY = "party"
VOLUNTEER = "volunteer"
MEDIATOR = "mediator"

# The project's own apps: the registry covers every model in them.
PROJECT_APPS = ("buurtbemiddeling", "partners", "cases", "mediators", "audit")

# The field types that can hold a name, an address, an email address or free text.
TEXT_FIELD_TYPES = (models.CharField, models.TextField, models.JSONField, models.URLField, models.EmailField)


@dataclass(frozen=True)
class Personal:
    treatment: str
    scope: str


def _fields(scope: str, treatment: str, *names: str) -> dict[str, Personal]:
    return {name: Personal(treatment, scope) for name in names}


PERSONAL: dict[str, dict[str, Personal]] = {
    "cases.Case": _fields(
        CASE,
        EMPTY,
        "partner_reference",  # points into the partner's file on the person
        "description",
        "tried_already",
        "street",
        "house_number",
        "postcode",
        "city",
        "not_suitable_reason",
        "referred_to",
    )
    | _fields(CASE, EMPTY_JSON, "as_submitted"),
    "cases.Party": _fields(
        PARTY, EMPTY, "name", "street", "house_number", "postcode", "city", "phone", "email", "confidential_notes"
    ),
    # A note event is removed whole; every other event keeps its kind, statuses and date.
    "cases.CaseEvent": _fields(CASE, EMPTY, "text"),
    "cases.Meeting": _fields(CASE, EMPTY, "location", "confidential_notes"),
    "cases.Agreement": _fields(CASE, EMPTY, "follow_up_note"),
    "cases.AgreementItem": _fields(CASE, DELETE_ROW, "text", "who"),
    "mediators.Assignment": _fields(CASE, EMPTY, "decline_reason"),
    # Notifications about a case (or its assignments, meetings, agreements), and those sent to
    # an erased person's address: the address, the rendered content and an SMTP error (which
    # can quote the address).
    "buurtbemiddeling.Notification": _fields(CASE, EMPTY, "to_email", "last_error")
    | _fields(CASE, EMPTY_JSON, "payload"),
    # Labels and ids only by design, but reduced anyway: who, when and what stay.
    "audit.AccessRecord": _fields(CASE, EMPTY, "detail"),
    "mediators.VolunteerApplication": _fields(VOLUNTEER, EMPTY, "name", "email", "phone", "postcode", "motivation")
    | _fields(VOLUNTEER, EMPTY_JSON, "languages"),
    "mediators.Mediator": _fields(MEDIATOR, EMPTY, "phone", "home_postcode"),
    "mediators.Absence": _fields(MEDIATOR, EMPTY, "reason"),
    "mediators.TrainingRecord": _fields(MEDIATOR, EMPTY, "note"),
}

# Text fields that hold no personal data, each with the reason.
NOT_PERSONAL: dict[str, dict[str, str]] = {
    "cases.Neighbourhood": {"name": "reference data", "stadsdeel": "reference data"},
    "cases.PostcodeArea": {"digits": "reference data"},
    "cases.ConflictType": {"code": "reference data", "name": "reference data", "name_en": "reference data"},
    "cases.Case": {
        "number": "a sequence number",
        "status": "statistics",
        "channel": "statistics",
        "outcome": "statistics",
    },
    "cases.Party": {
        "role": "A, B or other",
        "preferred_language": "statistics; says nothing once the name and address are gone",
        "tenure": "statistics (rent or own)",
    },
    "cases.CaseEvent": {"kind": "label", "old_status": "statistics", "new_status": "statistics", "milestone": "label"},
    "cases.Meeting": {"kind": "label", "location_kind": "label (home of A, neutral place...)", "status": "statistics"},
    "cases.Agreement": {"follow_up_result": "statistics"},
    "mediators.Mediator": {
        "languages": "language codes the volunteer offers",
        "status": "label",
        "calendar_token": "a random secret, not about a person",
    },
    "mediators.Availability": {"part": "label"},
    "mediators.Absence": {},
    "mediators.TrainingRecord": {"kind": "label"},
    "mediators.VolunteerApplication": {"status": "statistics"},
    "mediators.Assignment": {"role": "label", "status": "statistics"},
    "partners.Organisation": {
        "name": "an organisation",
        "kind": "label",
        "notification_email": "an organisation's functional mailbox",
    },
    "partners.Convenant": {"title": "document title", "area": "a municipality or district"},
    "partners.ConvenantParty": {"in_kind": "an organisation's contribution"},
    "partners.Membership": {"role": "label"},
    "buurtbemiddeling.Notification": {
        "kind": "label",
        "language": "a language code",
        "key": "kind and ids only",
        "status": "label",
    },
    "buurtbemiddeling.UserPreference": {"language": "a language code"},
    "buurtbemiddeling.DataGeneration": {"epoch": "a random token"},
    "audit.AccessRecord": {"action": "label"},
}

# How to reach the case from a model with CASE-scoped fields (a queryset lookup).
CASE_LINKS: dict[str, str] = {
    "cases.Case": "pk",
    "cases.Party": "case",
    "cases.CaseEvent": "case",
    "cases.Meeting": "case",
    "cases.Agreement": "case",
    "cases.AgreementItem": "agreement__case",
    "mediators.Assignment": "case",
    "audit.AccessRecord": "case",
    # buurtbemiddeling.Notification reaches its case through a generic relation:
    # cases.services.retention.case_notifications.
}


def label(model) -> str:
    return model._meta.label


def personal_fields(model, *scopes: str) -> dict[str, Personal]:
    """The personal fields of ``model`` in the given scopes (all scopes when none given)."""
    declared = PERSONAL.get(label(model), {})
    return {name: entry for name, entry in declared.items() if not scopes or entry.scope in scopes}


def empty_value(model, name: str):
    field = model._meta.get_field(name)
    entry = PERSONAL[label(model)][name]
    if entry.treatment == EMPTY_JSON:
        default = field.get_default()
        return type(default)() if isinstance(default, list | dict) else {}
    return ""


def emptied(model, *scopes: str) -> dict:
    """``{field: empty value}`` for the EMPTY and EMPTY_JSON fields of ``model`` in ``scopes``:
    the keyword arguments of a ``queryset.update()`` that empties them."""
    return {
        name: empty_value(model, name)
        for name, entry in personal_fields(model, *scopes).items()
        if entry.treatment in (EMPTY, EMPTY_JSON)
    }


def rows_deleted(model, *scopes: str) -> bool:
    """True when anonymising removes the rows of ``model`` altogether."""
    return any(entry.treatment == DELETE_ROW for entry in personal_fields(model, *scopes).values())
