from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "shigongtu.bulletins"
    label = "bulletins"
    verbose_name = _("调度通报")
    default_auto_field = "django.db.models.BigAutoField"
