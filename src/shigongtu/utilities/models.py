"""Long work run in the background (后台任务) and what the page that started it shows of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """One piece of long work put on the background queue (后台任务): a large ledger's check or
    import, a month's bulletin. The page that started it polls it for progress and, once it is
    done, links to its result; a failure keeps its message for the person who started it.

    ``unit`` is the org unit whose plan the work belongs to (its scope); ``payload`` holds an
    uploaded file only until the task has read it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=40)
    title = models.CharField(_("名称"), max_length=200)
    title_en = models.CharField(max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)  # 0: not known (yet)
    message = models.CharField(_("进展"), max_length=300, blank=True)
    message_en = models.CharField(max_length=300, blank=True)
    result_url = models.CharField(_("结果"), max_length=500, blank=True)
    result_label = models.CharField(max_length=100, blank=True)
    result_label_en = models.CharField(max_length=100, blank=True)
    error = models.TextField(_("错误"), blank=True)
    error_en = models.TextField(blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("单位"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    params = models.JSONField(default=dict)
    payload = models.BinaryField(default=b"", editable=False)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
