from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Language

from .querysets import AssignmentQuerySet, MediatorQuerySet

# A proposal unanswered after a day gets a reminder; after two days it expires and the slot is free.
PROPOSAL_REMINDER_AFTER = timedelta(hours=24)
PROPOSAL_EXPIRES_AFTER = timedelta(hours=48)


def new_calendar_token() -> str:
    """The secret part of a mediator's calendar feed URL: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


class Mediator(models.Model):
    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        IN_TRAINING = "in_training", _("In training")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        STOPPED = "stopped", _("Stopped")

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mediator")
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    home_postcode = models.CharField(
        _("home postcode"),
        max_length=7,
        help_text=_("Used to avoid a conflict of interest: never a case in their own wijk."),
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_('Language codes, e.g. ["nl", "tr"].')
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_TRAINING, db_index=True
    )
    certified_on = models.DateField(_("certified on (basistraining)"), null=True, blank=True)
    max_concurrent_cases = models.PositiveSmallIntegerField(_("maximum concurrent cases"), default=3)
    yearly_target = models.PositiveSmallIntegerField(_("yearly target"), default=12)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    # Whoever has the feed URL sees the mediator's meeting times and case numbers (no names or
    # addresses); the mediator can renew it, which makes the old URL answer 404.
    calendar_token = models.CharField(
        _("calendar token"), max_length=64, unique=True, default=new_calendar_token, editable=False
    )

    objects = MediatorQuerySet.as_manager()

    class Meta:
        ordering = ["user__first_name", "user__last_name"]
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")
        constraints = [
            models.CheckConstraint(condition=Q(max_concurrent_cases__gte=1), name="mediator_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def can_be_proposed(self) -> bool:
        return self.status == self.Status.ACTIVE and self.certified_on is not None

    def language_names(self) -> list[str]:
        labels = dict(Language.choices)
        return [str(labels.get(code, code)) for code in self.languages]


class Availability(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    class Part(models.TextChoices):
        MORNING = "morning", _("Morning")
        AFTERNOON = "afternoon", _("Afternoon")
        EVENING = "evening", _("Evening")

    mediator = models.ForeignKey(Mediator, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    part = models.CharField(_("part of day"), max_length=10, choices=Part.choices)

    class Meta:
        ordering = ["weekday", "part"]
        verbose_name = _("availability")
        verbose_name_plural = _("availability")
        constraints = [
            models.UniqueConstraint(fields=["mediator", "weekday", "part"], name="availability_once"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="availability_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.get_part_display()}"


class Absence(models.Model):
    mediator = models.ForeignKey(Mediator, on_delete=models.CASCADE, related_name="absences")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="absence_ends_after_start"),
        ]
        indexes = [models.Index(fields=["mediator", "ends_on"], name="absence_mediator_end_idx")]

    def __str__(self) -> str:
        return f"{self.starts_on} – {self.ends_on}"


class TrainingRecord(models.Model):
    class Kind(models.TextChoices):
        BASIC = "basistraining", _("Basic training")
        ADVANCED = "vervolgtraining", _("Advanced training")
        INTERVISION = "intervisie", _("Intervision")

    mediator = models.ForeignKey(Mediator, on_delete=models.CASCADE, related_name="training_records")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class VolunteerApplication(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        INTERVIEW = "interview", _("Interview")
        IN_TRAINING = "in_training", _("In training")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    motivation = models.TextField(_("motivation"), max_length=3000, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    received_at = models.DateTimeField(_("received"), db_index=True)
    mediator = models.OneToOneField(
        Mediator, on_delete=models.SET_NULL, null=True, blank=True, related_name="application"
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("volunteer application")
        verbose_name_plural = _("volunteer applications")

    def __str__(self) -> str:
        return f"{_('Application')} {self.pk}"


# The recruitment pipeline; mediators.services applies it. Accepting creates the mediator.
APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    VolunteerApplication.Status.NEW: frozenset(
        {
            VolunteerApplication.Status.INTERVIEW,
            VolunteerApplication.Status.REJECTED,
            VolunteerApplication.Status.WITHDRAWN,
        }
    ),
    VolunteerApplication.Status.INTERVIEW: frozenset(
        {
            VolunteerApplication.Status.IN_TRAINING,
            VolunteerApplication.Status.ACCEPTED,
            VolunteerApplication.Status.REJECTED,
            VolunteerApplication.Status.WITHDRAWN,
        }
    ),
    VolunteerApplication.Status.IN_TRAINING: frozenset(
        {
            VolunteerApplication.Status.ACCEPTED,
            VolunteerApplication.Status.REJECTED,
            VolunteerApplication.Status.WITHDRAWN,
        }
    ),
    VolunteerApplication.Status.ACCEPTED: frozenset(),
    VolunteerApplication.Status.REJECTED: frozenset(),
    VolunteerApplication.Status.WITHDRAWN: frozenset(),
}


class Assignment(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        CO = "co", _("Co-mediator")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")

        @classmethod
        def active(cls) -> list[str]:
            return [cls.PROPOSED, cls.ACCEPTED]

        @classmethod
        def visible(cls) -> list[str]:
            """Assignments that open the case file to the mediator (not a mere proposal)."""
            return [cls.ACCEPTED, cls.COMPLETED]

    # The proposal page's address: not guessable, so one mediator cannot probe another's proposals.
    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="assignments")
    mediator = models.ForeignKey(Mediator, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("role"), max_length=4, choices=Role.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_at = models.DateTimeField(_("proposed"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # When the case was closed and this assignment completed (cases.services.meetings.close_case); cleared
    # when a reopened case gives the assignment back. "Mijn zaken" lists completed assignments only for the
    # reopen window, and finds them by this date instead of reading the mediator's whole history.
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True, editable=False)
    decline_reason = models.TextField(_("reason for declining"), max_length=1000, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["case", "role"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["case", "mediator"], name="assignment_mediator_once_per_case"),
            # One active lead and one active co per case: at most two active mediators.
            models.UniqueConstraint(
                fields=["case", "role"],
                condition=Q(status__in=["proposed", "accepted"]),
                name="assignment_one_active_per_role",
            ),
            models.CheckConstraint(condition=Q(role__in=["lead", "co"]), name="assignment_role_valid"),
            # A completed assignment knows when; no other one has a date of completion.
            models.CheckConstraint(
                condition=Q(status="completed", completed_at__isnull=False)
                | (~Q(status="completed") & Q(completed_at__isnull=True)),
                name="assignment_completed_at_iff_completed",
            ),
        ]
        indexes = [
            # Covering the case: a mediator's cases by status from the index alone (the guard of the case
            # pages, Case.objects.visible_to), and "Mijn zaken": the accepted assignments and those completed
            # within the reopen window, one range each instead of the mediator's whole history.
            models.Index(
                fields=["mediator", "status", "completed_at"], include=["case"], name="assignment_mediator_done_idx"
            ),
            models.Index(fields=["status", "proposed_at"], name="assignment_status_proposed_idx"),
            # A mediator's assignments of this year (with_load's cases_this_year, per mediator on the
            # pool page, the matching page and the dashboard's workload): one index range instead of
            # ANDing a bitmap of the mediator's rows with one of all rows proposed this year.
            models.Index(fields=["mediator", "status", "proposed_at"], name="assignment_mediator_year_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_role_display()}"

    def clean(self) -> None:
        super().clean()
        # The date of completion follows the status (assignment_completed_at_iff_completed), also when a
        # coordinator corrects a status in the admin; closing a case sets it in cases.services.
        if self.status != self.Status.COMPLETED:
            self.completed_at = None
        elif self.completed_at is None:
            self.completed_at = timezone.now()

    @property
    def answer_by(self) -> datetime:
        """When an open proposal expires unless the mediator answers."""
        return self.proposed_at + PROPOSAL_EXPIRES_AFTER

    @property
    def is_open_proposal(self) -> bool:
        return self.status == self.Status.PROPOSED
