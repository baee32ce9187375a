"""Notification rules of a plan (提醒规则), the notices they raise (站内提醒) and the send log (发送记录)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shigongtu.notifications.rules import kinds as K
from shigongtu.orgs.access import Scope


class RuleQuerySet(models.QuerySet["NotificationRule"]):
    def for_user(self, user: Any, action: str = "view") -> RuleQuerySet:
        """Rules of the plans the user may ``view``; ``manage`` for the plan's coordinators."""
        return self.filter(Scope.of(user).plan_q(action, "plan__"))


class NotificationRule(models.Model):
    """One reminder a plan sends (提醒规则): what raises it (``kind``), to whom (roles in the
    object's responsible unit, or in a fixed unit), on which channels, and the kind's days
    (a report due in N days; a 督办 item escalated to its 责任领导 after M days overdue)."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="notification_rules")
    kind = models.CharField(_("提醒类型"), max_length=30, choices=[(k, _(v)) for k, v in K.LABELS.items()])
    days = models.PositiveSmallIntegerField(_("提前天数"), default=0)
    escalate_after = models.PositiveSmallIntegerField(_("逾期升级天数"), null=True, blank=True)
    roles = models.JSONField(_("接收角色"), default=list)
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("接收单位"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    channels = models.JSONField(_("发送渠道"), default=list)
    enabled = models.BooleanField(_("启用"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("提醒规则")
        verbose_name_plural = _("提醒规则")
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return f"{self.plan_id} {K.LABELS.get(self.kind, self.kind)}"


class NoticeQuerySet(models.QuerySet["Notice"]):
    def for_user(self, user: Any, action: str = "view") -> NoticeQuerySet:
        """A person's own notices; a plan's coordinators see every notice of the plan (send log)."""
        if action == "view":
            return self.filter(recipient_id=getattr(user, "pk", None))
        return self.filter(Scope.of(user).plan_q(action, "plan__"))


class Notice(models.Model):
    """One notice to one person (站内提醒): it is in the inbox whatever else is sent.

    ``dedupe_key`` names rule, object, recipient and period, so a second run raises nothing twice;
    ``topic`` is the same without the recipient (a group robot says it once for everyone)."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="notices")
    rule = models.ForeignKey(NotificationRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices")
    kind = models.CharField(_("提醒类型"), max_length=30)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    object_type = models.CharField(_("对象类型"), max_length=30)
    object_id = models.CharField(_("对象"), max_length=60)
    unit_name = models.CharField(_("责任单位"), max_length=100, blank=True)
    title = models.CharField(_("标题"), max_length=300)
    title_en = models.CharField(max_length=300, blank=True)
    body = models.TextField(_("内容"), blank=True)
    body_en = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    escalated = models.BooleanField(_("升级提醒"), default=False)
    topic = models.CharField(max_length=200)
    dedupe_key = models.CharField(max_length=255, unique=True)
    as_of = models.DateField(_("提醒日期"))
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_recipient_unread"),
                   models.Index(fields=["plan", "created_at"], name="notice_plan_created")]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One notice on one channel (发送记录): where it went, when, and how it ended.

    A failed send is retried with back-off until ``NOTIFY_MAX_ATTEMPTS``; ``target`` names the
    address or group, never a secret (webhook keys stay in the settings)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=20)
    target = models.CharField(_("发送对象"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=[(k, _(v)) for k, v in K.STATUS_LABELS.items()],
                              default=K.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    digest = models.BooleanField(_("合并发送"), default=False)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["notice", "channel"], name="delivery_once_per_channel")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.channel} {self.target} {self.status}"


class Contact(models.Model):
    """Where a person is reached outside the site (联系方式): a mobile number for SMS."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_contact")
    mobile = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("联系方式")
        verbose_name_plural = _("联系方式")

    def __str__(self) -> str:
        return f"{self.user} {self.mobile}"
