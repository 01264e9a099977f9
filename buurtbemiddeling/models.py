"""The notification outbox and the recipients' preferences.

The database, not the broker, holds what must be sent: a Notification row is written in the
transaction that decides it, and the minute sweep (buurtbemiddeling.tasks) hands due rows to the
send task. See buurtbemiddeling.notifications for the life cycle of a row.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def due(self, now):
        """Pending rows whose time has come, oldest first; served by notification_due_idx."""
        return self.filter(status=Notification.Status.PENDING, due_at__lte=now).order_by("due_at", "pk")

    def stale_claims(self, before):
        """Rows claimed before ``before`` and never marked: their worker died (notification_sending_idx)."""
        return self.filter(status=Notification.Status.SENDING, claimed_at__lt=before)

    def pending(self):
        return self.filter(status=Notification.Status.PENDING)

    def failed(self):
        """Rows that gave up after their last attempt; the coordinator dashboard shows these."""
        return self.filter(status=Notification.Status.FAILED)

    def needing_attention(self):
        """Failed and pending rows, as the coordinator's notification page lists them: oldest first."""
        return self.filter(status__in=[Notification.Status.FAILED, Notification.Status.PENDING]).order_by(
            "created_at", "pk"
        )

    def resendable(self):
        return self.filter(status__in=[Notification.Status.FAILED, Notification.Status.PENDING])


class Notification(models.Model):
    class Kind(models.TextChoices):
        INTAKE_OVERDUE = "intake_overdue", _("Intake overdue")
        DAILY_DIGEST = "daily_digest", _("Daily digest")
        # Intake (cases): to the referrer, or to a self-reporting resident without an account.
        REFERRAL_RECEIVED = "referral_received", _("Referral received")
        REPORT_RECEIVED = "report_received", _("Report received")
        MILESTONE = "milestone", _("Referral milestone")
        # Coordination (mediators).
        PROPOSAL = "proposal", _("Case proposed to a mediator")
        PROPOSAL_REMINDER = "proposal_reminder", _("Proposal not answered")
        PROPOSAL_DECLINED = "proposal_declined", _("Proposal declined")
        PROPOSAL_EXPIRED = "proposal_expired", _("Proposal expired")
        MEETING_TOMORROW = "meeting_tomorrow", _("Meeting tomorrow")
        MEETING_OUTCOME_MISSING = "meeting_outcome_missing", _("Meeting outcome not recorded")
        FOLLOW_UP_DUE = "follow_up_due", _("Follow-up due")
        SET_PASSWORD = "set_password", _("Set your password")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Not sent because it no longer applied when its turn came (the case left NEW,
        # the recipient is no longer an active coordinator).
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    # For a recipient without an account (a self-reporting resident): personal data, emptied
    # once the row is sent or given up (see notifications.forget_address).
    to_email = models.EmailField(_("to (no account)"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, blank=True, help_text=_("For a recipient without an account; else theirs.")
    )
    # What the notification is about (a case for most kinds; nothing for the digest).
    subject_type = models.ForeignKey(
        ContentType, verbose_name=_("about (type)"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    # Case numbers and codes only, never personal data: rendered as is into the email.
    payload = models.JSONField(_("content"), default=dict, blank=True)
    key = models.CharField(
        _("uniqueness key"),
        max_length=200,
        unique=True,
        help_text=_("The same reminder can never be created twice: a second row with this key is refused."),
    )
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "failed", "cancelled"]),
                name="notification_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="notification_sent_has_sent_at"
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(to_email="") | ~Q(status="pending"),
                name="notification_pending_has_an_address",
            ),
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(claimed_at__isnull=False), name="notification_sending_is_claimed"
            ),
        ]
        indexes = [
            # The minute sweep: only pending rows are in the index, so it stays small however
            # many rows have been sent.
            models.Index(fields=["due_at"], condition=Q(status="pending"), name="notification_due_idx"),
            models.Index(fields=["claimed_at"], condition=Q(status="sending"), name="notification_sending_idx"),
            models.Index(fields=["created_at"], condition=Q(status="failed"), name="notification_failed_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="notification_subject_idx"),
        ]

    def __str__(self) -> str:
        # The key holds ids only, never personal data: __str__ ends up in logs and admin history.
        return f"{self.get_kind_display()} ({self.key})"


class UserPreference(models.Model):
    """A user's own settings; for now the language their emails are written in."""

    class Language(models.TextChoices):
        DUTCH = "nl", _("Dutch")
        ENGLISH = "en", _("English")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="preference"
    )
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.DUTCH)

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self) -> str:
        return f"{self.user_id} {self.language}"


class DataGeneration(models.Model):
    """One row that changes with every committed write to the data the reports and dashboard read.

    Database triggers (buurtbemiddeling.generation, installed after every migrate) bump ``value``
    on every INSERT, UPDATE or DELETE in the case, mediator and partner tables and in auth_user, in
    the writing transaction: the new value becomes visible together with the data. ``epoch`` is
    drawn when the row is (re)created, so a value never repeats after the table was emptied.
    Nothing here is personal; the row is never edited by hand.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    epoch = models.CharField(max_length=32)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("data generation")
        verbose_name_plural = _("data generation")

    def __str__(self) -> str:
        return f"{self.epoch}.{self.value}"
