from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuurtbemiddelingConfig(AppConfig):
    name = "buurtbemiddeling"
    verbose_name = _("Buurtbemiddeling")
