from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BuurtbemiddelingConfig(AppConfig):
    name = "buurtbemiddeling"
    verbose_name = _("Buurtbemiddeling")

    def ready(self) -> None:
        from buurtbemiddeling.roles import grant_coordinator_permissions

        # No sender: post_migrate fires once per app, and each app's permissions exist only
        # after its own emission; granting is idempotent, so run after every one.
        post_migrate.connect(grant_coordinator_permissions, dispatch_uid="grant_coordinator_permissions")

        # The notification admin lives in its own module; buurtbemiddeling/admin.py is the User admin.
        from buurtbemiddeling import notification_admin  # noqa: F401
