"""Record access to personal data. The one writer of AccessRecord."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

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
