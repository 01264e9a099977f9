"""Canaries for the privacy tests: a unique marker in every personal field the registry declares,
and a search of every table of the database for them.

A canary is a tag of four capitals (Q, Z, X... never in a UUID's hex) and a counter, short enough
for the narrowest personal column (a postcode: seven characters).
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from audit.models import AccessRecord
from audit.services import record_access
from buurtbemiddeling import privacy
from buurtbemiddeling.models import Notification
from cases.models import Agreement, AgreementItem, CaseEvent, Meeting, Party
from mediators.models import Assignment
from tests import factories


class Canaries:
    """Makes canaries with one tag and remembers which registry field got which."""

    def __init__(self, tag: str):
        assert len(tag) == 4
        self.tag = tag
        self._counter = itertools.count()
        self.seeded: dict[tuple[str, str], list[str]] = {}

    def values(self) -> list[str]:
        return [value for values in self.seeded.values() for value in values]

    def fill(self, label: str, *scopes: str) -> dict:
        """Keyword arguments that put a canary in every personal field of ``label`` in ``scopes``."""
        kwargs = {}
        for name, entry in privacy.PERSONAL[label].items():
            if scopes and entry.scope not in scopes:
                continue
            value = f"{self.tag}{next(self._counter):03d}"
            self.seeded.setdefault((label, name), []).append(value)
            if entry.treatment == privacy.EMPTY_JSON:
                kwargs[name] = [value] if label == "mediators.VolunteerApplication" else {"canary": value}
            else:
                kwargs[name] = value
        return kwargs


def registry_fields(*scopes: str) -> set[tuple[str, str]]:
    return {
        (label, name)
        for label, fields in privacy.PERSONAL.items()
        for name, entry in fields.items()
        if entry.scope in scopes
    }


def seed_case_content(case, canaries: Canaries, *, coordinator, parties=True) -> None:
    """Canaries in every CASE-scoped row around ``case`` (and its two parties unless told not)."""
    case_scope = (privacy.CASE,)
    if parties:
        for role in (Party.Role.A, Party.Role.B):
            factories.PartyFactory(case=case, role=role, **canaries.fill("cases.Party", privacy.PARTY))
    for kind in (CaseEvent.Kind.NOTE, CaseEvent.Kind.CONTACT_ATTEMPT):
        CaseEvent.objects.create(
            case=case, kind=kind, created_at=case.received_at, **canaries.fill("cases.CaseEvent", *case_scope)
        )
    start = case.received_at + timedelta(days=3)
    meeting = Meeting.objects.create(
        case=case,
        kind=Meeting.Kind.JOINT,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        status=Meeting.Status.HELD,
        **canaries.fill("cases.Meeting", *case_scope),
    )
    agreement = Agreement.objects.create(
        case=case,
        meeting=meeting,
        follow_up_on=start.date() + timedelta(days=30),
        created_at=start,
        **canaries.fill("cases.Agreement", *case_scope),
    )
    AgreementItem.objects.create(agreement=agreement, **canaries.fill("cases.AgreementItem", *case_scope))
    factories.AssignmentFactory(
        case=case,
        mediator=factories.MediatorFactory(),
        status=Assignment.Status.DECLINED,
        **canaries.fill("mediators.Assignment", *case_scope),
    )
    for subject, status in ((case, Notification.Status.SENT), (meeting, Notification.Status.PENDING)):
        Notification.objects.create(
            kind=Notification.Kind.MILESTONE,
            recipient=None,
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
            key=f"test:{subject._meta.model_name}:{subject.pk}",
            due_at=timezone.now(),
            status=status,
            sent_at=timezone.now() if status == Notification.Status.SENT else None,
            **canaries.fill("buurtbemiddeling.Notification", *case_scope),
        )
    record_access(
        coordinator,
        action=AccessRecord.Action.CASE_PAGE,
        case=case,
        **canaries.fill("audit.AccessRecord", *case_scope),
    )


def _text_columns_query(table: str, columns: list[str]) -> str:
    quote = connection.ops.quote_name
    condition = " OR ".join(f"CAST({quote(column)} AS TEXT) LIKE %s" for column in columns)
    return f"SELECT COUNT(*) FROM {quote(table)} WHERE {condition}"  # noqa: S608 - names from introspection


def tables_containing(marker: str) -> dict[str, int]:
    """Every table of the database (project, Django, Celery beat, axes...) whose rows contain
    ``marker`` in any column, with the number of such rows."""
    hits = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [column.name for column in connection.introspection.get_table_description(cursor, table)]
            cursor.execute(_text_columns_query(table, columns), [f"%{marker}%"] * len(columns))
            (count,) = cursor.fetchone()
            if count:
                hits[table] = count
    return hits


def all_stored_text() -> str:
    """Every cell of every table as text, for checking that many canaries are still there."""
    quote = connection.ops.quote_name
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [column.name for column in connection.introspection.get_table_description(cursor, table)]
            select = ", ".join(f"CAST({quote(column)} AS TEXT)" for column in columns)
            cursor.execute(f"SELECT {select} FROM {quote(table)}")  # noqa: S608 - names from introspection
            parts.extend(str(cell) for row in cursor.fetchall() for cell in row if cell is not None)
    return "\n".join(parts)
