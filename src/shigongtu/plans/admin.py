"""The blueprint in the back office: read-only (writes go through ``plans.services``, which records
every change in the history), and scoped like the pages. The change history is listed here too,
narrowed to the plans the user can see (it lives below the plans, so it cannot scope itself)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q
from django.http import HttpRequest

from shigongtu.audit.models import AuditEntry
from shigongtu.orgs.access import VIEW, Scope
from shigongtu.orgs.admin import ScopedReadOnlyAdmin
from shigongtu.plans.models import Indicator, Node, Plan, Report, ReportValue, StatisticValue
from shigongtu.utilities.admin import ReadOnlyInline


class ReportValueInline(ReadOnlyInline):
    model = ReportValue


@admin.register(Plan)
class PlanAdmin(ScopedReadOnlyAdmin):
    list_display = ("code", "name", "year", "unit", "status")
    search_fields = ("code", "name")


@admin.register(Node)
class NodeAdmin(ScopedReadOnlyAdmin):
    list_display = ("code", "title", "plan", "lead_unit", "due", "cancelled")
    list_filter = ("plan",)
    search_fields = ("code", "title")


@admin.register(Indicator)
class IndicatorAdmin(ScopedReadOnlyAdmin):
    list_display = ("name", "node", "target", "unit", "kind")
    list_filter = ("plan",)
    scope_plan = "plan__"


@admin.register(Report)
class ReportAdmin(ScopedReadOnlyAdmin):
    list_display = ("node", "period", "progress", "status")
    list_filter = ("status", "period")
    inlines = [ReportValueInline]


@admin.register(StatisticValue)
class StatisticValueAdmin(ScopedReadOnlyAdmin):
    """The statistics bureau's figures (统计数据); imported through the statistics ledger."""

    list_display = ("indicator", "period", "value", "plan")
    list_filter = ("plan", "period")
    scope_plan = "plan__"


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedReadOnlyAdmin):
    list_display = ("seq", "at", "actor", "action", "object_type", "object_id", "object_label", "plan_code")
    list_filter = ("action", "object_type")
    search_fields = ("object_label", "actor", "plan_code")

    def scope_q(self, scope: Scope, request: HttpRequest) -> Q | None:
        codes = Plan.objects.filter(scope.plan_q(VIEW)).values("code")
        return Q(plan_code__in=codes)
