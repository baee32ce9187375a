from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "shigongtu.projects"
    label = "projects"
    verbose_name = _("项目库")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from shigongtu.projects import audited, totals
        from shigongtu.projects.models import InvestmentReport, ProjectSettings
        from shigongtu.projects.selectors import indicators, progress

        indicators.register()
        progress.register()
        audited.register_figures()
        post_save.connect(totals.on_report_change, sender=InvestmentReport, dispatch_uid="projects.totals")
        post_save.connect(_settings_changed, sender=ProjectSettings, dispatch_uid="projects.settings")


def _settings_changed(sender: object, instance: object, **kwargs: object) -> None:
    """New warning thresholds change lights: caches keyed by the plan's revision must rebuild."""
    from shigongtu.plans.models import Plan
    from shigongtu.plans.services import bump_revision

    plan_id = getattr(instance, "plan_id", None)
    plan = Plan.objects.filter(pk=plan_id).first() if plan_id is not None else None
    if plan is not None:
        bump_revision(plan)
