"""The coordinator dashboard's search and filter form (GET)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Organisation

from .models import ConflictType, Neighbourhood, Status


class DashboardFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Case number, party name, address or partner's reference."),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=Neighbourhood.objects.all(), required=False
    )
    stadsdeel = forms.ChoiceField(label=_("District"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Referring organisation"), queryset=Organisation.objects.all(), required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=[("", "---------"), *Status.choices], required=False)
    conflict_type = forms.ModelChoiceField(
        label=_("Conflict type"), queryset=ConflictType.objects.all(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        districts = Neighbourhood.objects.order_by("stadsdeel").values_list("stadsdeel", flat=True).distinct()
        self.fields["stadsdeel"].choices = [("", "---------")] + [(name, name) for name in districts]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    @property
    def has_filters(self) -> bool:
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())
