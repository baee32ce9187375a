from django.apps import AppConfig


class AttractionConfig(AppConfig):
    name = "shigongtu.attraction"
    label = "attraction"
    verbose_name = "招商引资"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shigongtu.attraction import indicators

        indicators.register()
