"""The coordinator dashboard's search and filter form (GET)."""

from __future__ import annotations

import html
from dataclasses import dataclass

from django import forms
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from buurtbemiddeling import generation
from buurtbemiddeling.forms import QuickCopyForm
from partners.models import Organisation

from .models import ConflictType, Neighbourhood, Status

EMPTY_LABEL = "---------"


def _escape(value) -> str:
    """django.utils.html.conditional_escape without its lazy-string wrappers (hundreds of calls per
    form): a value that renders itself as HTML does, anything else is escaped like escape()."""
    if isinstance(value, Promise):
        value = str(value)
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _attributes(attrs: dict) -> str:
    """The attributes as Django's django/forms/widgets/attrs.html writes them, in the same order."""
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """Django's select with the same HTML, written here from the choices instead of through
    optgroups() and two template includes per option (select_option.html, attrs.html): the filter
    has some fifty options, and those were most of the cost of the whole form. The selection rule is
    Django's (ChoiceWidget.optgroups): the first option whose value matches, of a single select."""

    def render(self, name, value, attrs=None, renderer=None):
        values = self.format_value(value)
        html_parts = [f'<select name="{_escape(name)}"{_attributes(self.build_attrs(self.attrs, attrs))}>']
        has_selected = False
        for option_value, option_label in self.choices:
            group = isinstance(option_label, list | tuple)
            if group:
                html_parts.append(f'\n  <optgroup label="{_escape(option_value)}">')
            for subvalue, sublabel in option_label if group else [(option_value, option_label)]:
                subvalue = "" if subvalue is None else subvalue
                selected = not has_selected and str(subvalue) in values
                has_selected |= selected
                # The newline closes Django's select_option.html, included per option.
                flag = " selected" if selected else ""
                html_parts.append(f'\n  <option value="{_escape(subvalue)}"{flag}>{_escape(sublabel)}</option>\n')
            if group:
                html_parts.append("\n  </optgroup>")
        html_parts.append("\n</select>")
        # Every value in it went through _escape.
        return mark_safe("".join(html_parts))  # noqa: S308  # nosec B308 B703


@dataclass(frozen=True)
class FilterChoices:
    districts: tuple[str, ...]
    neighbourhoods: tuple[tuple[int, str], ...]
    organisations: tuple[tuple[int, str], ...]
    conflict_types: tuple[tuple[int, str], ...]


def compute_filter_choices() -> FilterChoices:
    """Four queries: the districts, neighbourhoods, referring organisations and conflict types, with
    their labels as the form would write them (``str()`` of each, in the active language)."""
    return FilterChoices(
        districts=tuple(Neighbourhood.objects.order_by("stadsdeel").values_list("stadsdeel", flat=True).distinct()),
        neighbourhoods=tuple((n.pk, str(n)) for n in Neighbourhood.objects.all()),
        organisations=tuple((o.pk, str(o)) for o in Organisation.objects.all()),
        conflict_types=tuple((c.pk, str(c)) for c in ConflictType.objects.all()),
    )


def filter_choices() -> FilterChoices:
    """The filter's choices, cached under the data generation (any write to these tables makes a new
    key) and the language (a conflict type's label depends on it)."""
    return generation.cached(f"cases:dashboard-filter-choices:v1:{get_language()}", compute_filter_choices)


class DashboardFilterForm(QuickCopyForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Case number, party name, address or partner's reference."),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=Neighbourhood.objects.all(), required=False, widget=Select
    )
    stadsdeel = forms.ChoiceField(label=_("District"), required=False, widget=Select)
    organisation = forms.ModelChoiceField(
        label=_("Referring organisation"), queryset=Organisation.objects.all(), required=False, widget=Select
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", EMPTY_LABEL), *Status.choices], required=False, widget=Select
    )
    conflict_type = forms.ModelChoiceField(
        label=_("Conflict type"), queryset=ConflictType.objects.all(), required=False, widget=Select
    )

    def __init__(self, *args, choices: FilterChoices | None = None, **kwargs):
        """``choices``: the filter's choices when the caller has them already (the full dashboard
        page reads them with its other cached aggregates); else read here."""
        super().__init__(*args, **kwargs)
        choices = choices or filter_choices()
        self.fields["stadsdeel"].choices = [("", EMPTY_LABEL)] + [(name, name) for name in choices.districts]
        # The model choice fields still clean through their queryset (a model instance, or "not one
        # of the available choices"); only what they offer comes from the cached choices.
        for name, offered in (
            ("neighbourhood", choices.neighbourhoods),
            ("organisation", choices.organisations),
            ("conflict_type", choices.conflict_types),
        ):
            self.fields[name].choices = [("", self.fields[name].empty_label), *offered]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    @property
    def has_filters(self) -> bool:
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())
