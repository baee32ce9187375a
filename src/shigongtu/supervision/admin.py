"""督办/整改 in the back office, scoped like the pages and read-only: items change through the
services and the supervision ledger, the rules (督办规则) on the plan settings page."""

from django.contrib import admin

from shigongtu.orgs.admin import ScopedReadOnlyAdmin
from shigongtu.supervision.models import ItemEvent, SupervisionItem, SupervisionSettings
from shigongtu.utilities.admin import ReadOnlyInline


class EventInline(ReadOnlyInline):
    model = ItemEvent


@admin.register(SupervisionItem)
class SupervisionItemAdmin(ScopedReadOnlyAdmin):
    list_display = ("code", "title", "plan", "source", "status", "deadline", "closed_on", "lead_unit")
    list_filter = ("plan", "source", "status")
    search_fields = ("code", "title", "campaign")
    inlines = [EventInline]


@admin.register(SupervisionSettings)
class SupervisionSettingsAdmin(ScopedReadOnlyAdmin):
    list_display = ("plan", "yellow_days")
    scope_plan = "plan__"
