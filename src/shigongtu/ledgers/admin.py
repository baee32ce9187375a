"""Ledger imports and column mappings in the back office, scoped like the pages and read-only:
an import is a record of what happened, a mapping is saved from the import preview."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q
from django.http import HttpRequest

from shigongtu.ledgers.models import ColumnMapping, ImportRecord
from shigongtu.orgs.access import VIEW, Scope
from shigongtu.orgs.admin import ScopedReadOnlyAdmin


@admin.register(ImportRecord)
class ImportRecordAdmin(ScopedReadOnlyAdmin):
    list_display = ("at", "kind", "filename", "plan", "user", "ok", "applied", "created", "updated", "error_count")
    list_filter = ("kind", "ok", "applied")
    exclude = ("content",)

    def scope_q(self, scope: Scope, request: HttpRequest) -> Q | None:
        # an import without a plan (a projects ledger of a unit) is its uploader's
        return scope.plan_q(VIEW, "plan__") | Q(user_id=request.user.pk)


@admin.register(ColumnMapping)
class ColumnMappingAdmin(ScopedReadOnlyAdmin):
    list_display = ("name", "kind", "unit", "updated_by", "updated_at")
    list_filter = ("kind",)
    scope_unit = "unit"
