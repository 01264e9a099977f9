from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from buurtbemiddeling.decorators import role_required
from buurtbemiddeling.roles import Role
from cases.models import Case


@role_required(Role.MEDIATOR)
def home(request: HttpRequest) -> HttpResponse:
    cases = (
        Case.objects.visible_to(request.user)
        .open()
        .select_related("neighbourhood")
        .only("code", "number", "status", "received_at", "neighbourhood__name", "neighbourhood__stadsdeel")
        .order_by("received_at")[:100]
    )
    return render(request, "mediators/home.html", {"cases": cases})
