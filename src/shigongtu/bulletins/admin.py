"""Issued bulletins (调度通报) in the back office, scoped like the pages and read-only: an issued
bulletin is kept byte for byte; a correction is issued as a new one."""

from django.contrib import admin

from shigongtu.bulletins.models import Bulletin
from shigongtu.orgs.admin import ScopedReadOnlyAdmin


@admin.register(Bulletin)
class BulletinAdmin(ScopedReadOnlyAdmin):
    list_display = ("plan", "year", "number", "period", "title", "status", "doc_date", "issued_by")
    list_filter = ("plan", "status", "year")
    exclude = ("docx", "xlsx", "pdf", "content")
