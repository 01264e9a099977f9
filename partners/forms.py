"""The report's period choice (GET form: the period is in the URL, it holds no personal data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from buurtbemiddeling.forms import QuickCopyForm

from .models import Convenant


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def slug(self) -> str:
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"


def _year_end(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class PeriodForm(QuickCopyForm):
    class Kind:
        MONTH, QUARTER, YEAR, CONVENANT_YEAR, CUSTOM = "month", "quarter", "year", "convenant_year", "custom"

    KIND_CHOICES = [
        ("year", _("Year")),
        ("quarter", _("Quarter")),
        ("month", _("Month")),
        ("convenant_year", _("Convenant year")),
        ("custom", _("From–to")),
    ]

    period = forms.ChoiceField(label=_("Period"), choices=KIND_CHOICES, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), choices=[(q, f"Q{q}") for q in range(1, 5)], coerce=int, required=False
    )
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12, required=False)
    convenant = forms.ModelChoiceField(label=_("Convenant"), queryset=Convenant.objects.all(), required=False)
    convenant_year = forms.IntegerField(label=_("Convenant year"), min_value=1, max_value=50, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        kind = data.get("period") or self.Kind.YEAR
        year = data.get("year") or today.year
        if kind == self.Kind.MONTH:
            month = data.get("month") or today.month
            start = date(year, month, 1)
            end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        elif kind == self.Kind.QUARTER:
            quarter = data.get("quarter") or (today.month - 1) // 3 + 1
            start = date(year, 3 * quarter - 2, 1)
            end = (date(year, 3 * quarter, 1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        elif kind == self.Kind.CONVENANT_YEAR:
            convenant = data.get("convenant") or Convenant.objects.order_by("starts_on").first()
            if convenant is None:
                raise forms.ValidationError(gettext("There is no convenant yet."))
            number = data.get("convenant_year") or 1
            # Year N of a convenant runs from starts_on + (N - 1) years, for one year.
            start = _year_end(convenant.starts_on, number - 1)
            end = _year_end(convenant.starts_on, number) - timedelta(days=1)
        elif kind == self.Kind.CUSTOM:
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(gettext("Give both a start and an end date."))
            if end < start:
                raise forms.ValidationError(gettext("The end date lies before the start date."))
            if (end - start).days > 366 * 10:
                raise forms.ValidationError(gettext("Choose a period of at most ten years."))
        else:
            start, end = date(year, 1, 1), date(year, 12, 31)
        data["resolved_period"] = Period(start=start, end=end)
        return data

    @property
    def chosen(self) -> Period:
        """The chosen period; the current year when the form is empty or invalid."""
        if self.is_valid():
            return self.cleaned_data["resolved_period"]
        year = timezone.localdate().year
        return Period(start=date(year, 1, 1), end=date(year, 12, 31))
