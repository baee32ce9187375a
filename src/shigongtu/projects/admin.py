"""Back-office views of the project library (the pages and the API are the daily tools)."""

from django.contrib import admin

from shigongtu.projects.models import ApprovalItem, BondProject, InvestmentReport, Project, ProjectSettings


class ApprovalInline(admin.TabularInline):
    model = ApprovalItem
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "plan", "stage", "total_investment", "annual_plan", "ytd_investment",
                    "in_statistics")
    list_filter = ("plan", "stage", "level")
    search_fields = ("code", "name", "owner")
    readonly_fields = ("ytd_investment", "ytd_stats_investment", "last_period", "version")
    inlines = [ApprovalInline]


@admin.register(ProjectSettings)
class ProjectSettingsAdmin(admin.ModelAdmin):
    """Per-plan warning thresholds: 入库 months, unstarted months, investment and bond lags, the curve."""

    list_display = ("plan", "stats_threshold", "stats_yellow_months", "stats_red_months", "unstarted_red_months")


admin.site.register(InvestmentReport)
admin.site.register(BondProject)
