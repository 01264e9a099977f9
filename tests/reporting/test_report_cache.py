"""The convenant report's figures are cached under the data generation (partners.reporting): the
page is the same from the cache as computed afresh, in both languages and for both roles that may
see it, and a write to a case or a mediator shows at once.

These tests commit (transaction=True): inside a transaction there is no generation and nothing is
cached (buurtbemiddeling.generation), so a test in the usual rolled-back transaction never reads the
cache at all.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from buurtbemiddeling import generation
from cases.models import Case, Status
from mediators.models import Mediator
from partners.reporting import convenant_report

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/partners/rapportage/"
YEAR_2025 = {"period": "year", "year": "2025"}
PERIOD = {"start": date(2025, 1, 1), "end": date(2025, 12, 31)}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def main_of(response) -> str:
    """The page's own content: the layout around it holds a per-request CSRF token."""
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('<main id="main"') : html.index("</main>")]


def report_page(client, language: str = "nl") -> tuple[str, int]:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, YEAR_2025)
    return main_of(response), len(queries)


def without_cache(compute):
    """``compute()`` as if no generation were known: the figures are computed, not read or stored."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(generation, "current", lambda using="default": None)
        return compute()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_cached_page_is_the_computed_page(client, coordinator, year_2025, language):
    client.force_login(coordinator)
    computed, _queries = without_cache(lambda: report_page(client, language))

    # The other language fills the cache: the cached figures hold no translated text.
    first, computing_queries = report_page(client, "en" if language == "nl" else "nl")
    cached, cached_queries = report_page(client, language)

    assert cached == computed
    assert cached != first, "the labels follow the language of the request"
    assert cached_queries < computing_queries - 10, "the figures came from the cache"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_cached_figures_are_the_computed_figures(year_2025, language):
    with translation.override(language):
        computed = without_cache(lambda: convenant_report(**PERIOD))
        assert convenant_report(**PERIOD) == computed  # a miss: computed and stored
        with CaptureQueriesContext(connection) as queries:
            from_cache = convenant_report(**PERIOD)

    assert from_cache == computed
    assert len(queries) == 1, "only the generation was read"


def test_coordinator_and_steering_group_share_the_same_report(client, coordinator, steering_member, year_2025):
    # The cached figures are shared by everyone who may see the report: they must not differ per role.
    # Both log in first: a login writes last_login, and auth_user's writes move the generation.
    steering_client = Client()
    client.force_login(coordinator)
    steering_client.force_login(steering_member)
    for_coordinator, _queries = report_page(client)
    for_steering_group, queries = report_page(steering_client)

    assert for_steering_group == for_coordinator
    assert queries < 10, "the steering group read the coordinator's cached figures"


def test_a_write_to_a_case_shows_at_once(client, coordinator, year_2025):
    client.force_login(coordinator)
    before = convenant_report(**PERIOD)
    assert convenant_report(**PERIOD) == before  # cached now

    # A bulk update: no signals, no save(); only the generation's trigger notices it.
    Case.objects.filter(received_at__year=2025, status=Status.NOT_SUITABLE).update(status=Status.CLOSED)
    after = convenant_report(**PERIOD)

    assert (before.not_suitable, after.not_suitable) == (1, 0)
    assert after == without_cache(lambda: convenant_report(**PERIOD))
    assert report_page(client)[0] == without_cache(lambda: report_page(client))[0]


def test_a_write_to_a_mediator_shows_at_once(year_2025):
    before = convenant_report(**PERIOD)
    assert convenant_report(**PERIOD) == before

    Mediator.objects.filter(status=Mediator.Status.ACTIVE).update(status=Mediator.Status.PAUSED)

    assert (before.active_mediators, convenant_report(**PERIOD).active_mediators) == (3, 0)


def test_each_period_has_its_own_figures(year_2025):
    year = convenant_report(**PERIOD)
    december = convenant_report(start=date(2025, 12, 1), end=date(2025, 12, 31))

    assert (year.received, december.received) == (7, 1)
    assert convenant_report(**PERIOD) == year
