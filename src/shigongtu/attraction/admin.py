"""招商 leads in the back office, scoped like the pages and read-only: leads change through the
services and the leads ledger, the timers (招商时限) on the plan settings page."""

from django.contrib import admin

from shigongtu.attraction.models import FundArrival, Lead, LeadEvent, LeadSettings
from shigongtu.orgs.admin import ScopedReadOnlyAdmin
from shigongtu.utilities.admin import ReadOnlyInline


class FundInline(ReadOnlyInline):
    model = FundArrival


class EventInline(ReadOnlyInline):
    model = LeadEvent


@admin.register(Lead)
class LeadAdmin(ScopedReadOnlyAdmin):
    list_display = ("code", "name", "plan", "stage", "investment", "funds", "mode", "lead_unit")
    list_filter = ("plan", "stage", "mode")
    search_fields = ("code", "name", "investor")
    inlines = [FundInline, EventInline]


@admin.register(LeadSettings)
class LeadSettingsAdmin(ScopedReadOnlyAdmin):
    list_display = ("plan", "answer_days", "assess_days", "feedback_days", "progress_days", "stall_months")
    scope_plan = "plan__"
