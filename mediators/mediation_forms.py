"""Forms of the mediator's case page: meetings, agreements, nazorg, closure. Phone-first inputs."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.mediation import ContactResult
from cases.models import Meeting, Outcome
from cases.services import AgreementItemData
from cases.services.meetings import FOLLOW_UP_RESULTS, RECORDABLE_MEETING_STATUSES

from .models import Mediator


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class MediatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Mediator) -> str:
        return obj.user.get_full_name() or obj.user.get_username()


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=Meeting.Kind.choices)
    day = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        error_messages={
            "required": _("Fill in the date of the meeting."),
            "invalid": _("Fill in a date, for example 24-11-2026."),
        },
    )
    start = forms.TimeField(
        label=_("From"),
        widget=TimeInput(),
        error_messages={
            "required": _("Fill in the time the meeting starts."),
            "invalid": _("Fill in a time, for example 19:00."),
        },
    )
    end = forms.TimeField(
        label=_("To"),
        widget=TimeInput(),
        error_messages={
            "required": _("Fill in the time the meeting ends."),
            "invalid": _("Fill in a time, for example 19:00."),
        },
    )
    location_kind = forms.ChoiceField(
        label=_("Where"),
        choices=Meeting.LocationKind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Only the name of a neutral place appears in your calendar feed. For a home visit the "
            "feed shows “at party A's home”: the address stays in the case file."
        ),
    )
    location = forms.CharField(
        label=_("Place or details"),
        max_length=200,
        required=False,
        help_text=_("For example “Wijkcentrum De Schakel, room 2”. For a home visit, leave it empty."),
    )
    mediators = MediatorChoiceField(
        label=_("Mediators present"), queryset=Mediator.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, mediators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediators"].queryset = mediators
        if not self.is_bound:
            self.fields["mediators"].initial = [mediator.pk for mediator in mediators]

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("day"), cleaned.get("start"), cleaned.get("end")
        if day and start and end:
            cleaned["starts_at"] = timezone.make_aware(datetime.combine(day, start))
            cleaned["ends_at"] = timezone.make_aware(datetime.combine(day, end))
            if cleaned["ends_at"] <= cleaned["starts_at"]:
                self.add_error("end", ValidationError(_("The meeting must end after it starts.")))
        return cleaned


class MeetingOutcomeForm(forms.Form):
    status = forms.ChoiceField(
        label=_("What came of the meeting?"),
        choices=[(status.value, status.label) for status in RECORDABLE_MEETING_STATUSES],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Confidential note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the coordinator and the mediators of this case can read it."),
    )

    def __init__(self, *args, started: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not started:
            # Before the meeting it can only be cancelled.
            self.fields["status"].choices = [(Meeting.Status.CANCELLED.value, Meeting.Status.CANCELLED.label)]
            self.fields["status"].initial = Meeting.Status.CANCELLED


class AgreementForm(forms.Form):
    signed = forms.BooleanField(label=_("The parties signed the agreements"), required=False)
    follow_up_on = forms.DateField(
        label=_("Follow-up on"),
        widget=DateInput(),
        help_text=_("Two to six weeks after the meeting; six weeks unless you choose otherwise."),
    )


class AgreementItemForm(forms.Form):
    text = forms.CharField(label=_("What"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    who = forms.CharField(label=_("Who"), max_length=120, required=False)
    due_on = forms.DateField(label=_("By when"), required=False, widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("text", "").strip() and (cleaned.get("who") or cleaned.get("due_on")):
            self.add_error("text", ValidationError(_("Write down what was agreed.")))
        return cleaned

    def item(self) -> AgreementItemData | None:
        text = self.cleaned_data.get("text", "").strip()
        if not text:
            return None
        return AgreementItemData(
            text=text, who=self.cleaned_data.get("who", ""), due_on=self.cleaned_data.get("due_on")
        )


# Three empty rows to start with; "Add a row" posts the form back with one more (no JavaScript needed).
AgreementItemFormSet = forms.formset_factory(AgreementItemForm, extra=3, max_num=20, absolute_max=20)


class FollowUpForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Were the agreements kept?"),
        choices=[(result.value, result.label) for result in FOLLOW_UP_RESULTS],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Confidential note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the coordinator and the mediators of this case can read it."),
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", "—"), *Outcome.choices],
        error_messages={"required": _("Choose the outcome to close the case.")},
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("It appears in the case's timeline."),
    )


class ResumeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why another meeting?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. It appears in the case's timeline; no names, please."),
    )


class ContactAttemptForm(forms.Form):
    party = forms.IntegerField()
    result = forms.ChoiceField(choices=ContactResult.choices)
