"""The one guard for cases: a case that is not yours is a 404, never a 403.

A 403 would tell the visitor that the case exists.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404

from buurtbemiddeling.precompiled import Precompiled

from .models import Case
from .querysets import Scope, sees_every_case

# The case pages show the wijk, the referring organisation and the referrer: one query for the
# case however it came in, instead of up to three more for a partner referral.
WITH_FACTS = ("neighbourhood", "referring_organisation", "referred_by")


def _any_case(code):
    return Case.objects.select_related(*WITH_FACTS).filter(code=code)[:2]


# A coordinator's case pages are the busiest: compiled once per process (buurtbemiddeling.precompiled).
# Any case, as Case.objects.visible_to gives a coordinator.
ANY_CASE = Precompiled(_any_case, name="a coordinator's case")


def get_case_for_user(user, code, *, scope: Scope = Scope.RECORD) -> Case:
    try:
        if sees_every_case(user):
            found = ANY_CASE(code=code)
            if len(found) != 1:
                raise Case.DoesNotExist
            return found[0]
        return Case.objects.visible_to(user, scope=scope).select_related(*WITH_FACTS).get(code=code)
    except (Case.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404("No such case.") from None
