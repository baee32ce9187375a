from django.apps import AppConfig


class UtilitiesConfig(AppConfig):
    """Django-aware helpers with no domain import; registers the deployment checks."""

    name = "shigongtu.utilities"
    label = "utilities"
    verbose_name = "工具"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib import admin

        from shigongtu.utilities import checks  # noqa: F401  (registers the deployment checks)
        from shigongtu.utilities.admin import brand

        brand(admin.site)
