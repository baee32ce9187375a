from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "shigongtu.plans"
    label = "plans"
    verbose_name = _("施工图")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shigongtu.plans import audited

        audited.register_figures()
