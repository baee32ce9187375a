"""Organisations and people in the back office: memberships (roles) are read-only here."""

from django.contrib import admin

from shigongtu.orgs.models import Membership, OrgUnit
from shigongtu.utilities.admin import ReadOnlyAdmin


@admin.register(OrgUnit)
class OrgUnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "parent")
    search_fields = ("name",)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "unit", "role")
    list_filter = ("role",)
