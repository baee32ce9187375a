from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "shigongtu.orgs"
    label = "orgs"
    verbose_name = _("组织与人员")
    default_auto_field = "django.db.models.BigAutoField"
