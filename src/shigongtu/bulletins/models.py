"""Issued dispatch bulletins (调度通报), archived exactly as issued."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shigongtu.orgs.access import Scope


class BulletinQuerySet(models.QuerySet["Bulletin"]):
    def for_user(self, user: Any, action: str = "view") -> BulletinQuerySet:
        """Bulletins of the plans the user may ``view`` (read, download) or ``manage`` (issue)."""
        return self.filter(Scope.of(user).plan_q(action, prefix="plan__"))


class Bulletin(models.Model):
    """A monthly dispatch bulletin (调度通报) of a plan, as issued (印发).

    A draft is not stored: it is rendered live from the current data. Issuing assigns the
    next number of the plan's year (第N期), snapshots the content (every figure, as JSON) and
    stores the rendered Word, Excel and PDF files, so a download later is byte for byte what
    was issued and no later data change alters it. A period is issued once; a correction
    (更正) is a new bulletin with a new number that ``corrects`` the earlier one, which is then
    marked superseded (已更正).
    """

    class Status(models.TextChoices):
        ISSUED = "issued", _("已印发")
        SUPERSEDED = "superseded", _("已更正")

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="bulletins")
    period = models.CharField(_("通报月份"), max_length=7)
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("期号"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.ISSUED)
    corrects = models.OneToOneField("self", verbose_name=_("更正的通报"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="corrected_by")
    title = models.CharField(_("标题"), max_length=300)
    issuer = models.CharField(_("印发单位"), max_length=200)
    doc_date = models.DateField(_("印发日期"))
    content = models.JSONField(_("内容快照"))
    docx = models.BinaryField(_("Word 文件"))
    xlsx = models.BinaryField(_("Excel 文件"))
    pdf = models.BinaryField(_("PDF 文件"), null=True, blank=True)
    digests = models.JSONField(_("文件摘要"), default=dict)
    # The change history's head (sequence number and fingerprint) when it was issued, printed on
    # every file so a reader can check it later against `audit verify --anchors`.
    history_seq = models.PositiveIntegerField(_("变更记录序号"), null=True, blank=True)
    history_fingerprint = models.CharField(_("变更记录指纹"), max_length=64, blank=True)
    issued_at = models.DateTimeField(_("印发时间"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    objects = BulletinQuerySet.as_manager()

    class Meta:
        verbose_name = _("调度通报")
        verbose_name_plural = _("调度通报")
        ordering = ["plan", "-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "number"], name="bulletin_unique_number"),
            models.UniqueConstraint(fields=["plan", "period"], condition=models.Q(status="issued"),
                                    name="bulletin_one_current_per_period"),
        ]
        indexes = [models.Index(fields=["plan", "period"], name="bulletin_plan_period")]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.year}年第{self.number}期"

    @property
    def number_label(self) -> str:
        return f"第{self.number}期"

    def file(self, fmt: str) -> bytes | None:
        """The stored file in ``fmt`` (docx, xlsx, pdf) as issued; None when not stored."""
        raw = getattr(self, fmt)
        return bytes(raw) if raw is not None else None
