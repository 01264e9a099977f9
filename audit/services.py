"""Record access to personal data. The one writer of AccessRecord."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from .models import AccessRecord

Action = AccessRecord.Action


def record_access(user, *, action: str, case=None, detail: str = "") -> AccessRecord:
    """Write one access record. ``detail``: identifiers and labels only, never personal values."""
    if user is not None and (isinstance(user, AnonymousUser) or not user.is_authenticated):
        user = None
    return AccessRecord.objects.create(user=user, case=case, action=action, detail=detail[:120])
