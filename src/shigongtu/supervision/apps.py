from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "shigongtu.supervision"
    label = "supervision"
    verbose_name = "督办与整改"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shigongtu.supervision import indicators

        indicators.register()
