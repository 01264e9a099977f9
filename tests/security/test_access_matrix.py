"""The access matrix: every URL of the URLconf × every persona × GET and POST, against DESIGN.md.

DESIGN.md, "Users and what each may see", is the rule. Each URL pattern (admin included) has an entry
in EXPECTATIONS below; a new URL without one fails ``test_every_url_has_an_expectation`` with its
name. Every request is also read for canaries (matrix_world.py): random tokens seeded in every
personal field, grouped by case and person, that must never reach a persona outside their group.
A refused request (login, 403, 404, 405) must also leave every table as it was.

Answers in the table:
    "200", "400", "403", "404", "405"  the status code
    "login"                            302 to our login page, with ?next= the requested path
    "admin-login"                      302 to the admin's login page, with ?next=
    "->app:name"                       302 to a URL that resolves to that name

To add a URL: add one line in its area below (the helpers fill in the personas you do not name).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import resolve_url
from django.urls import resolve, reverse

from tests.security.matrix_world import (
    PERSONAS,
    allowed_groups,
    build_url,
    log_in,
    response_text,
    seed_world,
    table_checksum,
    walk_urlconf,
)

LOGGED_OUT = ("anonymous", "inactive")  # an inactive account is logged out by the auth backend
MEDIATORS = ("assigned_mediator", "proposed_mediator", "other_mediator")
REFERRERS = ("referrer", "other_referrer")
REFUSED = {"login", "admin-login", "403", "404", "405"}


@dataclass(frozen=True)
class Expect:
    get: dict[str, str]
    post: dict[str, str]


def answers(others: str, *, logged_out: str = "login", **named: str) -> dict[str, str]:
    """An answer per persona: ``named`` ones as given, logged-out ones ``logged_out``, the rest ``others``."""
    unknown = set(named) - set(PERSONAS)
    assert not unknown, f"unknown personas {unknown}"
    table = dict.fromkeys(PERSONAS, others)
    table.update(dict.fromkeys(LOGGED_OUT, logged_out))
    table.update(named)
    return table


def public(get: str = "200", post: str = "405") -> Expect:
    """The same answer for everyone, logged in or not."""
    return Expect(answers(get, logged_out=get), answers(post, logged_out=post))


def logged_in(get: str = "200", post: str = "405") -> Expect:
    """Any logged-in user; a logged-out visitor goes to the login page."""
    return Expect(answers(get), answers(post))


def only(personas: tuple[str, ...], get: str = "200", post: str = "405") -> Expect:
    """An area of some personas: everyone else logged in gets 404 (it does not exist for them)."""
    return Expect(answers("404", **dict.fromkeys(personas, get)), answers("404", **dict.fromkeys(personas, post)))


def coordinator(get: str = "200", post: str = "405") -> Expect:
    return only(("coordinator",), get, post)


def admin_page(get: str = "200", post: str = "200") -> Expect:
    """Django admin: coordinators are staff; everyone else goes to the admin's login page."""
    return Expect(
        answers("admin-login", logged_out="admin-login", coordinator=get),
        answers("admin-login", logged_out="admin-login", coordinator=post),
    )


# --- The site ---------------------------------------------------------------------------------

_HOME = {
    "coordinator": "->cases:coordinator_home",
    **dict.fromkeys(MEDIATORS, "->mediators:home"),
    **dict.fromkeys(REFERRERS, "->cases:referrals"),
    "steering": "->partners:steering_home",
}

SITE = {
    "healthz": public(),
    "readyz": public(),
    "home": Expect(answers("login", **_HOME), answers("login", **_HOME)),
    "set_language": public("->home", "->home"),
    "login": Expect(answers("->home", logged_out="200"), answers("->home", logged_out="200")),
    "logout": Expect(answers("405", logged_out="405"), answers("->login", logged_out="->login")),
    "password_reset": public("200", "200"),
    "password_reset_done": public(),
    "password_reset_confirm": public("->password_reset_confirm", "->password_reset_confirm"),
    "password_reset_complete": public(),
    "password_change": logged_in("200", "200"),
    "password_change_done": logged_in("200", "405"),
}

