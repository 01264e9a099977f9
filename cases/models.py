from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .querysets import CaseQuerySet, reopen_since


class Status(models.TextChoices):
    NEW = "new", _("New")
    INTAKE = "intake", _("Intake")
    WAITING = "waiting", _("On hold")
    MATCHING = "matching", _("Matching")
    IN_MEDIATION = "in_mediation", _("In mediation")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")
    NOT_SUITABLE = "not_suitable", _("Not suitable")


# The only allowed status transitions (DESIGN.md). cases.services.change_status applies them.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.INTAKE, Status.CLOSED}),
    Status.INTAKE: frozenset({Status.WAITING, Status.MATCHING, Status.NOT_SUITABLE, Status.CLOSED}),
    Status.WAITING: frozenset({Status.INTAKE, Status.CLOSED}),
    Status.MATCHING: frozenset({Status.IN_MEDIATION, Status.INTAKE, Status.CLOSED}),
    Status.IN_MEDIATION: frozenset({Status.FOLLOW_UP, Status.CLOSED}),
    Status.FOLLOW_UP: frozenset({Status.IN_MEDIATION, Status.CLOSED}),
    Status.CLOSED: frozenset({Status.IN_MEDIATION}),
    Status.NOT_SUITABLE: frozenset(),
}

OPEN_STATUSES = frozenset(s for s in Status if s not in (Status.CLOSED, Status.NOT_SUITABLE))


class Outcome(models.TextChoices):
    RESOLVED_JOINT_MEETING = "resolved_joint_meeting", _("Resolved in a joint meeting")
    RESOLVED_SEPARATE_TALKS = "resolved_separate_talks", _("Resolved through separate talks")
    RESOLVED_AT_INTAKE = "resolved_at_intake", _("Resolved at intake (advice)")
    PARTLY_RESOLVED = "partly_resolved", _("Partly resolved")
    NOT_RESOLVED = "not_resolved", _("Not resolved")
    PARTY_B_DECLINED = "party_b_declined", _("Other party declined")
    WITHDRAWN = "withdrawn", _("Withdrawn, solved by itself or moved")
    NO_CONTACT = "no_contact", _("No contact")

    @classmethod
    def resolved(cls) -> frozenset[str]:
        return frozenset({cls.RESOLVED_JOINT_MEETING, cls.RESOLVED_SEPARATE_TALKS, cls.RESOLVED_AT_INTAKE})


class Channel(models.TextChoices):
    PARTNER_REFERRAL = "partner_referral", _("Partner referral")
    WEB_FORM = "web_form", _("Web form")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    WALK_IN = "walk_in", _("Walk-in")


class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")
    GERMAN = "de", _("German")
    TURKISH = "tr", _("Turkish")
    ARABIC = "ar", _("Arabic")
    POLISH = "pl", _("Polish")
    TIGRINYA = "ti", _("Tigrinya")
    OTHER = "other", _("Other")


class Neighbourhood(models.Model):
    """A wijk. The service area is data: a wijk is in it from ``joined_service_on``."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    stadsdeel = models.CharField(_("district (stadsdeel)"), max_length=60, db_index=True)
    joined_service_on = models.DateField(
        _("in service area since"), null=True, blank=True, help_text=_("Empty: not (yet) in the service area.")
    )

    class Meta:
        ordering = ["stadsdeel", "name"]
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")

    def __str__(self) -> str:
        return f"{self.name} ({self.stadsdeel})"

    def in_service_area(self, on) -> bool:
        return self.joined_service_on is not None and self.joined_service_on <= on


class PostcodeArea(models.Model):
    """A 4-digit postcode and the wijk it belongs to."""

    digits = models.CharField(_("postcode digits"), max_length=4, unique=True)
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="postcodes")
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("True when the assignment was made up for demo data, not taken from an official source."),
    )

    class Meta:
        ordering = ["digits"]
        verbose_name = _("postcode area")
        verbose_name_plural = _("postcode areas")
        constraints = [
            models.CheckConstraint(condition=Q(digits__regex=r"^[1-9][0-9]{3}$"), name="postcode_area_four_digits"),
        ]

    def __str__(self) -> str:
        return self.digits


class ConflictType(models.Model):
    """Reference data; several per case."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Dutch)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("conflict type")
        verbose_name_plural = _("conflict types")

    def __str__(self) -> str:
        if self.name_en and translation.get_language() == "en":
            return self.name_en
        return self.name


