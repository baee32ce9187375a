from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "shigongtu.notifications"
    label = "notifications"
    verbose_name = _("提醒")
    default_auto_field = "django.db.models.BigAutoField"
