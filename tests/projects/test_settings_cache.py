"""Project warning thresholds and cached pictures."""

from shigongtu.plans.models import Plan
from shigongtu.projects.models import ProjectSettings


def test_saving_project_thresholds_bumps_the_plan_revision(cast):
    before = Plan.objects.get(pk=cast.plan.pk).revision
    ProjectSettings.objects.create(plan=cast.plan)
    assert Plan.objects.get(pk=cast.plan.pk).revision == before + 1
