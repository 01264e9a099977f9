"""The coordinator's page of failed and pending notifications, and its resend action."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from buurtbemiddeling.models import Notification
from tests import factories
from tests.notifications.conftest import make_notification

pytestmark = pytest.mark.django_db
State = Notification.Status
LIST = reverse("notifications:list")
RESEND = reverse("notifications:resend")


@pytest.fixture
def rows(coordinator, overdue_case):
    now = timezone.now()
    return {
        "failed": make_notification(
            recipient=coordinator, subject=overdue_case, status=State.FAILED, attempts=6, last_error="SMTPDataError"
        ),
        "pending": make_notification(recipient=coordinator, kind=Notification.Kind.DAILY_DIGEST),
        "sent": make_notification(recipient=coordinator, status=State.SENT, sent_at=now),
        "sending": make_notification(recipient=coordinator, status=State.SENDING, claimed_at=now),
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Who may see it -----------------------------------------------------------------------------


def test_a_coordinator_sees_failed_and_pending_notifications_oldest_first(coordinator, rows, overdue_case):
    response = _client(coordinator).get(LIST)
    assert response.status_code == 200
    assert list(response.context["page"]) == [rows["failed"], rows["pending"]]
    assert response.context["counts"] == {"failed": 1, "pending": 1}
    content = response.content.decode()
    assert f'href="/zaken/{overdue_case.code}/"' in content
    assert "SMTPDataError" in content


def test_the_list_filters_by_status(coordinator, rows):
    response = _client(coordinator).get(LIST, {"status": "failed"})
    assert list(response.context["page"]) == [rows["failed"]]
    response = _client(coordinator).get(LIST, {"status": "nonsense"})
    assert response.context["status"] == ""


@pytest.mark.parametrize("persona", ["referrer", "assigned_mediator", "steering_member"])
def test_anyone_but_a_coordinator_gets_404(request, persona, rows):
    user = request.getfixturevalue(persona)
    assert _client(user).get(LIST).status_code == 404
    assert _client(user).post(RESEND, {"notification": rows["failed"].pk}).status_code == 404
    rows["failed"].refresh_from_db()
    assert rows["failed"].status == State.FAILED


def test_an_anonymous_visitor_is_sent_to_the_login_page(rows):
    for response in (Client().get(LIST), Client().post(RESEND, {"notification": rows["failed"].pk})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_the_query_count_does_not_grow_with_the_rows(coordinator, overdue_case):
    def queries() -> int:
        client = _client(coordinator)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    make_notification(recipient=coordinator, subject=overdue_case, status=State.FAILED)
    few = queries()
    for n in range(30):
        case = factories.CaseFactory(received_at=timezone.now() - timedelta(days=10 + n))
        make_notification(recipient=factories.UserFactory(), subject=case, status=State.FAILED)
    # (the session comes from the cache) user with groups (role check), page count, the page's rows with their
    # recipients, the cases they are about (one query per content type), the two counts.
    assert queries() == few == 5


# Resend -------------------------------------------------------------------------------------


def test_resend_puts_a_failed_notification_back_in_line(coordinator, rows):
    response = _client(coordinator).post(
        RESEND, {"notification": rows["failed"].pk, "status": "failed", "page": "1"}, follow=True
    )
    assert response.redirect_chain == [(f"{LIST}?status=failed&page=1", 302)]
    rows["failed"].refresh_from_db()
    assert (rows["failed"].status, rows["failed"].attempts) == (State.PENDING, 0)
    assert rows["failed"].due_at <= timezone.now()
    assert "opnieuw verstuurd" in response.content.decode()


@pytest.mark.parametrize("which", ["sent", "sending"])
def test_resend_refuses_a_notification_that_is_or_was_being_sent(coordinator, rows, which):
    response = _client(coordinator).post(RESEND, {"notification": rows[which].pk}, follow=True)
    assert response.status_code == 200
    rows[which].refresh_from_db()
    assert rows[which].status == (State.SENT if which == "sent" else State.SENDING)
    assert "kan niet opnieuw" in response.content.decode()


def test_resend_needs_a_csrf_token(coordinator, rows):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    assert client.post(RESEND, {"notification": rows["failed"].pk}).status_code == 403


def test_resend_is_post_only(coordinator, rows):
    assert _client(coordinator).get(RESEND, {"notification": rows["failed"].pk}).status_code == 405
