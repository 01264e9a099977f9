from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        GEMEENTE = "gemeente", _("Municipality")
        HOUSING = "woningcorporatie", _("Housing corporation")
        POLICE = "politie", _("Police")
        WELFARE = "welzijn", _("Welfare organisation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    is_convenant_partner = models.BooleanField(_("convenant partner"), default=False)
    notification_email = models.EmailField(_("notification email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Convenant(models.Model):
    title = models.CharField(_("title"), max_length=200)
    signed_on = models.DateField(_("signed on"))
    starts_on = models.DateField(_("runs from"))
    ends_on = models.DateField(_("runs to"))
    area = models.CharField(_("area"), max_length=200, help_text=_("Where the convenant applies."))
    parties = models.ManyToManyField(Organisation, through="ConvenantParty", related_name="convenants")

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("convenant")
        verbose_name_plural = _("convenants")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="convenant_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title


class ConvenantParty(models.Model):
    convenant = models.ForeignKey(Convenant, on_delete=models.CASCADE, related_name="party_rows")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="convenant_rows")
    yearly_contribution = models.DecimalField(
        _("yearly contribution (EUR)"), max_digits=10, decimal_places=2, default=0
    )
    in_kind = models.TextField(_("contribution in kind"), blank=True)

    class Meta:
        verbose_name = _("convenant party")
        verbose_name_plural = _("convenant parties")
        constraints = [
            models.UniqueConstraint(fields=["convenant", "organisation"], name="convenant_party_once"),
            models.CheckConstraint(condition=Q(yearly_contribution__gte=0), name="convenant_contribution_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.convenant}"


class MembershipQuerySet(models.QuerySet):
    def referrers(self):
        return self.filter(role=Membership.Role.REFERRER)


class Membership(models.Model):
    class Role(models.TextChoices):
        REFERRER = "referrer", _("Referrer")
        STEERING_GROUP = "steering_group", _("Steering group")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"
