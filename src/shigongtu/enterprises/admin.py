"""Back-office views of the enterprise registry; the eligibility thresholds are edited here."""

from django.contrib import admin

from shigongtu.enterprises.models import Enterprise, TierRecord, TierRule, YearFigures


class TierInline(admin.TabularInline):
    model = TierRecord
    extra = 0


class YearInline(admin.TabularInline):
    model = YearFigures
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("credit_code", "name", "unit", "industry", "above_scale", "leader")
    search_fields = ("credit_code", "name")
    readonly_fields = ("version",)
    inlines = [TierInline, YearInline]


@admin.register(TierRule)
class TierRuleAdmin(admin.ModelAdmin):
    list_display = ("tier", "code", "label", "metric", "op", "value", "band_min", "band_max", "active")
    list_filter = ("tier", "active")
    list_editable = ("value", "active")
