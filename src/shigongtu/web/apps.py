from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "shigongtu.web"
    label = "web"
    verbose_name = "页面"
    default_auto_field = "django.db.models.BigAutoField"
