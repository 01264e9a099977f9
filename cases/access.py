"""The one guard for cases: a case that is not yours is a 404, never a 403.

A 403 would tell the visitor that the case exists.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404

from .models import Case
from .querysets import Scope


def get_case_for_user(user, code, *, scope: Scope = Scope.RECORD) -> Case:
    # The case pages show the wijk, the referring organisation and the referrer: one query for the
    # case however it came in, instead of up to three more for a partner referral.
    try:
        return (
            Case.objects.visible_to(user, scope=scope)
            .select_related("neighbourhood", "referring_organisation", "referred_by")
            .get(code=code)
        )
    except (Case.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404("No such case.") from None
