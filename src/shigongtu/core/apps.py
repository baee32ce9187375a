from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shigongtu.core"
    label = "core"
    verbose_name = "核心"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shigongtu.core import checks  # noqa: F401  (registers the deployment checks)