# Two-step verification (accounts): every logged-in user's own settings. The coordinator has
# enrolled (required for them); the others have not (optional for them). Sessions in the matrix
# have passed the second step, so the verification page sends them on.
ACCOUNTS = {
    "accounts:two_factor": Expect(answers("200"), answers("405", logged_out="405")),
    "accounts:verify": logged_in("->home", "->home"),
    # Enrolling: the coordinator already has an app (back to the settings); the others see the form,
    # and an empty code re-shows it with its error.
    "accounts:enrol": Expect(
        answers("200", coordinator="->accounts:two_factor"), answers("200", coordinator="->accounts:two_factor")
    ),
    # New backup codes: shown to whoever has two-step verification; the others are sent to turn it on.
    # (POST only: a GET is refused before the login check, so it reveals nothing either way.)
    "accounts:backup_codes": Expect(
        answers("405", logged_out="405"), answers("->accounts:two_factor", coordinator="200")
    ),
    # Turning it off: refused with a message for the coordinator (required), a no-op for the others.
    "accounts:disable": Expect(answers("405", logged_out="405"), answers("->accounts:two_factor")),
}

# Anonymous: nothing but the public forms.
PUBLIC = {
    "public:report": public("200", "200"),  # an empty report is re-shown with its errors
    "public:report_thanks": public(),
    "public:privacy": public(),
    "mediators:apply": public("200", "200"),
    "mediators:apply_thanks": public(),
}

# --- Cases: coordination, referrals, the case file --------------------------------------------

_CASE_FILE = {"coordinator": "200", "assigned_mediator": "200"}

CASES = {
    "cases:coordinator_home": coordinator(),
    "cases:dashboard": coordinator(),
    "cases:triage": coordinator(),
    "cases:phone_intake": coordinator("200", "200"),
    "cases:referrals": only(REFERRERS),
    "cases:referral_create": only(REFERRERS, "200", "200"),
    # Milestones of the referrer's own organisation's referrals only (and the coordinator's).
    "cases:referral_detail": Expect(answers("404", coordinator="200", referrer="200"), answers("405")),
    # The case file, through the guard: the coordinator and the case's own mediator.
    "cases:detail": Expect(answers("404", **_CASE_FILE), answers("405")),
    "cases:start_intake": coordinator("405", "->cases:detail"),
    # Triage actions on an empty form re-show the case with the form's errors.
    "cases:put_on_hold": coordinator("405", "200"),
    "cases:not_suitable": coordinator("405", "200"),
    "cases:close": coordinator("405", "200"),
    "cases:contact_attempt": coordinator("405", "200"),
    # Who opened the case's personal data: the coordinator only.
    "audit:case_access_log": coordinator(),
    # Data-subject requests (export, erasure): the coordinator only; search terms come by POST.
    # An empty search or an unconfirmed erasure re-shows the form with its errors, status 400.
    "cases:subject_search": coordinator("200", "400"),
    "cases:subject_party": coordinator(),
    "cases:subject_party_export": coordinator(),
    "cases:subject_party_erase": coordinator("200", "400"),
    "cases:subject_application": coordinator(),
    "cases:subject_application_export": coordinator(),
    "cases:subject_application_erase": coordinator("200", "400"),
}

# --- Mediators: the mediator's area, proposals, matching, the pool, recruitment ---------------

MEDIATOR_AREA = {
    "mediators:home": only(MEDIATORS),
    "mediators:case": Expect(answers("404", **_CASE_FILE), answers("404", **_CASE_FILE)),
    "mediators:log_contact": Expect(
        answers("405"), answers("404", coordinator="->mediators:case", assigned_mediator="->mediators:case")
    ),
    "mediators:plan_meeting": Expect(answers("404", **_CASE_FILE), answers("404", **_CASE_FILE)),
    "mediators:record_meeting": Expect(answers("404", **_CASE_FILE), answers("404", **_CASE_FILE)),
    "mediators:record_agreement": Expect(answers("404", **_CASE_FILE), answers("404", **_CASE_FILE)),
    "mediators:record_follow_up": Expect(answers("404", **_CASE_FILE), answers("404", **_CASE_FILE)),
    # case1 is in mediation: resuming (from follow-up) and reopening (a closed case) do not apply,
    # so even those who may act on the case get 404 (mediators.views.area._require).
    "mediators:resume": Expect(answers("404"), answers("404")),
    "mediators:reopen": Expect(answers("404"), answers("404")),
    "mediators:close": Expect(answers("404", **_CASE_FILE), answers("404", **_CASE_FILE)),
    "mediators:calendar": only(MEDIATORS),
    "mediators:renew_calendar": only(MEDIATORS, "405", "->mediators:calendar"),
    # No login: calendar apps cannot log in. The 256-bit token in the URL is the key, and the feed
    # carries times and case numbers only (the canaries check that).
    "mediators:calendar_feed": public(),
}

