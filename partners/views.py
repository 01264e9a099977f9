from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from buurtbemiddeling.decorators import role_required
from buurtbemiddeling.roles import Role


@role_required(Role.STEERING_GROUP)
def steering_home(request: HttpRequest) -> HttpResponse:
    return render(request, "partners/steering_home.html")
