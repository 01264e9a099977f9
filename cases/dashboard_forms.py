"""The coordinator dashboard's search and filter form (GET)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from buurtbemiddeling import generation
from partners.models import Organisation

from .models import ConflictType, Neighbourhood, Status

EMPTY_LABEL = "---------"


def _attributes(attrs: dict) -> str:
    """The attributes as Django's django/forms/widgets/attrs.html writes them, in the same order."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """Django's select with the same HTML, its options written here instead of by two template
    includes each (select_option.html, attrs.html): the filter has some fifty options, and those
    includes were most of the cost of the whole form."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        html = [format_html('<select name="{}"{}>', widget["name"], mark_safe(_attributes(widget["attrs"])))]  # noqa: S308  # nosec B308 B703 - escaped by format_html
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                html.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                html.append(
                    format_html(
                        # The newline closes Django's select_option.html, included per option.
                        '\n  <option value="{}"{}>{}</option>\n',
                        str(option["value"]),
                        mark_safe(_attributes(option["attrs"])),  # noqa: S308  # nosec B308 B703 - escaped by format_html
                        option["label"],
                    )
                )
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # noqa: S308  # nosec B308 B703 - every part escaped by format_html


@dataclass(frozen=True)
class FilterChoices:
    districts: tuple[str, ...]
    neighbourhoods: tuple[tuple[int, str], ...]
    organisations: tuple[tuple[int, str], ...]
    conflict_types: tuple[tuple[int, str], ...]


def _filter_choices() -> FilterChoices:
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
    return generation.cached(f"cases:dashboard-filter-choices:v1:{get_language()}", _filter_choices)


class DashboardFilterForm(forms.Form):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = filter_choices()
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
