"""The benchmark's pages, who opens them, and how many SQL queries each costs.

Shared by bench/run.py (timed, against gunicorn) and tests/performance/test_query_counts.py
(untimed, query counts only), so that both look at the same pages as the same users.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from buurtbemiddeling.middleware import SESSION_LAST_SEEN, SESSION_LOGIN_AT
from buurtbemiddeling.roles import Role
from cases.models import Case, Status
from mediators.models import Assignment
from partners.models import Membership


@dataclass(frozen=True)
class Page:
    name: str
    persona: str  # key of Targets.users; "" for anonymous
    method: str
    budget: float | None  # p95 as a multiple of /healthz's p95 in the same run; None for the floor itself
    expected_status: int


PAGES = [
    Page("healthz", "", "GET", None, 200),
    Page("dashboard", "coordinator", "GET", 20, 200),
    Page("triage_queue", "coordinator", "GET", 10, 200),
    Page("mediator_case_list", "mediator", "GET", 10, 200),
    Page("case_page", "coordinator", "GET", 10, 200),
    Page("referral_post", "referrer", "POST", 15, 302),
    Page("report_3_years", "coordinator", "GET", 30, 200),
]
PAGES_BY_NAME = {page.name: page for page in PAGES}


@dataclass(frozen=True)
class Targets:
    users: dict  # persona -> User
    case_code: str
    report_start: str
    report_end: str

    def path(self, page: Page) -> str:
        return {
            "healthz": reverse("healthz"),
            "dashboard": reverse("cases:dashboard"),
            "triage_queue": reverse("cases:triage"),
            "mediator_case_list": reverse("mediators:home"),
            "case_page": reverse("cases:detail", kwargs={"code": self.case_code}),
            "referral_post": reverse("cases:referral_create"),
            "report_3_years": (
                f"{reverse('partners:report')}?period=custom&start={self.report_start}&end={self.report_end}"
            ),
        }[page.name]


def find_targets(*, today=None) -> Targets:
    """The users and the case the benchmark looks at, chosen the same way whatever the size.

    The mediator is the active one with the most cases on their list (the heaviest "Mijn zaken");
    the case is the newest one in mediation (a case file with parties, events and a duo).
    The report covers the three years up to today.
    """
    user_model = get_user_model()
    today = today or timezone.localdate()
    coordinator = user_model.objects.filter(groups__name=Role.COORDINATOR.value, is_active=True).order_by("pk").first()
    mediator = (
        user_model.objects.filter(groups__name=Role.MEDIATOR.value, is_active=True, mediator__status="active")
        .annotate(
            n=Count(
                "mediator__assignments",
                filter=Q(mediator__assignments__status__in=Assignment.Status.visible()),
            )
        )
        .order_by("-n", "pk")
        .first()
    )
    referrer = (
        Membership.objects.referrers()
        .filter(user__is_active=True, organisation__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
        .user
    )
    case = Case.objects.filter(status=Status.IN_MEDIATION).order_by("-received_at", "-pk").only("code").first()
    if None in (coordinator, mediator, case):
        raise RuntimeError("The database holds no coordinator, active mediator or case in mediation: seed it first.")
    start = today.replace(year=today.year - 3) + timedelta(days=1)
    return Targets(
        users={"coordinator": coordinator, "mediator": mediator, "referrer": referrer},
        case_code=str(case.code),
        report_start=start.isoformat(),
        report_end=today.isoformat(),
    )


def login_session(user) -> str:
    """A logged-in session for ``user``, as django.contrib.auth.login leaves it; returns its key.

    The one place the benchmark and the query-count test log someone in: anything a login adds
    to the session (a second factor, say) is added here.
    """
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    now = int(time.time())
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    # The backend that logs users in (the last; axes' first one only refuses locked-out logins).
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[SESSION_LOGIN_AT] = now
    store[SESSION_LAST_SEEN] = now
    # Two-step verification as the verification page leaves it (accounts.services.mark_verified):
    # the state, and the django-otp device id beside it.
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts import services as two_step

    device = two_step.confirmed_totp_device(user)
    if device is not None:
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
        store[two_step.SESSION_STATE] = two_step.VERIFIED
    else:
        store[two_step.SESSION_STATE] = two_step.state_for(user)
    store.create()
    return store.session_key


def referral_form_data(reference: str) -> dict:
    """A valid referral (fictitious people), with the partner's own ``reference``: unique per POST."""
    return {
        "partner_reference": reference,
        "consent": "on",
        "a_name": "Bench Anna",
        "a_street": "Proefstraat",
        "a_house_number": "12",
        "a_postcode": "7531 AB",
        "a_city": "Enschede",
        "a_phone": "06 12345678",
        "a_email": "anna@bench.example",
        "a_language": "nl",
        "a_tenure": "",
        "b_name": "Bench Bert",
        "b_street": "Proefstraat",
        "b_house_number": "14",
        "b_postcode": "7531 AB",
        "b_tenure": "",
        "conflict_types": ["noise-people"],
        "description": "Geluidsoverlast (benchmark).",
        "tried_already": "",
    }


def https_client() -> Client:
    # As behind the production proxy: HTTPS, so secure cookies and no redirect to https.
    return Client(headers={"X-Forwarded-Proto": "https"}, secure=True)


def count_queries(
    targets: Targets, page: Page, *, reference: str = "BENCH-Q", sql: list | None = None
) -> tuple[int, int]:
    """(queries, status) of a request to ``page`` by a logged-in user, in this process.

    The second of two requests is counted: the first may fill per-process caches (content types,
    say) that a worker serving its thousandth request has long filled. A POST sends a new partner
    reference each time, so both make a new case.
    """
    client = https_client()
    if page.persona:
        client.cookies[settings.SESSION_COOKIE_NAME] = login_session(targets.users[page.persona])
    path = targets.path(page)
    for attempt in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            if page.method == "POST":
                response = client.post(path, referral_form_data(f"{reference}-{attempt}"))
            else:
                response = client.get(path)
    if sql is not None:
        sql.extend(query["sql"] for query in queries.captured_queries)
    return len(queries.captured_queries), response.status_code
