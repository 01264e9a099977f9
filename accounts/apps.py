from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.services import start_session_state

        # Every login, however made, starts with the second step still owed (if the user has one).
        user_logged_in.connect(start_session_state, dispatch_uid="two_step_session_state")
