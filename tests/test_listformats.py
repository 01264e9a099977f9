"""The list pages' dates and links, made in Python, read exactly as the template tags would write them."""

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils import timezone, translation

from buurtbemiddeling.listformats import ListDates, choice_labels, url_maker
from cases.models import Channel, Language, Outcome, Party, Status

FORMATS = ["SHORT_DATETIME_FORMAT", "SHORT_DATE_FORMAT", "MONTH_DAY_FORMAT", "D", "l", "F", "H:i", "Y-m-d", r"j \d\e F"]
DATE_ONLY_FORMATS = {"SHORT_DATE_FORMAT", "MONTH_DAY_FORMAT", "D", "l", "F", "Y-m-d", r"j \d\e F"}
# Every month and weekday, both sides of both clock changes, midnight and late evening.
MOMENTS = [
    datetime(2026, 1, 1, 0, 0, tzinfo=ZoneInfo("UTC")) + timedelta(days=days, hours=hours, minutes=7 * days % 60)
    for days in range(0, 366, 9)
    for hours in (0, 1, 22, 23)
] + [datetime(2026, 3, 29, 0, 59, 59, tzinfo=ZoneInfo("UTC")), datetime(2026, 10, 25, 1, 0, tzinfo=ZoneInfo("UTC"))]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_it_formats_dates_as_the_date_filter_does(language):
    with translation.override(language), timezone.override("Europe/Amsterdam"):
        dates = ListDates()
        for format_name in FORMATS:
            template = Template("{{ value|date:format_name }}")
            days = [date(2026, 11, 27)] if format_name in DATE_ONLY_FORMATS else []
            for value in [*MOMENTS, *days]:
                expected = template.render(Context({"value": value, "format_name": format_name}))
                assert dates.format(value, format_name) == expected, (format_name, value)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_it_writes_a_weekday_and_day_as_the_list_templates_did(language):
    with_time = Template('{{ value|date:"D" }} {{ value|date:"MONTH_DAY_FORMAT" }}, {{ value|time:"H:i" }}')
    without = Template('{{ value|date:"D" }} {{ value|date:"MONTH_DAY_FORMAT" }}')
    with translation.override(language), timezone.override("Europe/Amsterdam"):
        dates = ListDates()
        for value in MOMENTS:
            assert dates.weekday_and_day(value, with_time=True) == with_time.render(Context({"value": value}))
        day = date(2026, 11, 27)
        assert dates.weekday_and_day(day) == without.render(Context({"value": day}))


def test_it_falls_back_to_django_for_other_format_characters():
    with translation.override("nl"):
        value = MOMENTS[5]
        expected = Template('{{ value|date:"N jS, P" }}').render(Context({"value": value}))
        assert ListDates().format(value, "N jS, P") == expected


@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "UTC", "America/St_Johns", "Asia/Kolkata"])
def test_it_gives_the_machine_readable_time_as_the_date_filter_does(zone):
    template = Template(r"{{ value|date:'Y-m-d\TH:i:sO' }}")
    with timezone.override(zone):
        dates = ListDates()
        for value in MOMENTS:
            assert dates.iso(value) == template.render(Context({"value": value}))
        naive = datetime(2026, 3, 29, 2, 30)  # also a time that does not exist in Amsterdam
        assert dates.iso(naive) == template.render(Context({"value": naive}))
    assert dates.format(None, "D") == dates.iso(None) == ""


def test_it_reverses_urls_once_for_many_codes():
    detail_url = url_maker("cases:detail", "code")
    for code in (uuid.uuid4(), uuid.uuid4()):
        assert detail_url(code) == reverse("cases:detail", kwargs={"code": code})


def test_a_made_url_follows_the_script_prefix_it_was_made_under():
    code = uuid.uuid4()
    original = get_script_prefix()
    try:
        for prefix in ("/", "/buurtbemiddeling/", "/"):
            set_script_prefix(prefix)
            assert url_maker("cases:detail", "code")(code) == reverse("cases:detail", kwargs={"code": code})
            assert url_maker("cases:detail", "code")(code).startswith(f"{prefix}zaken/")
    finally:
        set_script_prefix(original)


def test_a_made_url_follows_the_url_configuration():
    code = uuid.uuid4()
    with override_settings(ROOT_URLCONF="tests.urls_elsewhere"):
        assert url_maker("cases:detail", "code")(code) == f"/elders/zaken/{code}/"
    assert url_maker("cases:detail", "code")(code) == f"/zaken/{code}/"


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("choices", [Status, Channel, Outcome, Language, Party.Role, Party.Tenure])
def test_choice_labels_are_what_get_display_gives(language, choices):
    with translation.override(language):
        labels = choice_labels(choices)
        assert labels == {value: str(label) for value, label in choices.choices}
        assert all(isinstance(label, str) for label in labels.values())
    party = Party(role=Party.Role.B, preferred_language=Language.ARABIC, tenure=Party.Tenure.RENT)
    with translation.override(language):
        labels = (choice_labels(Party.Role), choice_labels(Language), choice_labels(Party.Tenure))
        assert (labels[0][party.role], labels[1][party.preferred_language], labels[2][party.tenure]) == (
            party.get_role_display(),
            party.get_preferred_language_display(),
            party.get_tenure_display(),
        )


def test_choice_labels_follow_the_active_language():
    with translation.override("nl"):
        dutch = choice_labels(Status)[Status.CLOSED]
    with translation.override("en"):
        english = choice_labels(Status)[Status.CLOSED]
    assert (dutch, english) == ("Afgesloten", "Closed")
