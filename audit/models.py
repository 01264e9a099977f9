"""Who looked at which personal data, and when (DESIGN.md, "Privacy").

An access record names the user, the moment, the case and what was looked at, by kind. It never
holds a personal value: ``detail`` is for identifiers and labels such as "party:42" or
"export:xlsx", never for a name, address, phone number or free text a user typed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessRecord(models.Model):
    class Action(models.TextChoices):
        CASE_PAGE = "case_page", _("Opened the case page")
        PARTY_DATA = "party_data", _("Viewed party details")
        CASE_PRINT = "case_print", _("Printed the case")
        EXPORT = "export", _("Exported data")
        ADMIN_VIEW = "admin_view", _("Opened in the admin")
        SUBJECT_EXPORT = "subject_export", _("Exported a person's data (data-subject request)")
        SUBJECT_ERASURE = "subject_erasure", _("Erased a person's data (data-subject request)")
        RETENTION = "retention", _("Anonymised after the retention period")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # SET_NULL: removing an account must not remove the trace of what it looked at.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_records",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_records",
    )
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)
    # Identifiers and labels only, never a personal value (see the module docstring).
    detail = models.CharField(_("detail"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["case", "-at"], name="audit_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.case_id}"
