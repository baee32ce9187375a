from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "shigongtu.plans"
    label = "plans"
    verbose_name = "施工图"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shigongtu.plans import audited

        audited.register_figures()
