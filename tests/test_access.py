"""Who sees which case: every persona of DESIGN.md against Case.objects.visible_to and the guard."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse

from cases.access import get_case_for_user
from cases.models import Case
from cases.querysets import Scope
from mediators.models import Assignment
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def unrelated_case(other_organisation):
    """A case referred by another organisation, with its own mediator."""
    case = factories.CaseFactory(channel="partner_referral", referring_organisation=other_organisation)
    factories.AssignmentFactory(case=case, status=Assignment.Status.ACCEPTED)
    return case


@pytest.fixture
def self_report():
    return factories.CaseFactory(channel="web_form")


def _visible(user, scope=Scope.RECORD) -> set[str]:
    return set(Case.objects.visible_to(user, scope=scope).values_list("number", flat=True))


def test_coordinator_sees_every_case(coordinator, referred_case, unrelated_case, self_report):
    expected = {referred_case.number, unrelated_case.number, self_report.number}
    assert _visible(coordinator) == expected
    assert _visible(coordinator, Scope.MILESTONES) == expected


def test_assigned_mediator_sees_only_their_case_file(assigned_mediator, referred_case, unrelated_case, self_report):
    assert _visible(assigned_mediator) == {referred_case.number}
    # Milestones are the referrer's view, not the mediator's.
    assert _visible(assigned_mediator, Scope.MILESTONES) == set()


def test_completed_assignment_keeps_the_case_visible(referred_case):
    mediator = factories.MediatorFactory()
    factories.AssignmentFactory(case=referred_case, mediator=mediator, status=Assignment.Status.COMPLETED)
    assert _visible(mediator.user) == {referred_case.number}


@pytest.mark.parametrize("status", [Assignment.Status.DECLINED, Assignment.Status.WITHDRAWN])
def test_declined_or_withdrawn_mediator_sees_nothing(referred_case, status):
    mediator = factories.MediatorFactory()
    factories.AssignmentFactory(case=referred_case, mediator=mediator, status=status)
    assert _visible(mediator.user) == set()


def test_proposed_mediator_does_not_see_the_case_file(proposed_mediator, referred_case):
    # Until they accept, a proposal is shown as an anonymous summary elsewhere, never the file.
    assert _visible(proposed_mediator) == set()


def test_unassigned_mediator_sees_nothing(unassigned_mediator, referred_case, unrelated_case, self_report):
    assert _visible(unassigned_mediator) == set()
    assert _visible(unassigned_mediator, Scope.MILESTONES) == set()


def test_referrer_sees_milestones_of_own_organisation_only(referrer, referred_case, unrelated_case, self_report):
    assert _visible(referrer, Scope.MILESTONES) == {referred_case.number}
    # Never the case file with party data.
    assert _visible(referrer) == set()


def test_referrer_of_another_organisation_sees_none_of_ours(other_referrer, referred_case, unrelated_case):
    assert _visible(other_referrer, Scope.MILESTONES) == {unrelated_case.number}
    assert referred_case.number not in _visible(other_referrer, Scope.MILESTONES)


def test_steering_group_sees_no_case(steering_member, referred_case, unrelated_case, self_report):
    assert _visible(steering_member) == set()
    assert _visible(steering_member, Scope.MILESTONES) == set()


def test_inactive_user_sees_nothing(inactive_coordinator, referred_case):
    assert _visible(inactive_coordinator) == set()
    assert _visible(inactive_coordinator, Scope.MILESTONES) == set()


def test_anonymous_sees_nothing(referred_case):
    assert _visible(AnonymousUser()) == set()
    assert _visible(AnonymousUser(), Scope.MILESTONES) == set()


def test_user_without_role_sees_nothing(referred_case):
    assert _visible(factories.UserFactory()) == set()


def test_a_mediator_with_two_assignments_gets_each_case_once():
    mediator = factories.MediatorFactory()
    first, second = factories.CaseFactory(), factories.CaseFactory()
    factories.AssignmentFactory(case=first, mediator=mediator)
    factories.AssignmentFactory(case=second, mediator=mediator, role=Assignment.Role.CO)
    assert Case.objects.visible_to(mediator.user).count() == 2


class TestGuard:
    def test_it_returns_a_visible_case(self, coordinator, referred_case):
        assert get_case_for_user(coordinator, referred_case.code) == referred_case

    def test_it_answers_404_for_a_case_that_is_not_yours(self, unassigned_mediator, referred_case):
        with pytest.raises(Http404):
            get_case_for_user(unassigned_mediator, referred_case.code)

    def test_it_answers_404_for_an_unknown_code(self, coordinator):
        with pytest.raises(Http404):
            get_case_for_user(coordinator, uuid.uuid4())

    def test_it_answers_404_for_a_malformed_code(self, coordinator):
        with pytest.raises(Http404):
            get_case_for_user(coordinator, "not-a-uuid")

    def test_it_scopes_referrers_to_milestones(self, referrer, referred_case):
        assert get_case_for_user(referrer, referred_case.code, scope=Scope.MILESTONES) == referred_case
        with pytest.raises(Http404):
            get_case_for_user(referrer, referred_case.code)


PERSONAS_AND_RECORD_ANSWER = [
    ("coordinator", 200),
    ("assigned_mediator", 200),
    ("proposed_mediator", 404),
    ("unassigned_mediator", 404),
    ("referrer", 404),
    ("other_referrer", 404),
    ("steering_member", 404),
]


@pytest.mark.parametrize(("persona", "expected"), PERSONAS_AND_RECORD_ANSWER)
def test_case_page_answers_each_persona(client, request, referred_case, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(f"/zaken/{referred_case.code}/")
    assert response.status_code == expected
    if expected == 404:
        assert b"Canary Anna Aarts" not in response.content


PERSONAS_AND_REFERRAL_ANSWER = [
    ("coordinator", 200),
    ("referrer", 200),
    ("other_referrer", 404),
    ("assigned_mediator", 404),
    ("unassigned_mediator", 404),
    ("steering_member", 404),
]


@pytest.mark.parametrize(("persona", "expected"), PERSONAS_AND_REFERRAL_ANSWER)
def test_referral_page_answers_each_persona(client, request, referred_case, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(f"/zaken/verwijzingen/{referred_case.code}/")
    assert response.status_code == expected
    assert b"Canary Anna Aarts" not in response.content


def test_anonymous_visitor_is_sent_to_login(client, referred_case):
    response = client.get(f"/zaken/{referred_case.code}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_inactive_user_cannot_log_in(client, inactive_coordinator):
    response = client.post(
        reverse("login"), {"username": inactive_coordinator.username, "password": factories.PASSWORD}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_coordinators_may_manage_the_domain_in_admin(coordinator):
    coordinator.is_staff = True
    coordinator.save()
    for permission in ("cases.change_case", "mediators.add_mediator", "partners.view_organisation"):
        assert coordinator.has_perm(permission)
    assert not coordinator.has_perm("auth.change_user")
