"""Forms of the mediators app: the pool, recruitment and duo matching.

Forms validate and hand plain data to mediators.services; they never save. Text fields reuse the
intake forms' cleaning (cases.forms): control characters dropped, postcodes and phone numbers
normalised, every field capped.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import format_html, strip_tags
from django.utils.translation import gettext_lazy as _

from cases.forms import LineField, LowercaseEmailField, PhoneField, PostcodeField, TextField
from cases.models import Language

from .models import Absence, Assignment, Availability, Mediator, TrainingRecord, VolunteerApplication
from .services import ApplicationData, MediatorData

User = get_user_model()

LANGUAGE_CHOICES = Language.choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


def _helper(*, tag: bool = False) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = tag
    helper.disable_csrf = not tag
    return helper


class LanguagesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", LANGUAGE_CHOICES)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


# The pool ------------------------------------------------------------------------------------


class MediatorForm(forms.Form):
    first_name = LineField(label=_("First name"), max_length=150)
    last_name = LineField(label=_("Last name"), max_length=150)
    email = LowercaseEmailField(label=_("Email"))
    phone = PhoneField(label=_("Phone"), required=False)
    home_postcode = PostcodeField(
        label=_("Home postcode"),
        help_text=_("Never proposed for a case in the neighbourhood of this postcode (conflict of interest)."),
    )
    languages = LanguagesField(label=_("Languages"))
    status = forms.ChoiceField(label=_("Status"), choices=Mediator.Status.choices)
    certified_on = forms.DateField(
        label=_("Certified on (basistraining)"),
        required=False,
        widget=DateInput(),
        help_text=_("Only active mediators with a basistraining date can be proposed for a case."),
    )
    max_concurrent_cases = forms.IntegerField(label=_("Maximum number of cases at a time"), min_value=1, max_value=20)
    yearly_target = forms.IntegerField(label=_("Yearly target (cases)"), min_value=0, max_value=100)
    joined_on = forms.DateField(label=_("Volunteer since"), required=False, widget=DateInput())

    def __init__(self, *args, mediator: Mediator | None = None, **kwargs):
        if mediator is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "first_name": mediator.user.first_name,
                "last_name": mediator.user.last_name,
                "email": mediator.user.email,
                "phone": mediator.phone,
                "home_postcode": mediator.home_postcode,
                "languages": mediator.languages,
                "status": mediator.status,
                "certified_on": mediator.certified_on,
                "max_concurrent_cases": mediator.max_concurrent_cases,
                "yearly_target": mediator.yearly_target,
                "joined_on": mediator.joined_on,
            }
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.helper.layout = Layout(
            Fieldset(_("Person"), "first_name", "last_name", "email", "phone", "home_postcode", "languages"),
            Fieldset(_("Mediation"), "status", "certified_on", "max_concurrent_cases", "yearly_target", "joined_on"),
        )

    def clean(self):
        data = super().clean()
        if data.get("status") == Mediator.Status.ACTIVE and not data.get("certified_on"):
            self.add_error("certified_on", _("An active mediator needs the date of their basistraining certificate."))
        return data

    def mediator_data(self) -> MediatorData:
        data = self.cleaned_data
        return MediatorData(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            phone=data.get("phone") or "",
            home_postcode=data["home_postcode"],
            languages=tuple(data["languages"]),
            status=data["status"],
            certified_on=data.get("certified_on"),
            max_concurrent_cases=data["max_concurrent_cases"],
            yearly_target=data["yearly_target"],
            joined_on=data.get("joined_on"),
        )


def part_value(weekday: int, part: str) -> str:
    return f"{weekday}-{part}"


class AvailabilityForm(forms.Form):
    """The weekly parts of days a mediator can meet: one checkbox group per weekday."""

    def __init__(self, *args, mediator: Mediator | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = {(row.weekday, row.part) for row in mediator.availability.all()} if mediator is not None else set()
        for weekday, day_label in Availability.Weekday.choices:
            self.fields[f"day_{weekday}"] = forms.MultipleChoiceField(
                label=day_label,
                choices=Availability.Part.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                initial=[part for part in Availability.Part.values if (weekday, part) in current],
            )

    def weekdays(self):
        """(weekday label, bound field) per weekday, for the template's fieldsets."""
        return [(label, self[f"day_{weekday}"]) for weekday, label in Availability.Weekday.choices]

    def parts(self) -> set[tuple[int, str]]:
        return {
            (weekday, part) for weekday in Availability.Weekday.values for part in self.cleaned_data[f"day_{weekday}"]
        }


