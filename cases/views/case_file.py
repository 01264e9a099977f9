from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from buurtbemiddeling.decorators import role_required
from buurtbemiddeling.roles import Role

from ..access import get_case_for_user
from ..models import Case, CaseEvent
from ..querysets import Scope


@role_required(Role.COORDINATOR)
def coordinator_home(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/coordinator_home.html")


@role_required(Role.REFERRER)
def referrals(request: HttpRequest) -> HttpResponse:
    cases = (
        Case.objects.visible_to(request.user, scope=Scope.MILESTONES)
        .select_related("referring_organisation")
        .only("code", "number", "status", "received_at", "partner_reference", "referring_organisation__name")
        .order_by("-received_at")[:50]
    )
    return render(request, "cases/referrals.html", {"cases": cases})


@never_cache
@login_required
def case_detail(request: HttpRequest, code) -> HttpResponse:
    case = get_case_for_user(request.user, code)
    parties = case.parties.all()
    events = case.events.select_related("actor")
    return render(request, "cases/case_detail.html", {"case": case, "parties": parties, "events": events})


@never_cache
@login_required
def referral_detail(request: HttpRequest, code) -> HttpResponse:
    case = get_case_for_user(request.user, code, scope=Scope.MILESTONES)
    milestones = CaseEvent.objects.filter(case=case).exclude(milestone="").only("created_at", "milestone")
    return render(request, "cases/referral_detail.html", {"case": case, "milestones": milestones})
