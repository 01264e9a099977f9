"""Numbers and short dates follow the active language: a decimal comma and lower-case months in Dutch."""

from datetime import date

from django.template import Context, Template
from django.utils import translation

from partners.templatetags.report_charts import days, percentage


def test_percentages_and_days_use_the_decimal_mark_of_the_language():
    with translation.override("nl"):
        assert percentage(0.906) == "90,6%"
        assert days(12) == "12,0"
    with translation.override("en"):
        assert percentage(0.906) == "90.6%"
        assert days(12) == "12.0"
    assert percentage(None) == days(None) == "–"


def test_short_dates_write_dutch_months_in_lower_case():
    template = Template('{{ day|date:"SHORT_DATE_FORMAT" }}')
    context = Context({"day": date(2026, 11, 27)})
    with translation.override("nl"):
        assert template.render(context) == "27 nov 2026"
    with translation.override("en"):
        assert template.render(context) == "27 Nov 2026"
