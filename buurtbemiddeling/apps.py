from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BuurtbemiddelingConfig(AppConfig):
    name = "buurtbemiddeling"
    verbose_name = _("Buurtbemiddeling")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from buurtbemiddeling.middleware import start_session_clocks
        from buurtbemiddeling.roles import grant_coordinator_permissions

        # Session lifetime (SessionLifetimeMiddleware) is counted from every login, however made.
        user_logged_in.connect(start_session_clocks, dispatch_uid="start_session_clocks")

        # No sender: post_migrate fires once per app, and each app's permissions exist only
        # after its own emission; granting is idempotent, so run after every one.
        post_migrate.connect(grant_coordinator_permissions, dispatch_uid="grant_coordinator_permissions")

        # The triggers that move the data generation (buurtbemiddeling.generation), on every table
        # that exists after this migrate, new ones included. Sent for each app once all are migrated.
        from buurtbemiddeling.generation import install_after_migrate

        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="install_generation_triggers")

        # The notification admin lives in its own module; buurtbemiddeling/admin.py is the User admin.
        from buurtbemiddeling import notification_admin  # noqa: F401
