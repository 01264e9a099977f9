"""Forms of the data-subject pages (cases.views.subject_rights)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import HouseNumberField, LineField, LowercaseEmailField, PhoneField, PostcodeField
from .services.subject_rights import MIN_NAME_LENGTH, SearchTerms


class SubjectSearchForm(forms.Form):
    """Any one of: part of a name, an email address, a phone number, a postcode with house number."""

    name = LineField(label=_("Name (or part of it)"), required=False, max_length=120)
    email = LowercaseEmailField(label=_("Email"), required=False)
    phone = PhoneField(label=_("Phone"), required=False)
    postcode = PostcodeField(label=_("Postcode"), required=False)
    house_number = HouseNumberField(label=_("House number"), required=False)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        name = cleaned.get("name") or ""
        if name and len(name) < MIN_NAME_LENGTH:
            self.add_error("name", _("Type at least three letters of the name."))
        if bool(cleaned.get("postcode")) != bool(cleaned.get("house_number")):
            self.add_error(None, _("Give the postcode together with the house number."))
        if not self.errors and self.terms().is_empty:
            raise forms.ValidationError(
                _("Give a name, an email address, a phone number, or a postcode with house number.")
            )
        return cleaned

    def terms(self) -> SearchTerms:
        data = self.cleaned_data
        return SearchTerms(**{key: data.get(key) or "" for key in SearchTerms.__dataclass_fields__})


class ErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked that this is the person who asked, and that their data may be erased."),
        required=True,
    )