PROPOSALS = {
    "mediators:my_proposals": only(MEDIATORS),
    # A proposal is the proposed mediator's alone: not even the coordinator opens it here.
    # A POST is refused for its method before the proposal is looked up: 405 for everyone logged in.
    "mediators:proposal": Expect(answers("404", proposed_mediator="200"), answers("405")),
    "mediators:accept_proposal": Expect(answers("405"), answers("404", proposed_mediator="->mediators:proposal")),
    "mediators:decline_proposal": Expect(answers("405"), answers("404", proposed_mediator="400")),
    "mediators:matching_queue": coordinator(),
    "mediators:case_matching": coordinator("200", "400"),
    "mediators:withdraw_assignment": coordinator("405", "->mediators:case_matching"),
}

POOL = {
    "mediators:pool": coordinator(),
    "mediators:mediator_detail": coordinator(),
    "mediators:mediator_edit": coordinator("200", "200"),
    "mediators:mediator_availability": coordinator("200", "200"),
    "mediators:add_absence": coordinator("405", "400"),
    "mediators:remove_absence": coordinator("405", "->mediators:mediator_detail"),
    "mediators:add_training": coordinator("405", "400"),
    "mediators:remove_training": coordinator("405", "->mediators:mediator_detail"),
    "mediators:send_set_password": coordinator("405", "->mediators:mediator_detail"),
    "mediators:applications": coordinator(),
    "mediators:application_detail": coordinator(),
    "mediators:application_status": coordinator("405", "400"),
    "mediators:accept_application": coordinator("405", "400"),
}

# --- Reports and notifications ----------------------------------------------------------------

REPORTS = {
    "partners:steering_home": only(("steering",)),
    "partners:report": only(("coordinator", "steering")),
    "notifications:list": coordinator(),
    "notifications:resend": coordinator("405", "->notifications:list"),
}

# --- Django admin -----------------------------------------------------------------------------

_ADMIN_LOGIN = Expect(answers("200", logged_out="200", coordinator="->admin:index"), answers("200", logged_out="200"))

ADMIN_SITE = {
    "admin/login/": _ADMIN_LOGIN,  # our rate-limited wrapper, in front of admin:login
    "admin:login": _ADMIN_LOGIN,
    "admin:logout": Expect(
        answers("->admin:index", logged_out="->admin:index", coordinator="405"),
        answers("->admin:index", logged_out="->admin:index", coordinator="->login"),
    ),
    "admin:index": admin_page(),
    "admin:app_list": admin_page(),
    "admin:password_change": admin_page(),
    "admin:password_change_done": admin_page("200", "405"),
    "admin:autocomplete": admin_page("403", "405"),  # without its query parameters
    "admin:jsi18n": admin_page("200", "405"),
    "admin:view_on_site": admin_page("404", "404"),  # a case has no public page
    "admin/(?P<url>.*)$": admin_page("404", "404"),
    "admin:partners_report": admin_page(),
    # Users and groups belong to the technical administrator (DESIGN.md), not to coordinators.
    "admin:auth_user_password_change": admin_page("403", "403"),
    "admin:otp_totp_totpdevice_config": admin_page("403", "403"),
    "admin:otp_totp_totpdevice_qrcode": admin_page("403", "403"),
}

# Every registered admin model: MANAGED by coordinators (roles.COORDINATOR_ADMIN_APPS) or not.
MANAGED, NOT_COORDINATORS = "managed", "not coordinators"
ADMIN_MODELS = {
    "auth.group": NOT_COORDINATORS,
    "auth.user": NOT_COORDINATORS,
    "axes.accessattempt": NOT_COORDINATORS,
    "axes.accesslog": NOT_COORDINATORS,
    "axes.accessfailurelog": NOT_COORDINATORS,
    "django_celery_beat.periodictask": MANAGED,
    "django_celery_beat.clockedschedule": MANAGED,
    "django_celery_beat.crontabschedule": MANAGED,
    "django_celery_beat.solarschedule": MANAGED,
    "django_celery_beat.intervalschedule": MANAGED,
    "partners.organisation": MANAGED,
    "partners.convenant": MANAGED,
    "partners.convenantparty": MANAGED,
    "partners.membership": MANAGED,
    "cases.neighbourhood": MANAGED,
    "cases.postcodearea": MANAGED,
    "cases.conflicttype": MANAGED,
    "cases.casenumbersequence": MANAGED,
    "cases.case": MANAGED,
    "cases.party": MANAGED,
    "cases.caseevent": MANAGED,
    "cases.meeting": MANAGED,
    "cases.agreement": MANAGED,
    "cases.agreementitem": MANAGED,
    "mediators.mediator": MANAGED,
    "mediators.availability": MANAGED,
    "mediators.absence": MANAGED,
    "mediators.trainingrecord": MANAGED,
    "mediators.volunteerapplication": MANAGED,
    "mediators.assignment": MANAGED,
    "buurtbemiddeling.notification": MANAGED,
    "buurtbemiddeling.userpreference": MANAGED,
    # The access log and the two-step devices belong to the technical administrator: coordinators
    # read a case's access log on the case page, and a lost phone is reset by the administrator.
    "audit.accessrecord": NOT_COORDINATORS,
    "otp_totp.totpdevice": NOT_COORDINATORS,
    "otp_static.staticdevice": NOT_COORDINATORS,
}

