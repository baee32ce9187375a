from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "shigongtu.orgs"
    label = "orgs"
    verbose_name = _("组织与人员")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shigongtu.orgs.audited import register_figures

        register_figures()  # roles are replayed against the history by `audit verify`
