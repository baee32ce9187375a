"""The history of ledger imports: who uploaded which file, what it changed, and the file itself."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRecord(models.Model):
    """One upload of a ledger (台账导入记录), kept with its file and its result."""

    kind = models.CharField(_("台账类型"), max_length=30)
    plan = models.ForeignKey("plans.Plan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    filename = models.CharField(_("文件名"), max_length=255)
    content = models.BinaryField(_("文件"))
    dry_run = models.BooleanField(_("仅预览"), default=False)
    ok = models.BooleanField(_("成功"), default=False)
    applied = models.BooleanField(_("已写入"), default=False)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("台账导入记录")
        verbose_name_plural = _("台账导入记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} {self.at:%Y-%m-%d %H:%M}"


class ColumnMapping(models.Model):
    """A unit's way of reading its own sheet (列对照): for one ledger kind, which of the unit's
    headers means which column (or nothing). Saved from the preview, applied to the unit's
    next upload of that kind, and named so that the API and the CLI can ask for it."""

    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("台账类型"), max_length=30)
    name = models.CharField(_("名称"), max_length=60, default="默认")
    # normalised header → canonical column name, or "" for a column to ignore
    mapping = models.JSONField(default=dict)
    headers = models.JSONField(default=dict)  # normalised header → the header as the unit writes it
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("列对照")
        verbose_name_plural = _("列对照")
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["unit", "kind", "name"], name="ledgers_mapping_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"
