from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "shigongtu.audit"
    label = "audit"
    verbose_name = _("变更记录")
    default_auto_field = "django.db.models.BigAutoField"
