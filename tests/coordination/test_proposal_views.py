"""Duo matching pages: the coordinator's queue and candidates, the mediator's proposals, and who sees what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from buurtbemiddeling.roles import is_coordinator
from cases.models import Status
from mediators import services
from mediators.models import Assignment
from tests import factories
from tests.coordination.conftest import CANARIES, make_matching_case, make_mediator

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(matching_case, coordinator, lead, co):
    """The duo proposed a moment ago: (lead's assignment, co's assignment)."""
    return tuple(services.propose(case=matching_case, mediators={"lead": lead, "co": co}, actor=coordinator))


def _page(client, user, url, *, status=200) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


def _assert_no_personal_data(html: str):
    for what, canary in CANARIES.items():
        assert canary not in html, f"{what} appears on the page"


# The coordinator -----------------------------------------------------------------------------


def test_the_matching_page_ranks_candidates_with_reasons(client, coordinator, matching_case, lead, co, other_mediator):
    html = _page(client, coordinator, reverse("mediators:case_matching", args=[matching_case.code]))
    assert "Cor Bemiddelaar" in html and "Lotte Bemiddelaar" in html and "Otto Bemiddelaar" in html
    # Cor speaks Turkish, as party B does: first.
    assert html.index("Cor Bemiddelaar") < html.index("Lotte Bemiddelaar")
    assert "Turks" in html
    assert "plaatsen vrij" in html


def test_a_mediator_in_a_partys_neighbourhood_is_never_shown(client, coordinator, matching_case, lead):
    make_mediator("nina", postcode="7531 XY")  # De Laares, where party B lives
    make_mediator("norbert", postcode="7511 ZZ")  # Lasonder, the case's wijk
    html = _page(client, coordinator, reverse("mediators:case_matching", args=[matching_case.code]))
    assert "Nina" not in html and "Norbert" not in html
    assert "2 wonen in de wijk van de zaak of van een partij" in html


def test_the_coordinator_proposes_a_duo_from_the_page(client, coordinator, matching_case, lead, co):
    client.force_login(coordinator)
    url = reverse("mediators:case_matching", args=[matching_case.code])
    response = client.post(url, {"lead": lead.pk, "co": co.pk})
    assert response.status_code == 302 and response.url == url
    assert set(matching_case.assignments.values_list("role", "mediator_id", "status")) == {
        ("lead", lead.pk, "proposed"),
        ("co", co.pk, "proposed"),
    }
    html = client.get(url).content.decode()
    assert html.count("wacht op antwoord") == 2


def test_a_crafted_post_cannot_propose_someone_who_is_not_a_candidate(client, coordinator, matching_case, lead):
    neighbour = make_mediator("nina", postcode="7531 XY")
    client.force_login(coordinator)
    response = client.post(reverse("mediators:case_matching", args=[matching_case.code]), {"lead": neighbour.pk})
    assert response.status_code == 400
    assert not matching_case.assignments.exists()


def test_proposing_the_same_mediator_twice_is_refused_with_a_message(client, coordinator, matching_case, lead):
    client.force_login(coordinator)
    response = client.post(
        reverse("mediators:case_matching", args=[matching_case.code]), {"lead": lead.pk, "co": lead.pk}
    )
    assert response.status_code == 400
    assert "twee verschillende" in response.content.decode()


def test_the_coordinator_can_take_a_mediator_off_the_case(client, coordinator, matching_case, proposed):
    lead_assignment, _co = proposed
    client.force_login(coordinator)
    response = client.post(reverse("mediators:withdraw_assignment", args=[lead_assignment.code]))
    assert response.status_code == 302
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == Assignment.Status.WITHDRAWN


def test_the_queue_shows_cases_waiting_for_a_duo(client, coordinator, neighbourhoods, proposed):
    lead_assignment, _co = proposed
    services.decline_proposal(assignment=lead_assignment, reason="Geen tijd", actor=lead_assignment.mediator.user)
    waiting = make_matching_case(neighbourhoods)
    in_mediation = make_matching_case(neighbourhoods, status=Status.IN_MEDIATION)

    html = _page(client, coordinator, reverse("mediators:matching_queue"))

    assert lead_assignment.case.number in html and waiting.number in html
    assert in_mediation.number not in html
    assert html.count("bemiddelaar nodig") == 2
    assert "1 wacht op antwoord" in html
    _assert_no_personal_data(html)


def test_the_case_page_shows_the_duo_to_the_coordinator(client, coordinator, matching_case, proposed):
    html = _page(client, coordinator, reverse("cases:detail", args=[matching_case.code]))
    assert "Lotte Bemiddelaar" in html and "Cor Bemiddelaar" in html
    assert reverse("mediators:case_matching", args=[matching_case.code]) in html


def test_the_matching_pages_query_count_does_not_grow_with_the_pool(
    client, coordinator, matching_case, neighbourhoods, django_assert_num_queries
):
    def count_queries():
        client.force_login(coordinator)
        url = reverse("mediators:case_matching", args=[matching_case.code])
        client.get(url)  # warm the content-type and other per-process caches
        # (the session comes from the cache) user with groups, the case with its wijk (guard); parties, assignments,
        # mediators with their counts, availability, absences, postcode areas (selectors.matching_input); the access
        # record (one INSERT).
        with django_assert_num_queries(9):
            response = client.get(url)
        return response

    make_mediator("a1")
    count_queries()
    for index in range(6):
        mediator = make_mediator(f"extra{index}", languages=("nl", "ar"))
        factories.AssignmentFactory(mediator=mediator, status=Assignment.Status.COMPLETED)
    response = count_queries()
    assert response.content.decode().count('class="card mb-2 candidate"') == 7


def test_the_queues_query_count_is_constant(client, coordinator, neighbourhoods, django_assert_num_queries):
    for _ in range(5):
        make_matching_case(neighbourhoods)
    client.force_login(coordinator)
    client.get(reverse("mediators:matching_queue"))
    # (the session comes from the cache) user with groups, the page count, the cases with their wijk and assignment
    # counts.
    with django_assert_num_queries(3):
        response = client.get(reverse("mediators:matching_queue"))
    assert response.content.decode().count("bemiddelaar nodig") == 5


@pytest.mark.parametrize("name", ["mediators:matching_queue", "mediators:case_matching"])
def test_matching_pages_are_for_coordinators_only(client, matching_case, lead, name, referrer):
    kwargs = {"code": matching_case.code} if name == "mediators:case_matching" else {}
    url = reverse(name, kwargs=kwargs)
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for user in (lead.user, referrer):
        client.force_login(user)
        assert client.get(url).status_code == 404


# The mediator --------------------------------------------------------------------------------


def test_a_proposed_mediator_sees_the_anonymous_summary_only(client, proposed):
    lead_assignment, _co = proposed
    lotte = lead_assignment.mediator.user
    for url in (reverse("mediators:my_proposals"), reverse("mediators:proposal", args=[lead_assignment.code])):
        html = _page(client, lotte, url)
        _assert_no_personal_data(html)
        assert "Lasonder" in html  # the wijk
        assert "Geluid van mensen" in html  # the conflict type
        assert "Turks" in html  # a party's language
        assert "dreiging of agressie" in html  # the complexity flag
        assert lead_assignment.case.number in html


def test_the_proposed_mediator_cannot_open_the_case_file_yet(client, proposed):
    lead_assignment, _co = proposed
    _page(client, lead_assignment.mediator.user, reverse("cases:detail", args=[lead_assignment.case.code]), status=404)
    _page(
        client, lead_assignment.mediator.user, reverse("mediators:case", args=[lead_assignment.case.code]), status=404
    )


def test_another_mediator_gets_a_404_for_someone_elses_proposal(client, proposed, other_mediator, coordinator):
    lead_assignment, _co = proposed
    url = reverse("mediators:proposal", args=[lead_assignment.code])
    _page(client, other_mediator.user, url, status=404)
    _page(client, coordinator, url, status=404)
    client.force_login(other_mediator.user)
    assert client.post(reverse("mediators:accept_proposal", args=[lead_assignment.code])).status_code == 404
    assert (
        client.post(reverse("mediators:decline_proposal", args=[lead_assignment.code]), {"reason": "x"}).status_code
        == 404
    )
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == Assignment.Status.PROPOSED


def test_an_anonymous_visitor_goes_to_the_login_page(client, proposed):
    response = client.get(reverse("mediators:proposal", args=[proposed[0].code]))
    assert response.status_code == 302 and "/login/" in response.url
    response = client.post(reverse("mediators:accept_proposal", args=[proposed[0].code]))
    assert response.status_code == 302 and "/login/" in response.url


def test_a_guessed_or_malformed_code_is_a_404(client, lead):
    _page(client, lead.user, "/bemiddelaar/voorstellen/00000000-0000-0000-0000-000000000000/", status=404)


def test_accepting_from_the_page_and_then_the_case_opens(client, proposed):
    lead_assignment, co_assignment = proposed
    for assignment in (lead_assignment, co_assignment):
        client.force_login(assignment.mediator.user)
        response = client.post(reverse("mediators:accept_proposal", args=[assignment.code]))
        assert response.status_code == 302
    case = lead_assignment.case
    case.refresh_from_db()
    assert case.status == Status.IN_MEDIATION
    html = _page(client, co_assignment.mediator.user, reverse("mediators:proposal", args=[co_assignment.code]))
    assert reverse("mediators:case", args=[case.code]) in html
    # Now they may see the case file, names included.
    html = _page(client, co_assignment.mediator.user, reverse("cases:detail", args=[case.code]))
    assert CANARIES["party_a_name"] in html


def test_declining_needs_a_reason_on_the_page(client, proposed):
    lead_assignment, _co = proposed
    client.force_login(lead_assignment.mediator.user)
    url = reverse("mediators:decline_proposal", args=[lead_assignment.code])
    response = client.post(url, {"reason": " "})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and "id_reason_error" in html
    _assert_no_personal_data(html)
    response = client.post(url, {"reason": "Ik ken de familie"})
    assert response.status_code == 302 and response.url == reverse("mediators:my_proposals")
    lead_assignment.refresh_from_db()
    assert (lead_assignment.status, lead_assignment.decline_reason) == ("declined", "Ik ken de familie")


def test_an_expired_proposal_shows_no_buttons(client, proposed):
    lead_assignment, _co = proposed
    services.sweep_proposals(now=timezone.now() + timedelta(hours=49))
    html = _page(client, lead_assignment.mediator.user, reverse("mediators:proposal", args=[lead_assignment.code]))
    assert "ingetrokken of verlopen" in html
    assert reverse("mediators:accept_proposal", args=[lead_assignment.code]) not in html


def test_the_home_page_shows_the_number_of_open_proposals(client, proposed):
    html = _page(client, proposed[0].mediator.user, reverse("mediators:home"))
    assert "Eén voorstel wacht op uw antwoord." in html
    assert reverse("mediators:my_proposals") in html


def test_my_proposals_query_count_is_constant(client, neighbourhoods, coordinator, django_assert_num_queries):
    lead = make_mediator("lotte", max_concurrent_cases=10)
    for _ in range(5):
        case = make_matching_case(neighbourhoods)
        (assignment,) = services.propose(case=case, mediators={"lead": lead}, actor=coordinator)
    services.decline_proposal(assignment=assignment, reason="Geen tijd", actor=lead.user)
    client.force_login(lead.user)
    client.get(reverse("mediators:my_proposals"))
    # (the session comes from the cache) user with groups; open proposals with case and wijk, their conflict types,
    # their parties' languages; the same three for the answered ones.
    with django_assert_num_queries(7):
        response = client.get(reverse("mediators:my_proposals"))
    assert response.content.decode().count("Aannemen of afslaan") == 4


def test_the_proposal_page_query_count(client, proposed, django_assert_num_queries):
    lead_assignment, _co = proposed
    client.force_login(lead_assignment.mediator.user)
    url = reverse("mediators:proposal", args=[lead_assignment.code])
    client.get(url)
    # (the session comes from the cache) user with groups; the proposal with case and wijk, conflict types, parties'
    # languages; the access record (one INSERT).
    with django_assert_num_queries(5):
        client.get(url)


def test_the_coordinators_home_partial_counts_cases_waiting_for_a_duo(
    rf, coordinator, neighbourhoods, proposed, django_assert_num_queries
):
    from django.template.loader import render_to_string

    make_matching_case(neighbourhoods)  # nobody proposed yet
    full = make_matching_case(neighbourhoods)
    services.propose(case=full, mediators={"lead": make_mediator("x1"), "co": make_mediator("x2")}, actor=coordinator)
    services.submit_application(data=services.ApplicationData(name="Nieuw", email="nieuw@example.nl"))
    request = rf.get("/")
    request.user = coordinator
    is_coordinator(coordinator)  # the navigation's group lookup, cached on the user as in a request
    # The cases in matching with their assignment counts; the new applications.
    with django_assert_num_queries(2):
        html = render_to_string("mediators/_coordinator_home.html", request=request)
    assert "3 zaken met de status Koppelen" in html
    assert "1 heeft een bemiddelaar nodig" in html
    assert "1 nieuwe" in html
    assert reverse("mediators:matching_queue") in html
