from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "shigongtu.audit"
    label = "audit"
    verbose_name = "变更记录"
    default_auto_field = "django.db.models.BigAutoField"
