from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "shigongtu.enterprises"
    label = "enterprises"
    verbose_name = "企业梯度培育"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shigongtu.enterprises import indicators

        indicators.register()
