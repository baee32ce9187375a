"""The back office's shared pieces: its branding, and a read-only admin for audited models.

Figures that carry a change history (plans, tasks, indicators, reports, projects, investment,
bonds, memberships) are changed only through the services, which validate, re-check scope and
record old → new; the back office shows them but cannot write them around the history.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def brand(site: admin.AdminSite) -> None:
    """施工图 on the back office's header, title and index."""
    site.site_header = _("施工图 管理后台")
    site.site_title = _("施工图")
    site.index_title = _("后台（只读：数字只通过页面、接口和台账修改，以留下变更记录）")


class ReadOnlyAdmin(admin.ModelAdmin):
    """An audited model in the back office: listed and shown, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
