from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "shigongtu.ledgers"
    label = "ledgers"
    verbose_name = _("台账")
    default_auto_field = "django.db.models.BigAutoField"