class AbsenceForm(forms.ModelForm):
    class Meta:
        model = Absence
        fields = ["starts_on", "ends_on", "reason"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}
        help_texts = {"reason": _("Optional, e.g. holiday. Keep health details out.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        return data

    def _post_clean(self):
        # The service validates the model; the form checks its own fields only.
        pass


class TrainingRecordForm(forms.ModelForm):
    class Meta:
        model = TrainingRecord
        fields = ["kind", "date", "hours", "note"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hours"].min_value = 0.5
        self.fields["hours"].widget.attrs.update({"min": "0.5", "step": "0.5", "inputmode": "decimal"})
        self.helper = _helper()

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours is not None and hours <= 0:
            raise forms.ValidationError(_("Enter the number of hours, more than 0."))
        return hours

    def _post_clean(self):
        pass


# Recruitment ---------------------------------------------------------------------------------


class ApplicationForm(forms.Form):
    """The public form "Word buurtbemiddelaar"."""

    # The honeypot: people never see it, form-filling robots fill it in (as on the self-report form).
    HONEYPOT = "website"

    name = LineField(label=_("Your name"), max_length=120)
    email = LowercaseEmailField(label=_("Email address"), help_text=_("We use it to invite you for a talk."))
    phone = PhoneField(label=_("Phone number"), required=False)
    postcode = PostcodeField(
        label=_("Postcode"),
        required=False,
        help_text=_("So that you are never asked to mediate in your own neighbourhood."),
    )
    languages = LanguagesField(label=_("Which languages do you speak?"))
    motivation = TextField(
        label=_("Why would you like to become a mediator?"),
        required=False,
        max_length=3000,
        help_text=_("A few sentences are enough. Do not write about neighbours or other people."),
    )
    consent = forms.BooleanField(
        # The label, with its link to the privacy statement, is set in __init__.
        error_messages={"required": _("We can only handle your application when you agree that we keep your details.")},
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["consent"].label = format_html(
            '{} <a href="{}" target="_blank" rel="noopener">{}</a>',
            _(
                "I agree that Buurtbemiddeling Enschede keeps these details to handle my application, "
                "as explained in the"
            ),
            reverse("public:privacy"),
            _("privacy statement (opens in a new tab)"),
        )
        self.helper = _helper()
        self.helper.layout = Layout(
            Fieldset(_("About you"), "name", "email", "phone", "postcode", "languages", css_class="intake-fieldset"),
            Fieldset(_("Your motivation"), "motivation", css_class="intake-fieldset"),
            Fieldset(_("Consent"), "consent", css_class="intake-fieldset"),
            # Off-screen through CSS classes (no inline style: CSP), skipped by keyboard and screen readers.
            Div(
                Field(self.HONEYPOT, tabindex="-1", autocomplete="off"),
                css_class="hp-field",
                aria_hidden="true",
            ),
        )

    def is_spam(self) -> bool:
        """True when the honeypot was filled in: answer as if all went well, store nothing."""
        return bool((self.data.get(self.HONEYPOT) or "").strip())

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor id, label, message) per error, for the summary at the top (cases/_error_summary.html)."""
        return [
            (field.id_for_label or f"{field.auto_id}_0", strip_tags(str(field.label)), error)
            for field in self
            for error in field.errors
        ]

    def application_data(self) -> ApplicationData:
        data = self.cleaned_data
        return ApplicationData(
            name=data["name"],
            email=data["email"],
            phone=data.get("phone") or "",
            postcode=data.get("postcode") or "",
            languages=tuple(data["languages"]),
            motivation=data.get("motivation") or "",
        )


class ApplicationStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=(), widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(VolunteerApplication.Status.choices)
        self.fields["status"].choices = [(status, labels[status]) for status in allowed]


class AcceptApplicationForm(forms.Form):
    """What the coordinator decides when a volunteer becomes a mediator."""

    STATUSES = [
        (Mediator.Status.IN_TRAINING, Mediator.Status.IN_TRAINING.label),
        (Mediator.Status.ACTIVE, Mediator.Status.ACTIVE.label),
        (Mediator.Status.APPLICANT, Mediator.Status.APPLICANT.label),
    ]

    home_postcode = PostcodeField(
        label=_("Home postcode"),
        help_text=_("Never proposed for a case in the neighbourhood of this postcode (conflict of interest)."),
    )
    status = forms.ChoiceField(
        label=_("Starts as"), choices=STATUSES, initial=Mediator.Status.IN_TRAINING, widget=forms.RadioSelect
    )
    certified_on = forms.DateField(
        label=_("Certified on (basistraining)"),
        required=False,
        widget=DateInput(),
        help_text=_("Needed to start as active: only certified mediators can be proposed for a case."),
    )

    def __init__(self, *args, application: VolunteerApplication, **kwargs):
        kwargs.setdefault("initial", {"home_postcode": application.postcode})
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        if data.get("status") == Mediator.Status.ACTIVE and not data.get("certified_on"):
            self.add_error("certified_on", _("An active mediator needs the date of their basistraining certificate."))
        return data


# Duo matching --------------------------------------------------------------------------------


class ProposeForm(forms.Form):
    """Choose a mediator for each free role, from the ranked candidates only."""

    def __init__(self, *args, candidates, free_roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.free_roles = free_roles
        choices = [("", _("Nobody yet"))] + [
            (
                str(candidate.mediator_id),
                _("%(rank)d. %(name)s (%(points)d points)")
                % {"rank": rank, "name": candidate.name, "points": candidate.points},
            )
            for rank, candidate in enumerate(candidates, start=1)
        ]
        labels = {Assignment.Role.LEAD: _("Lead mediator"), Assignment.Role.CO: _("Co-mediator")}
        for role in free_roles:
            self.fields[role] = forms.TypedChoiceField(
                label=labels[role], choices=choices, coerce=int, empty_value=None, required=False
            )
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        chosen = {role: data.get(role) for role in self.free_roles if data.get(role)}
        if not chosen:
            raise forms.ValidationError(_("Choose a mediator for at least one role."))
        if len(set(chosen.values())) != len(chosen):
            raise forms.ValidationError(_("Choose two different mediators for the two roles."))
        data["chosen"] = chosen
        return data

    def mediators(self) -> dict[str, Mediator]:
        chosen = self.cleaned_data["chosen"]
        loaded = Mediator.objects.select_related("user").in_bulk(chosen.values())
        return {role: loaded[pk] for role, pk in chosen.items() if pk in loaded}


class DeclineForm(forms.Form):
    reason = TextField(
        label=_("Why do you decline?"),
        max_length=1000,
        rows=3,
        help_text=_(
            "Only the coordinator reads this. For example: no time in the coming weeks, or you know someone "
            "in this neighbourhood."
        ),
    )
