import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.middleware import get_user
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _


class DutchUnlessChosenLocaleMiddleware(LocaleMiddleware):
    """Dutch for everyone unless the user picked English with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show an
    English page to a Dutch coordinator whose office browser happens to be English. Here the
    choice is the user's: the language cookie set by the switch, else settings.LANGUAGE_CODE.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# Session keys of SessionLifetimeMiddleware: Unix timestamps in whole seconds.
SESSION_LOGIN_AT = "_login_at"
SESSION_LAST_SEEN = "_last_seen"
# The idle clock is written at most once a minute, so an active user does not cost a session
# write per request; idle timeout is therefore exact to within a minute.
LAST_SEEN_RESOLUTION_SECONDS = 60


def _now() -> int:
    return int(time.time())


def start_session_clocks(sender, request: HttpRequest, user, **kwargs) -> None:
    """Receiver of ``user_logged_in``: every login (the login page, the admin's, force_login)
    starts both clocks, in the session that login() has just given a new key."""
    now = _now()
    request.session[SESSION_LOGIN_AT] = now
    request.session[SESSION_LAST_SEEN] = now


class SessionLifetimeMiddleware:
    """Ends a session 30 minutes after its last request or 12 hours after login, whichever first.

    SESSION_COOKIE_AGE alone cannot do this: the cookie's age says nothing about activity, and
    a copied cookie would live on. Here both clocks live in the session itself, on the server.

    Also ends the session of a user who was deactivated: Django's ModelBackend already refuses
    to load an inactive user (the request becomes anonymous), and flushing the session makes
    sure it cannot come back if the account is reactivated by mistake.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        if SESSION_KEY not in request.session:
            return
        # The session names a user, who is loaded now: the rest of the request reads them directly
        # instead of through AuthenticationMiddleware's SimpleLazyObject, whose every attribute look-up
        # (a few hundred on a page: templates, decorators, querysets) is a Python-level call.
        request.user = get_user(request)
        if not request.user.is_authenticated:
            # The session names a user who may no longer log in (deactivated or deleted).
            request.session.flush()
            request.user = AnonymousUser()
            return
        now = _now()
        login_at = request.session.get(SESSION_LOGIN_AT)
        last_seen = request.session.get(SESSION_LAST_SEEN)
        if login_at is None or last_seen is None:
            # A session from before this middleware: its clocks start now.
            request.session[SESSION_LOGIN_AT] = request.session[SESSION_LAST_SEEN] = now
            return
        too_old = now - login_at >= settings.SESSION_MAX_AGE_HOURS * 3600
        idle = now - last_seen >= settings.SESSION_IDLE_MINUTES * 60
        if too_old or idle:
            logout(request)
            messages.info(request, _("Your session has ended. Please log in again."))
            return
        if now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS:
            request.session[SESSION_LAST_SEEN] = now


class NoStoreForPersonalPagesMiddleware:
    """``Cache-Control: no-store`` on every response that may hold personal data.

    That is every response to a logged-in user, and every answer to a POST (a public form
    echoes what a resident typed). A view that set its own Cache-Control keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if request.method == "POST" or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "no-store"
        return response