# Where a coordinator's admin page answers otherwise than "200" for a managed model.
ADMIN_EXCEPTIONS = {
    # Cases, their numbers and their events come from the services (intake, change_status), and
    # a case is never deleted by hand (retention anonymises it).
    "admin:cases_case_add": admin_page("403", "403"),
    "admin:cases_case_delete": admin_page("403", "403"),
    "admin:cases_casenumbersequence_add": admin_page("403", "403"),
    "admin:cases_casenumbersequence_delete": admin_page("403", "403"),
    "admin:cases_casenumbersequence_change": admin_page("200", "403"),
    "admin:cases_caseevent_add": admin_page("403", "403"),
    "admin:cases_caseevent_delete": admin_page("403", "403"),
    "admin:cases_caseevent_change": admin_page("200", "403"),
    # Notifications are created by the code and read here; a POST goes back to the list.
    "admin:buurtbemiddeling_notification_add": admin_page("403", "403"),
    "admin:buurtbemiddeling_notification_change": admin_page("200", "->admin:buurtbemiddeling_notification_changelist"),
}


def _admin_model_pages() -> dict[str, Expect]:
    pages = {}
    for label, access in ADMIN_MODELS.items():
        app_label, model_name = label.split(".")
        name = f"admin:{app_label}_{model_name}"
        answer = "200" if access == MANAGED else "403"
        for view in ("changelist", "add", "history", "delete", "change"):
            pages[f"{name}_{view}"] = ADMIN_EXCEPTIONS.get(f"{name}_{view}", admin_page(answer, answer))
        # The admin's old-style address "<object_id>/" redirects to the change page for any staff.
        pages[f"admin/{app_label}/{model_name}/<path:object_id>/"] = admin_page(f"->{name}_change", f"->{name}_change")
    return pages


EXPECTATIONS: dict[str, Expect] = {
    **SITE,
    **ACCOUNTS,
    **PUBLIC,
    **CASES,
    **MEDIATOR_AREA,
    **PROPOSALS,
    **POOL,
    **REPORTS,
    **ADMIN_SITE,
    **_admin_model_pages(),
}


# --- Exports: the same URLs with a query or an admin action, read for canaries too ----------


@dataclass(frozen=True)
class Export:
    key: str  # the URL pattern
    method: str
    expect: dict[str, str]
    content_type: str  # what the allowed personas get
    query: str = ""
    action_model: str = ""  # "app.Model": the admin changelist action "export" on all its rows


_REPORT_READERS = answers("404", coordinator="200", steering="200")
_ADMIN_ONLY = answers("admin-login", logged_out="admin-login", coordinator="200")
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EXPORTS = {
    "report.csv": Export("partners:report", "get", _REPORT_READERS, "text/csv", query="format=csv"),
    "report.xlsx": Export("partners:report", "get", _REPORT_READERS, _XLSX, query="format=xlsx"),
    "admin report.csv": Export("admin:partners_report", "get", _ADMIN_ONLY, "text/csv", query="format=csv"),
    "admin report.xlsx": Export("admin:partners_report", "get", _ADMIN_ONLY, _XLSX, query="format=xlsx"),
    "admin cases.csv": Export(
        "admin:cases_case_changelist", "post", _ADMIN_ONLY, "text/csv", action_model="cases.Case"
    ),
    "admin mediators.csv": Export(
        "admin:mediators_mediator_changelist", "post", _ADMIN_ONLY, "text/csv", action_model="mediators.Mediator"
    ),
    "admin organisations.csv": Export(
        "admin:partners_organisation_changelist", "post", _ADMIN_ONLY, "text/csv", action_model="partners.Organisation"
    ),
}


# --- The world, once per module ---------------------------------------------------------------

