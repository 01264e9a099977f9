from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from accounts import services

# Paths a session that owes its second step may still reach. Everything else, /admin/ included,
# sends it to verification or enrolment first.
_ALWAYS_OPEN_PREFIXES = ("/static/", "/i18n/")
_ALWAYS_OPEN_PATHS = ("/healthz", "/readyz")
_OPEN_URL_NAMES = ("accounts:verify", "accounts:enrol", "logout")


class TwoStepVerificationMiddleware:
    """Sends a logged-in session that still owes its second step to verification or enrolment.

    Costs no query for a session that is verified or needs no second step: the state lives in the
    session (accounts.services.SESSION_STATE), set at login.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_detour(request):
            return self._detour(request)
        return self.get_response(request)

    def _must_detour(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if services.session_state(request) != services.PENDING:
            return False
        path = request.path
        if path.startswith(_ALWAYS_OPEN_PREFIXES) or path in _ALWAYS_OPEN_PATHS:
            return False
        return path not in {reverse(name) for name in _OPEN_URL_NAMES}

    def _detour(self, request: HttpRequest) -> HttpResponse:
        name = "accounts:verify" if services.has_two_factor(request.user) else "accounts:enrol"
        # Where the user was going; a POST's body is lost, its page is not. Validated where it is used.
        target = request.get_full_path() if request.method == "GET" else request.path
        url = reverse(name)
        if target and target != "/":
            url = f"{url}?{urlencode({'next': target})}"
        return HttpResponseRedirect(url)
