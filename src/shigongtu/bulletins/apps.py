from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "shigongtu.bulletins"
    label = "bulletins"
    verbose_name = "调度通报"
    default_auto_field = "django.db.models.BigAutoField"
