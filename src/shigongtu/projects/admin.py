"""The project library in the back office. Projects, investment reports and bonds are read-only
here (writes go through the services and ledgers, which record the history); the per-plan warning
thresholds are settings, editable."""

from django.contrib import admin

from shigongtu.projects.models import ApprovalItem, BondProject, InvestmentReport, Project, ProjectSettings
from shigongtu.utilities.admin import ReadOnlyAdmin, ReadOnlyInline


class ApprovalInline(ReadOnlyInline):
    model = ApprovalItem


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "plan", "stage", "total_investment", "annual_plan", "ytd_investment",
                    "in_statistics")
    list_filter = ("plan", "stage", "level")
    search_fields = ("code", "name", "owner")
    inlines = [ApprovalInline]


@admin.register(ProjectSettings)
class ProjectSettingsAdmin(admin.ModelAdmin):
    """Per-plan warning thresholds: 入库 months, unstarted months, investment and bond lags, the curve."""

    list_display = ("plan", "stats_threshold", "stats_yellow_months", "stats_red_months", "unstarted_red_months")


@admin.register(InvestmentReport)
class InvestmentReportAdmin(ReadOnlyAdmin):
    list_display = ("project", "period", "amount", "status")
    list_filter = ("status", "period")


@admin.register(BondProject)
class BondProjectAdmin(ReadOnlyAdmin):
    list_display = ("project", "state", "requested_amount")
