"""The change history in the back office: read-only, like the table itself."""

from django.contrib import admin

from shigongtu.audit.models import AuditEntry
from shigongtu.utilities.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "actor", "action", "object_type", "object_id", "object_label", "plan_code")
    list_filter = ("action", "object_type")
    search_fields = ("object_label", "actor", "plan_code")
