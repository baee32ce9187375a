"""The enterprise registry in the back office, scoped like the pages: enterprises, their tiers and
year figures are read-only (the services and the enterprises ledger record the history); the
eligibility thresholds (认定条件), which belong to no unit, are edited here by superusers."""

from django.contrib import admin

from shigongtu.enterprises.models import Enterprise, TierRecord, TierRule, YearFigures
from shigongtu.orgs.admin import ScopedAdmin, ScopedReadOnlyAdmin
from shigongtu.utilities.admin import ReadOnlyInline


class TierInline(ReadOnlyInline):
    model = TierRecord


class YearInline(ReadOnlyInline):
    model = YearFigures


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedReadOnlyAdmin):
    list_display = ("credit_code", "name", "unit", "industry", "above_scale", "leader")
    search_fields = ("credit_code", "name")
    inlines = [TierInline, YearInline]


@admin.register(TierRule)
class TierRuleAdmin(ScopedAdmin):
    list_display = ("tier", "code", "label", "metric", "op", "value", "band_min", "band_max", "active")
    list_filter = ("tier", "active")
    list_editable = ("value", "active")
