from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "shigongtu.supervision"
    label = "supervision"
    verbose_name = _("督办与整改")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shigongtu.supervision import indicators

        indicators.register()
