"""Record access to personal data. The one writer of AccessRecord."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone

from buurtbemiddeling.together import Statement

from .models import AccessRecord

Action = AccessRecord.Action


def record_access(user, *, action: str, case=None, detail: str = "") -> AccessRecord:
    """Write one access record. ``detail``: identifiers and labels only, never personal values."""
    record = access_record(user, action=action, case=case, detail=detail)
    record.save(force_insert=True)
    return record


def access_record(user, *, action: str, case=None, detail: str = "") -> AccessRecord:
    """The access record that ``record_access`` writes, not yet written.

    For a page that writes it in one round trip with the queries that read what it records
    (``buurtbemiddeling.together.Insert``); the record is written or the page fails.
    """
    if user is not None and (isinstance(user, AnonymousUser) or not user.is_authenticated):
        user = None
    return AccessRecord(user=user, case=case, action=action, detail=detail[:120])


def access_record_of_case_code(user, *, action: str, code) -> Statement:
    """``access_record(user, action=..., case=...)`` for the case whose code is ``code``, as one statement.

    An INSERT ... SELECT that finds the case itself, and writes nothing when there is no such case:
    for a page that reads the case in the same round trip as it records reading it (the coordinator's
    case page, cases.views.case_file). Same columns and values as record_access writes.
    """
    record = access_record(user, action=action)
    record.at = timezone.now()
    meta = AccessRecord._meta
    case_meta = meta.get_field("case").related_model._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in ("at", "user", "action", "detail")]
    columns = ", ".join(quote(field.column) for field in [*fields, meta.get_field("case")])
    values = [field.get_db_prep_save(getattr(record, field.attname), connection) for field in fields]
    code_field = case_meta.get_field("code")
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608  # nosec B608 - the models' table and column names
        f"SELECT %s, %s, %s, %s, {quote(case_meta.pk.column)} FROM {quote(case_meta.db_table)} "
        f"WHERE {quote(code_field.column)} = %s"
    )
    return Statement(sql, [*values, code_field.get_db_prep_value(code, connection)])
