"""The project library in the back office, scoped like the pages. Projects, investment reports,
bonds and the per-plan warning settings are read-only here: writes go through the services,
ledgers and the plan settings page, which record the history."""

from django.contrib import admin

from shigongtu.orgs.admin import ScopedReadOnlyAdmin
from shigongtu.projects.models import (
    ApprovalItem,
    BondDisbursement,
    BondExpenditure,
    BondProject,
    BondQuota,
    InvestmentReport,
    Project,
    ProjectProblem,
    ProjectSettings,
)
from shigongtu.utilities.admin import ReadOnlyInline


class ApprovalInline(ReadOnlyInline):
    model = ApprovalItem


class ProblemInline(ReadOnlyInline):
    model = ProjectProblem


@admin.register(Project)
class ProjectAdmin(ScopedReadOnlyAdmin):
    list_display = ("code", "name", "plan", "stage", "total_investment", "annual_plan", "ytd_investment",
                    "in_statistics")
    list_filter = ("plan", "stage", "level")
    search_fields = ("code", "name", "owner")
    inlines = [ApprovalInline, ProblemInline]


@admin.register(ProjectSettings)
class ProjectSettingsAdmin(ScopedReadOnlyAdmin):
    """Per-plan warning thresholds: 入库 months, unstarted months, investment and bond lags, the curve."""

    list_display = ("plan", "stats_threshold", "stats_yellow_months", "stats_red_months", "unstarted_red_months")
    scope_plan = "plan__"


@admin.register(InvestmentReport)
class InvestmentReportAdmin(ScopedReadOnlyAdmin):
    list_display = ("project", "period", "amount", "status")
    list_filter = ("status", "period")


class QuotaInline(ReadOnlyInline):
    model = BondQuota


class DisbursementInline(ReadOnlyInline):
    model = BondDisbursement


class ExpenditureInline(ReadOnlyInline):
    model = BondExpenditure


@admin.register(BondProject)
class BondProjectAdmin(ScopedReadOnlyAdmin):
    list_display = ("project", "state", "requested_amount")
    inlines = [QuotaInline, DisbursementInline, ExpenditureInline]
