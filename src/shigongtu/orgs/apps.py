from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "shigongtu.orgs"
    label = "orgs"
    verbose_name = "组织与人员"
    default_auto_field = "django.db.models.BigAutoField"
