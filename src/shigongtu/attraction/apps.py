from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttractionConfig(AppConfig):
    name = "shigongtu.attraction"
    label = "attraction"
    verbose_name = _("招商引资")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shigongtu.attraction import indicators

        indicators.register()