PATTERNS = {pattern.key: pattern for pattern in walk_urlconf()}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Seeded once for the module, inside a transaction rolled back at its end.

    Each test runs in a savepoint of its own (pytest-django's ``db``), so what an allowed POST
    changes is undone before the next request.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_world()
        transaction.set_rollback(True)
    # The empty login POSTs of logged-out personas count as failed logins in the rate limit's
    # cache (buurtbemiddeling.ratelimit); leave none of them to the modules that run next.
    cache.clear()


def _check_answer(response, expected: str, url: str) -> str | None:
    """None when ``response`` is the expected answer, else what is wrong."""
    status = response.status_code
    if expected in ("login", "admin-login") or expected.startswith("->"):
        if status != 302:
            return f"expected a redirect ({expected}), got {status}"
        location = urlsplit(response["Location"])
        if expected == "login" or expected == "admin-login":
            login = resolve_url(settings.LOGIN_URL) if expected == "login" else reverse("admin:login")
            if location.path != login or parse_qs(location.query).get("next") != [url]:
                return f"expected {expected}, got a redirect to {response['Location']}"
            return None
        match = resolve(location.path)
        if match.view_name != expected[2:]:
            return f"expected a redirect to {expected[2:]}, got one to {response['Location']} ({match.view_name})"
        return None
    if str(status) != expected:
        return f"expected {expected}, got {status}"
    return None


def _leaks(world, persona: str, response) -> list[str]:
    allowed = allowed_groups(persona, world)
    if allowed is None:
        return []
    found = world.canaries.found(response_text(response))
    return sorted(f"{world.canaries.fields[token]} ({group})" for token, group in found.items() if group not in allowed)


def _log_in(client, world, persona: str) -> None:
    if persona != "anonymous":
        # A fresh instance: logging in sets last_login on it, and the seeded one must stay as the
        # database has it after each test's rollback (password reset tokens hash last_login).
        user = world.users[persona]
        log_in(client, type(user)._default_manager.get(pk=user.pk))


# --- Tests ------------------------------------------------------------------------------------


def test_every_url_has_an_expectation():
    missing = sorted(f"{key}  ({pattern.route})" for key, pattern in PATTERNS.items() if key not in EXPECTATIONS)
    assert not missing, "URL patterns without an entry in EXPECTATIONS:\n" + "\n".join(missing)


def test_every_expectation_names_a_url():
    stale = sorted(set(EXPECTATIONS) - set(PATTERNS)) + sorted(
        export.key for export in EXPORTS.values() if export.key not in PATTERNS
    )
    assert not stale, f"EXPECTATIONS entries that match no URL pattern any more: {stale}"


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("key", sorted(PATTERNS))
def test_access_matrix(key, persona, method, world, db, client):
    if key not in EXPECTATIONS:
        pytest.fail(f"no entry in EXPECTATIONS for {key} ({PATTERNS[key].route})")
    expected = getattr(EXPECTATIONS[key], method)[persona]
    url = build_url(PATTERNS[key], world)
    _log_in(client, world, persona)
    # A refused POST must change nothing (GETs change nothing by construction: no view writes on
    # a GET but the access log, which this digest leaves out).
    refused = method == "post" and expected in REFUSED
    before = table_checksum() if refused else None

    # An empty POST body: what a careless or hostile browser sends. A 500 raises here.
    response = getattr(client, method)(url)

    problem = _check_answer(response, expected, url)
    assert problem is None, f"{method.upper()} {url} as {persona}: {problem}"
    leaks = _leaks(world, persona, response)
    assert not leaks, f"{method.upper()} {url} as {persona} shows {leaks}"
    if refused:
        assert table_checksum() == before, f"{method.upper()} {url} as {persona} was refused but changed data"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("label", sorted(EXPORTS))
def test_exports(label, persona, world, db, client):
    export = EXPORTS[label]
    url = build_url(PATTERNS[export.key], world)
    data = None
    if export.query:
        url = f"{url}?{export.query}"
    if export.action_model:
        pks = list(apps.get_model(export.action_model).objects.values_list("pk", flat=True))
        data = {"action": "export", "_selected_action": pks}
    expected = export.expect[persona]
    _log_in(client, world, persona)
    before = table_checksum()

    response = getattr(client, export.method)(url, data or {})

    assert table_checksum() == before, f"{label} as {persona} changed data"
    problem = _check_answer(response, expected, url)
    assert problem is None, f"{label} as {persona}: {problem}"
    if expected == "200":
        assert response["Content-Type"].startswith(export.content_type), response["Content-Type"]
    leaks = _leaks(world, persona, response)
    assert not leaks, f"{label} as {persona} shows {leaks}"


def test_canaries_are_seeded_and_found(world, db, client):
    """The canary check can fail: the coordinator's case page shows case1's party canaries."""
    log_in(client, world.users["coordinator"])
    response = client.get(reverse("cases:detail", kwargs={"code": world.case1.code}))
    found = set(world.canaries.found(response_text(response)).values())
    assert "case1" in found
    assert _leaks(world, "referrer", response), "a referrer must not be allowed case1's file"