class CaseNumberSequence(models.Model):
    """The last sequence number handed out per year; its row is the lock for numbering."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case number sequence")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Case(models.Model):
    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("case number"), max_length=12, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW, editable=False)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    referring_organisation = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("referring organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referred by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referred_cases",
    )
    partner_reference = models.CharField(_("partner's reference"), max_length=60, blank=True)
    conflict_types = models.ManyToManyField(
        ConflictType, verbose_name=_("conflict types"), related_name="cases", blank=True
    )
    description = models.TextField(_("description"), max_length=5000, blank=True)
    tried_already = models.TextField(_("what was tried already"), max_length=2000, blank=True)

    # Where the conflict is.
    street = models.CharField(_("street"), max_length=120, blank=True)
    house_number = models.CharField(_("house number"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True, default="Enschede")
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("neighbourhood"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )

    # Complexity flags.
    flag_psychosocial = models.BooleanField(_("psychosocial problems"), default=False)
    flag_language_barrier = models.BooleanField(_("language barrier (interpreter)"), default=False)
    flag_threat = models.BooleanField(_("threat or aggression"), default=False)

    consent_given = models.BooleanField(_("consent given"), default=False)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    received_at = models.DateTimeField(_("received"))
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    matched_at = models.DateTimeField(_("duo matched"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    not_suitable_reason = models.TextField(_("reason not suitable"), max_length=2000, blank=True)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    retention_until = models.DateField(_("keep personal data until"), null=True, blank=True)
    # What the referrer or resident submitted, exactly as submitted (cases.services.intake): the
    # referrer's page shows this copy, never the case file as the coordinator corrected or added
    # to it. Holds personal data: anonymisation must empty it with the other personal fields.
    as_submitted = models.JSONField(_("as submitted"), default=dict, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            # A double submit from a partner makes one case.
            models.UniqueConstraint(
                fields=["referring_organisation", "partner_reference"],
                condition=~Q(partner_reference=""),
                name="case_partner_reference_unique_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=models.F("received_at")),
                name="case_closed_after_received",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "received_at"], name="case_status_received_idx"),
            # Covering (PostgreSQL; plain on SQLite): the report's and the dashboard's counts over a
            # window of received or closed cases read only the index (index-only scan), not the
            # table's wide rows.
            models.Index(
                fields=["received_at"],
                include=["id", "status", "channel", "referring_organisation", "neighbourhood", "first_contact_at"],
                name="case_received_cover_idx",
            ),
            models.Index(
                fields=["closed_at"],
                include=["id", "status", "outcome", "matched_at", "received_at"],
                name="case_closed_cover_idx",
            ),
            # The lead times of the report and the dashboard select cases by these moments, one
            # window at a time (partners.reporting.lead_times), and read the interval's other end
            # from the index too: an index-only scan of the window, not a scan of the table.
            models.Index(
                fields=["first_contact_at"], include=["id", "received_at"], name="case_first_contact_cover_idx"
            ),
            models.Index(fields=["matched_at"], include=["id", "first_contact_at"], name="case_matched_cover_idx"),
            models.Index(fields=["neighbourhood", "status"], name="case_neighbourhood_status_idx"),
            models.Index(fields=["referring_organisation", "received_at"], name="case_referrer_received_idx"),
            models.Index(fields=["postcode", "house_number"], name="case_address_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def can_reopen(self, now) -> bool:
        return self.status == Status.CLOSED and self.closed_at is not None and self.closed_at >= reopen_since(now)


class Party(models.Model):
    class Role(models.TextChoices):
        A = "A", _("Party A (reports)")
        B = "B", _("Party B (the other)")
        OTHER = "other", _("Other party")

    class Tenure(models.TextChoices):
        UNKNOWN = "", _("Unknown")
        RENT = "rent", _("Rents")
        OWN = "own", _("Owns")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=5, choices=Role.choices)
    name = models.CharField(_("name"), max_length=120, blank=True)
    street = models.CharField(_("street"), max_length=120, blank=True)
    house_number = models.CharField(_("house number"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.DUTCH
    )
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    tenure = models.CharField(_("tenure"), max_length=4, choices=Tenure.choices, blank=True, default=Tenure.UNKNOWN)
    landlord = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("landlord"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tenants",
    )
    confidential_notes = models.TextField(_("confidential notes"), max_length=5000, blank=True)

    class Meta:
        ordering = ["case", "role", "pk"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "role"], condition=Q(role__in=["A", "B"]), name="party_one_a_and_one_b_per_case"
            ),
        ]
        indexes = [
            models.Index(fields=["postcode", "house_number"], name="party_address_idx"),
            # The repeat signal looks for the same person in other cases by phone and email.
            models.Index(fields=["phone"], condition=~Q(phone=""), name="party_phone_idx"),
            models.Index(fields=["email"], condition=~Q(email=""), name="party_email_idx"),
        ]

    def __str__(self) -> str:
        # Never the name: __str__ ends up in logs and admin history.
        return f"{self.case.number} {self.get_role_display()}" if self.case_id else self.get_role_display()


class CaseEvent(models.Model):
    class Kind(models.TextChoices):
        CREATED = "created", _("Case received")
        STATUS_CHANGE = "status_change", _("Status change")
        CONTACT_ATTEMPT = "contact_attempt", _("Contact attempt")
        NOTE = "note", _("Note")
        ASSIGNMENT = "assignment", _("Assignment")
        MEETING = "meeting", _("Meeting")
        AGREEMENT = "agreement", _("Agreement")
        EMAIL_SENT = "email_sent", _("Email sent")

    class Milestone(models.TextChoices):
        NONE = "", _("None")
        RECEIVED = "received", _("Received")
        SUITABLE = "suitable", _("Suitable")
        NOT_SUITABLE = "not_suitable", _("Not suitable")
        TAKEN_UP = "taken_up", _("Taken up by mediators")
        CLOSED_RESOLVED = "closed_resolved", _("Closed: resolved")
        CLOSED_NOT_RESOLVED = "closed_not_resolved", _("Closed: not resolved")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    old_status = models.CharField(_("old status"), max_length=20, choices=Status.choices, blank=True)
    new_status = models.CharField(_("new status"), max_length=20, choices=Status.choices, blank=True)
    text = models.TextField(_("text"), max_length=5000, blank=True)
    milestone = models.CharField(_("referrer milestone"), max_length=24, choices=Milestone.choices, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [
            models.Index(fields=["case", "created_at"], name="caseevent_case_created_idx"),
            models.Index(fields=["case", "created_at"], condition=~Q(milestone=""), name="caseevent_milestone_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"

    @property
    def is_milestone(self) -> bool:
        return bool(self.milestone)


class Meeting(models.Model):
    class Kind(models.TextChoices):
        INTAKE_A = "intake_a", _("Intake party A")
        INTAKE_B = "intake_b", _("Intake party B")
        JOINT = "joint", _("Joint mediation")
        FOLLOW_UP = "follow_up", _("Follow-up")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("No-show")

    class LocationKind(models.TextChoices):
        # Where a meeting takes place decides what may leave the case file: a home is a party's
        # address, so the calendar feed and emails show only this label, never the free text.
        # Only a NEUTRAL place's free text ("Wijkcentrum De Schakel") goes into the calendar feed.
        HOME_A = "home_a", _("At party A's home")
        HOME_B = "home_b", _("At party B's home")
        NEUTRAL = "neutral", _("Neutral place")
        PHONE = "phone", _("By phone or video call")
        OTHER = "other", _("Other place")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location_kind = models.CharField(
        _("kind of place"), max_length=10, choices=LocationKind.choices, default=LocationKind.OTHER
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    mediators = models.ManyToManyField(
        "mediators.Mediator", verbose_name=_("mediators present"), related_name="meetings"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    confidential_notes = models.TextField(_("confidential notes"), max_length=5000, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["starts_at", "status"], name="meeting_starts_status_idx"),
            # The dashboard's work queue counts planned meetings only: few rows out of many.
            models.Index(fields=["status", "starts_at"], name="meeting_status_starts_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"

    @property
    def location_is_shareable(self) -> bool:
        """True when the free-text location may appear outside the case file (calendar feed)."""
        return self.location_kind == self.LocationKind.NEUTRAL


class Agreement(models.Model):
    class FollowUpResult(models.TextChoices):
        PENDING = "", _("Not yet known")
        KEPT = "kept", _("Kept")
        PARTLY = "partly", _("Partly kept")
        NOT_KEPT = "not_kept", _("Not kept")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agreements")
    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="agreements")
    signed = models.BooleanField(_("signed"), default=False)
    follow_up_on = models.DateField(_("follow-up on"), db_index=True)
    follow_up_result = models.CharField(
        _("follow-up result"), max_length=10, choices=FollowUpResult.choices, blank=True
    )
    follow_up_note = models.TextField(_("follow-up note"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            # The agreements of one meeting are one record with several items.
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(meeting__isnull=False), name="agreement_once_per_meeting"
            ),
        ]
        indexes = [
            # The dashboard's "follow-up due": agreements without a result whose date has come. Few
            # rows have no result, so a partial index stays small however many agreements there are.
            models.Index(
                fields=["follow_up_on"],
                include=["case"],
                condition=Q(follow_up_result=""),
                name="agreement_follow_up_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.follow_up_on}"


class AgreementItem(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="items")
    text = models.TextField(_("what"), max_length=1000)
    who = models.CharField(_("who"), max_length=120, blank=True)
    due_on = models.DateField(_("by when"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("agreement item")
        verbose_name_plural = _("agreement items")

    def __str__(self) -> str:
        return f"{self.agreement_id} #{self.pk}"
