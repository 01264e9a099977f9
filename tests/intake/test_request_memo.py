"""A referral's postcode is looked up once per request, and never kept beyond it (buurtbemiddeling.request_memo)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from buurtbemiddeling.request_memo import RequestMemoMiddleware
from cases.models import Case, PostcodeArea
from cases.services import neighbourhood_for_postcode
from tests.intake.conftest import referral_data

pytestmark = pytest.mark.django_db


def postcode_lookups(queries) -> int:
    return sum('FROM "cases_postcodearea"' in query["sql"] for query in queries.captured_queries)


def test_a_referral_looks_its_postcode_up_once(client, referrer, service_area):
    client.force_login(referrer)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("cases:referral_create"), referral_data())

    assert response.status_code == 302
    case = Case.objects.get()
    # The form's check and the service's guard both asked; the case got the wijk of that one answer.
    assert postcode_lookups(queries) == 1
    assert case.neighbourhood == service_area["oost"]


def test_outside_a_request_every_call_asks_the_database(service_area):
    with CaptureQueriesContext(connection) as queries:
        first = neighbourhood_for_postcode("7531 AB")
        second = neighbourhood_for_postcode("7531 AB")

    assert first == second == service_area["oost"]
    assert postcode_lookups(queries) == 2


def test_the_memo_ends_with_its_request(service_area):
    seen = []

    def view(request):
        seen.append((neighbourhood_for_postcode("7531 AB"), neighbourhood_for_postcode("7531 AB")))
        return HttpResponse()

    middleware = RequestMemoMiddleware(view)
    middleware(RequestFactory().get("/"))
    # The postcode moves to another wijk between two requests: the next request sees the move.
    PostcodeArea.objects.filter(digits="7531").update(neighbourhood=service_area["dolphia"])
    middleware(RequestFactory().get("/"))

    assert seen == [(service_area["oost"], service_area["oost"]), (service_area["dolphia"], service_area["dolphia"])]
    # And after the requests nothing is kept.
    with CaptureQueriesContext(connection) as queries:
        neighbourhood_for_postcode("7531 AB")
    assert postcode_lookups(queries) == 1


def test_different_postcodes_get_their_own_answers(service_area):
    answers = []

    def view(request):
        answers.extend(
            neighbourhood_for_postcode(postcode) for postcode in ("7531 AB", "7533 CD", "7545 EF", "1234 AB")
        )
        return HttpResponse()

    RequestMemoMiddleware(view)(RequestFactory().get("/"))

    assert answers == [service_area["oost"], service_area["dolphia"], service_area["zuid"], None]


def test_an_answer_remembered_ahead_is_the_one_a_call_gets_within_the_request_and_only_there(service_area):
    answers = []

    def view(request):
        neighbourhood_for_postcode.remember(service_area["dolphia"], "7531 AB")
        answers.extend([neighbourhood_for_postcode("7531 AB"), neighbourhood_for_postcode("7545 EF")])
        return HttpResponse()

    with CaptureQueriesContext(connection) as queries:
        RequestMemoMiddleware(view)(RequestFactory().get("/"))
    assert answers == [service_area["dolphia"], service_area["zuid"]]
    assert postcode_lookups(queries) == 1  # 7545 only

    # Outside a request there is no memo: remembering keeps nothing.
    neighbourhood_for_postcode.remember(service_area["dolphia"], "7531 AB")
    assert neighbourhood_for_postcode("7531 AB") == service_area["oost"]
