from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "shigongtu.enterprises"
    label = "enterprises"
    verbose_name = _("企业梯度培育")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shigongtu.enterprises import indicators

        indicators.register()
