"""The blueprint in the back office: read-only (writes go through ``plans.services``, which records
every change in the history)."""

from django.contrib import admin

from shigongtu.plans.models import Indicator, Node, Plan, Report, ReportValue
from shigongtu.utilities.admin import ReadOnlyAdmin, ReadOnlyInline


class ReportValueInline(ReadOnlyInline):
    model = ReportValue


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "year", "unit", "status")
    search_fields = ("code", "name")


@admin.register(Node)
class NodeAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "plan", "lead_unit", "due", "cancelled")
    list_filter = ("plan",)
    search_fields = ("code", "title")


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ("name", "node", "target", "unit", "kind")
    list_filter = ("plan",)


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("node", "period", "progress", "status")
    list_filter = ("status", "period")
    inlines = [ReportValueInline]
