"""The guards of the mediators app: one per object type, answering 404 for what is not yours.

A 404 rather than a 403: it does not tell the visitor that the object exists.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404

from buurtbemiddeling.roles import is_coordinator, is_mediator

from .models import Assignment, Mediator, VolunteerApplication

_NOT_FOUND = (ValidationError, ValueError, TypeError)


def get_assignment_for_mediator(user, assignment_code) -> Assignment:
    """A proposal (or earlier assignment) of the mediator ``user`` is, with the anonymous summary only.

    Only the mediator it was made to gets it: another mediator, a coordinator or a visitor gets a
    404. The case comes with what a not-yet-accepted mediator may see and nothing more
    (AssignmentQuerySet.with_anonymous_summary).
    """
    if not is_mediator(user):
        raise Http404("No such proposal.")
    try:
        return Assignment.objects.of_user(user).with_anonymous_summary().get(code=assignment_code)
    except (Assignment.DoesNotExist, *_NOT_FOUND):
        raise Http404("No such proposal.") from None


def get_assignment_for_coordinator(user, assignment_code) -> Assignment:
    if not is_coordinator(user):
        raise Http404("No such assignment.")
    try:
        return Assignment.objects.select_related("mediator__user", "case").get(code=assignment_code)
    except (Assignment.DoesNotExist, *_NOT_FOUND):
        raise Http404("No such assignment.") from None


def get_mediator_for_coordinator(user, mediator_code, *, queryset=None) -> Mediator:
    if not is_coordinator(user):
        raise Http404("No such mediator.")
    queryset = Mediator.objects.select_related("user") if queryset is None else queryset
    try:
        return queryset.get(code=mediator_code)
    except (Mediator.DoesNotExist, *_NOT_FOUND):
        raise Http404("No such mediator.") from None


def get_application_for_coordinator(user, application_code) -> VolunteerApplication:
    if not is_coordinator(user):
        raise Http404("No such application.")
    try:
        return VolunteerApplication.objects.select_related("mediator__user").get(code=application_code)
    except (VolunteerApplication.DoesNotExist, *_NOT_FOUND):
        raise Http404("No such application.") from None
