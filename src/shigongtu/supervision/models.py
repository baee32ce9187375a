"""Supervision items (督办事项 / 整改任务) of a plan, their timeline, and the plan's settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shigongtu.orgs.access import Scope
from shigongtu.supervision.rules import lifecycle as lc
from shigongtu.supervision.rules.deadlines import DEFAULT_DAYS
from shigongtu.supervision.rules.lights import YELLOW_DAYS


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class ItemQuerySet(models.QuerySet["SupervisionItem"]):
    def for_user(self, user: Any, action: str = "view") -> ItemQuerySet:
        """Items the user may ``view`` (their plan), ``report`` on (reporters: items their unit
        leads; coordinators: every item of their plans) or ``manage`` (coordinators)."""
        return self.filter(Scope.of(user).node_q(action))


class SupervisionItem(models.Model):
    """One item followed until 销号 (督办事项): from higher levels, a leader's instruction (领导批示),
    a meeting decision (会议议定), inspection or audit feedback (督察反馈 / 审计 / 巡察), a satellite
    finding (遥感图斑) or a complaint (信访).

    ``deadline`` is the one in force (after an approved extension); ``original_deadline`` the
    one first given. ``node_due`` and ``feedback_due`` are kept from the time nodes and the
    report cycle so that lists can filter on the light in SQL. Coordinates are WGS84 degrees.
    """

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="supervision_items")
    code = models.CharField(_("编号"), max_length=60)
    title = models.CharField(_("事项名称"), max_length=500)
    source = models.CharField(_("来源"), max_length=10, choices=_choices(lc.SOURCES), default="其他")
    campaign = models.CharField(_("批次"), max_length=100, blank=True)
    doc_no = models.CharField(_("文号"), max_length=100, blank=True)
    clause = models.CharField(_("条款"), max_length=100, blank=True)
    original_text = models.TextField(_("原文"), blank=True)
    content = models.TextField(_("具体内容"), blank=True)
    target = models.TextField(_("整改目标"), blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    standard = models.TextField(_("完成标准"), blank=True)
    lead_unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("牵头单位"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="supervision_items")
    supporting_units = models.CharField(_("配合单位"), max_length=300, blank=True)
    leader = models.CharField(_("责任领导"), max_length=100, blank=True)
    contact = models.CharField(_("联系人"), max_length=100, blank=True)
    assigned_on = models.DateField(_("交办日期"), null=True, blank=True)
    deadline = models.DateField(_("整改时限"), null=True, blank=True)
    original_deadline = models.DateField(_("原定时限"), null=True, blank=True)
    long_term = models.BooleanField(_("长期坚持"), default=False)
    horizon = models.CharField(_("整改类型"), max_length=10, blank=True)
    report_cycle = models.CharField(_("报送周期"), max_length=10, blank=True)
    time_nodes = models.JSONField(_("时间节点"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=_choices(lc.STATES), default=lc.ASSIGNED)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    progress = models.TextField(_("整改进展"), blank=True)
    last_feedback_on = models.DateField(_("最近反馈"), null=True, blank=True)
    review_step = models.PositiveSmallIntegerField(default=0)  # review steps passed since 申请办结
    escalation = models.CharField(_("督办升级"), max_length=10, blank=True)
    lng = models.DecimalField(_("经度"), max_digits=11, decimal_places=7, null=True, blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=10, decimal_places=7, null=True, blank=True)
    area = models.DecimalField(_("面积（平方米）"), max_digits=14, decimal_places=2, null=True, blank=True)
    finding_type = models.CharField(_("图斑类型"), max_length=10, blank=True)
    verified_by = models.CharField(_("核查单位"), max_length=100, blank=True)
    verified_on = models.DateField(_("核查时间"), null=True, blank=True)
    verifier = models.CharField(_("核查人"), max_length=100, blank=True)
    verification_photo = models.CharField(_("核查照片"), max_length=300, blank=True)
    node = models.ForeignKey("plans.Node", verbose_name=_("服务节点"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="supervision_items")
    project = models.ForeignKey("projects.Project", verbose_name=_("关联项目"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="supervision_items")
    enterprise = models.CharField(_("关联企业"), max_length=200, blank=True)
    node_due = models.DateField(null=True, blank=True, editable=False)
    feedback_due = models.DateField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["plan", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="supervision_unique_code_in_plan")]
        indexes = [
            models.Index(fields=["plan", "status", "deadline"], name="supervision_plan_status"),
            models.Index(fields=["plan", "lead_unit"], name="supervision_plan_unit"),
            models.Index(fields=["plan", "source"], name="supervision_plan_source"),
            models.Index(fields=["plan", "campaign"], name="supervision_plan_campaign"),
            models.Index(fields=["plan", "deadline"], name="supervision_plan_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ItemEvent(models.Model):
    """One entry on an item's timeline (办理过程): assigned, acknowledged, progress, extension asked
    or decided, 申请办结, a review step, returned, 销号, verification, escalation (提醒/督办函/约谈)."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("交办")
        ACKNOWLEDGED = "acknowledged", _("签收")
        PROGRESS = "progress", _("进展反馈")
        EXTENSION_ASKED = "extension_asked", _("申请延期")
        EXTENSION_DECIDED = "extension_decided", _("延期审批")
        DONE = "done", _("申请办结")
        REVIEW = "review", _("销号审核")
        RETURNED = "returned", _("退回重办")
        CLOSED = "closed", _("销号")
        VERIFIED = "verified", _("实地核查")
        NO_ACTION = "no_action", _("无需整改")
        ESCALATED = "escalated", _("督办升级")
        IMPORTED = "imported", _("台账导入")

    item = models.ForeignKey(SupervisionItem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    on = models.DateField(_("日期"))
    text = models.TextField(_("说明"), blank=True)
    evidence = models.CharField(_("佐证材料"), max_length=500, blank=True)
    person = models.CharField(_("经办人"), max_length=100, blank=True)
    step = models.CharField(_("审核环节"), max_length=30, blank=True)
    new_deadline = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=10, blank=True)  # approved / rejected / pending
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["item", "on", "id"]
        indexes = [models.Index(fields=["item", "kind"], name="supervision_event_item_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class SupervisionSettings(models.Model):
    """A plan's supervision rules (督办规则): yellow days, default deadlines, the 销号 review steps."""

    plan = models.OneToOneField("plans.Plan", on_delete=models.CASCADE, related_name="supervision_settings")
    yellow_days = models.PositiveSmallIntegerField(_("临期预警天数"), default=YELLOW_DAYS)
    default_days = models.JSONField(_("默认办理时限（天）"), default=dict, blank=True)
    review_steps = models.JSONField(_("销号审核环节"), default=list, blank=True)

    class Meta:
        verbose_name = _("督办规则")
        verbose_name_plural = _("督办规则")

    def __str__(self) -> str:
        return f"督办规则 {self.plan_id}"

    @classmethod
    def for_plan(cls, plan: Any) -> SupervisionSettings:
        """The plan's settings, or the defaults (unsaved) when it has none."""
        found = cls.objects.filter(plan=plan).first()
        return found or cls(plan=plan, default_days=dict(DEFAULT_DAYS), review_steps=list(lc.DEFAULT_REVIEW_STEPS))

    @property
    def steps(self) -> tuple[str, ...]:
        return tuple(self.review_steps or lc.DEFAULT_REVIEW_STEPS)
