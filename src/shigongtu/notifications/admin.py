"""Notifications in the back office: the rules and the send log scoped and read-only (they change
through the rules page, the API and the runs); a person's mobile for SMS (联系方式) is kept here."""

from django.contrib import admin

from shigongtu.notifications.models import Contact, Delivery, Notice, NotificationRule
from shigongtu.orgs.admin import ScopedAdmin, ScopedReadOnlyAdmin


@admin.register(NotificationRule)
class NotificationRuleAdmin(ScopedReadOnlyAdmin):
    list_display = ("plan", "kind", "days", "escalate_after", "enabled")
    list_filter = ("kind", "enabled")
    scope_plan = "plan__"


@admin.register(Notice)
class NoticeAdmin(ScopedReadOnlyAdmin):
    list_display = ("title", "recipient", "kind", "as_of", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "object_id")
    scope_plan = "plan__"


@admin.register(Delivery)
class DeliveryAdmin(ScopedReadOnlyAdmin):
    list_display = ("notice", "channel", "target", "status", "attempts", "sent_at", "error")
    list_filter = ("channel", "status")
    scope_plan = "notice__plan__"


@admin.register(Contact)
class ContactAdmin(ScopedAdmin):
    """Mobiles of the people within the operator's reach."""

    list_display = ("user", "mobile")
    search_fields = ("user__username", "mobile")
    scope_unit = "user__memberships__unit"
