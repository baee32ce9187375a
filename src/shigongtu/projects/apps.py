from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "shigongtu.projects"
    label = "projects"
    verbose_name = "项目库"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from shigongtu.projects import indicators, totals
        from shigongtu.projects.models import InvestmentReport

        indicators.register()
        post_save.connect(totals.on_report_change, sender=InvestmentReport, dispatch_uid="projects.totals")
