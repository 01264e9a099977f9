"""Keyboard only: the self-report form and a mediator's form, on a phone. Every stop shows its focus, the
order follows the page from top to bottom (left to right within a row), and errors can be reached from the
summary that gets the focus."""

from __future__ import annotations

import itertools
import re

import pytest
from django.utils import translation

from cases.models import Case, Status
from mediators.mediation_forms import MeetingForm
from mediators.services.proposals import accept_proposal
from tests.browser.a11y import PHONE
from tests.browser.helpers import log_in
from tests.browser.journeys.conftest import DEMO_PASSWORD
from tests.browser.journeys.test_mediator import propose_a_duo

pytestmark = pytest.mark.django_db(transaction=True)

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  return {
    id: el.id || el.name || el.tagName, inForm: !!el.closest(arguments[0] || "form"),
    top: rect.top + window.scrollY, left: rect.left + window.scrollX,
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== "none",
    submit: el.type === "submit", focused: el.matches(":focus"), type: el.type,
  };
}"""


def tab_through(page, form_selector: str) -> list[dict]:
    """Tab from the top of the page into the form and on to its submit button; every stop inside the form."""
    script = FOCUSED.replace("arguments[0]", repr(form_selector))
    stops = []
    for _ in range(120):
        page.keyboard.press("Tab")
        stop = page.evaluate(script)
        if not stop["focused"] and stop["type"] in {"date", "time"}:
            continue  # Chromium's own calendar/clock button inside the field (user-agent shadow DOM)
        if stops and stop["id"] == stops[-1]["id"]:
            continue  # the next part (day, month, year) of the same date or time field
        if stop["inForm"]:
            stops.append(stop)
            if stop["submit"]:
                return stops
        elif stops:
            break
    raise AssertionError(f"the submit button of {form_selector} was not reached by Tab: {[s['id'] for s in stops]}")


def assert_visible_and_in_order(stops: list[dict]) -> None:
    for stop in stops:
        assert stop["outline"] or stop["shadow"], f"no visible focus on {stop['id']}"
    for before, after in itertools.pairwise(stops):
        same_row = abs(after["top"] - before["top"]) <= 4
        assert after["top"] > before["top"] + 4 or (same_row and after["left"] > before["left"]), (
            f"focus jumps back from {before['id']} to {after['id']}"
        )


@pytest.fixture
def phone(phone_page):
    return phone_page


def test_the_self_report_form_by_keyboard(demo, phone):
    phone.goto("/melden/")
    stops = tab_through(phone, "form.intake-form")
    assert len(stops) > 10
    assert_visible_and_in_order(stops)

    # Send it empty by keyboard: the summary gets the focus; its first link leads to the field.
    phone.keyboard.press("Enter")
    phone.locator(".error-summary").wait_for()
    assert phone.evaluate("document.activeElement.classList.contains('error-summary')")
    phone.keyboard.press("Tab")
    target = phone.evaluate("document.activeElement.getAttribute('href')")
    assert target and target.startswith("#id_")
    phone.keyboard.press("Enter")
    assert phone.evaluate("'#' + document.activeElement.id") == target
    field = phone.locator(target)
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby") or ""
    assert any(phone.locator(f"#{part}.invalid-feedback").count() for part in described.split()), (
        f"the error of {target} is not linked to it with aria-describedby"
    )
    assert not Case.objects.filter(status=Status.NEW, channel="web_form", description="").exists()


def test_the_meeting_form_by_keyboard(demo, phone):
    case, lead, _co = propose_a_duo()

    for assignment in case.assignments.all():
        accept_proposal(assignment=assignment, actor=assignment.mediator.user)
    log_in(phone, lead.user.username, DEMO_PASSWORD)
    phone.goto(f"/bemiddelaar/zaken/{case.code}/gesprekken/nieuw/")
    assert phone.viewport_size == PHONE
    stops = tab_through(phone, "main form")
    assert len(stops) >= 6
    assert_visible_and_in_order(stops)
    phone.keyboard.press("Enter")
    phone.locator(".error-summary").wait_for()
    assert phone.evaluate("document.activeElement.classList.contains('error-summary')")
    assert re.search(r"/gesprekken/nieuw/$", phone.url)
    day = phone.locator("#id_day")
    assert day.get_attribute("aria-invalid") == "true"
    assert phone.locator(f"#{day.get_attribute('aria-describedby')}.invalid-feedback").count() == 1
    with translation.override("nl"):  # the page's language; the text comes from the catalogue
        message = str(MeetingForm.base_fields["day"].error_messages["required"])
    assert message in phone.locator("#id_day_error").inner_text()
