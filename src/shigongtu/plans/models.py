"""The blueprint (施工图): plans, their node trees, indicators and monthly reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shigongtu.orgs.access import Scope


def code_sort_key(code: str) -> str:
    """A text key that sorts dotted codes naturally (1.2 < 1.10) in SQL."""
    return ".".join(part.zfill(6) if part.isdigit() else part for part in code.split("."))


class PlanQuerySet(models.QuerySet["Plan"]):
    def for_user(self, user: Any, action: str = "view") -> PlanQuerySet:
        return self.filter(Scope.of(user).plan_q(action))


class Plan(models.Model):
    """A year's blueprint for one org unit (总施工图 when it is the zone's master plan)."""

    # Its for_user is Scope.plan_q on ``unit``: orgs.access decides a loaded plan without a query.
    scope_by_plan_unit = True

    class Status(models.TextChoices):
        DRAFT = "draft", _("起草")
        PUBLISHED = "published", _("已印发")
        CLOSED = "closed", _("已关闭")

    code = models.CharField(_("编号"), max_length=50, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    start = models.DateField(_("开始日期"), null=True, blank=True)
    end = models.DateField(_("结束日期"), null=True, blank=True)
    yellow_threshold = models.DecimalField(_("黄灯阈值（百分点）"), max_digits=5, decimal_places=2, default=Decimal(10))
    red_threshold = models.DecimalField(_("红灯阈值（百分点）"), max_digits=5, decimal_places=2, default=Decimal(20))
    report_deadline_day = models.PositiveSmallIntegerField(
        _("月报截止日"), default=5, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    default_as_of = models.DateField(
        _("默认截止日期"), null=True, blank=True,
        help_text=_("页面、驾驶舱和通报默认展示的日期；留空则为最近一个已结束月份的月底"),
    )
    issuing_office = models.CharField(
        _("发文机关"), max_length=100, blank=True, help_text=_("调度通报的发文机关，如 净月高新区重点工作推进办公室")
    )
    copy_to = models.CharField(_("抄送"), max_length=300, blank=True, help_text=_("调度通报的抄送机关，以顿号分隔"))
    revision = models.PositiveIntegerField(default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("施工图")
        verbose_name_plural = _("施工图")
        ordering = ["-year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(yellow_threshold__gte=0) & models.Q(red_threshold__gte=models.F("yellow_threshold")),
                name="plan_thresholds_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def start_date(self) -> dt.date:
        return self.start or dt.date(self.year, 1, 1)

    @property
    def end_date(self) -> dt.date:
        return self.end or dt.date(self.year, 12, 31)

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class NodeQuerySet(models.QuerySet["Node"]):
    def for_user(self, user: Any, action: str = "view") -> NodeQuerySet:
        return self.filter(Scope.of(user).node_q(action))


class Node(models.Model):
    """A front (战线), task, sub-task or milestone of a plan, addressed by a dotted code."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="nodes")
    code = models.CharField(_("编号"), max_length=60)
    sort_key = models.CharField(max_length=200, editable=False, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    title = models.CharField(_("任务名称"), max_length=300)
    lead_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("牵头单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="led_nodes",
    )
    supporting_units = models.ManyToManyField(
        "orgs.OrgUnit", verbose_name=_("配合单位"), blank=True, related_name="supported_nodes"
    )
    leader = models.CharField(_("责任领导"), max_length=100, blank=True)
    start = models.DateField(_("开始时间"), null=True, blank=True)
    due = models.DateField(_("完成时限"), null=True, blank=True)
    weight = models.DecimalField(
        _("权重"), max_digits=10, decimal_places=4, default=Decimal(1), validators=[MinValueValidator(Decimal(0))]
    )
    cancelled = models.BooleanField(_("已取消"), default=False)

    class ProgressSource(models.TextChoices):
        """Where a leaf's progress comes from (进度来源) — contract §2."""

        REPORTS = "reports", pgettext_lazy("progress source", "填报")
        INDICATOR = "indicator", _("指标")
        PROJECTS = "projects", _("项目")

    progress_source = models.CharField(
        _("进度来源"), max_length=10, choices=ProgressSource.choices, default=ProgressSource.REPORTS
    )
    notes = models.TextField(_("备注"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = NodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务节点")
        verbose_name_plural = _("任务节点")
        ordering = ["plan", "sort_key"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="node_unique_code_in_plan")]
        # a subtree in tree order is one range of it: the report list walks it a page at a time
        indexes = [models.Index(fields=["plan", "sort_key"], name="node_plan_sort_key")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sort_key = code_sort_key(self.code)
        self.depth = self.code.count(".")
        super().save(*args, **kwargs)

    @property
    def parent_code(self) -> str | None:
        return self.code.rsplit(".", 1)[0] if "." in self.code else None


class Indicator(models.Model):
    """A measurable target on a node (指标): kind (流量/存量/增速), annual target, baseline
    (基数, 上年末), unit, plan curve (分月计划) and due date (完成时限) — contract §2."""

    class Kind(models.TextChoices):
        FLOW = "flow", _("流量")
        STOCK = "stock", _("存量")
        RATE = "rate", _("增速/比率")

    class Source(models.TextChoices):
        REPORTS = "reports", _("月报填报")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("指标名称"), max_length=100)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    kind = models.CharField(_("指标类型"), max_length=10, choices=Kind.choices, default=Kind.FLOW)
    target = models.DecimalField(_("目标值"), max_digits=20, decimal_places=4)
    baseline = models.DecimalField(_("基数"), max_digits=20, decimal_places=4, default=Decimal(0))
    due = models.DateField(_("指标完成时限"), null=True, blank=True)
    cumulative = models.BooleanField(
        _("累计值"), default=False, help_text=_("各期数值为年初至本期的累计数（1–N月累计）")
    )
    curve = models.JSONField(_("分月计划"), null=True, blank=True)
    source = models.CharField(_("数据来源"), max_length=40, default=Source.REPORTS)
    source_options = models.JSONField(default=dict, blank=True)
    headline = models.BooleanField(_("驾驶舱展示"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["plan", "node__sort_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="indicator_unique_name_in_plan"),
            models.CheckConstraint(condition=models.Q(target__gt=0) | models.Q(kind="stock"),
                                   name="indicator_target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name


class ReportQuerySet(models.QuerySet["Report"]):
    def for_user(self, user: Any, action: str = "view") -> ReportQuerySet:
        return self.filter(Scope.of(user).node_q(action, prefix="node__"))


class Report(models.Model):
    """A node's monthly progress report (月报): progress, narrative, problems, next steps, indicator values."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        APPROVED = "approved", _("已审核")
        RETURNED = "returned", _("已退回")

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="reports")
    period = models.CharField(_("填报月份"), max_length=7, db_index=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    progress = models.DecimalField(
        _("进度"), max_digits=7, decimal_places=3,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    narrative = models.TextField(_("本月进展"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下步计划"), blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    submitted_seq = models.PositiveBigIntegerField(default=0, db_index=True, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("月报")
        verbose_name_plural = _("月报")
        ordering = ["node", "period", "submitted_seq", "id"]
        indexes = [models.Index(fields=["node", "period"]),
                   # the review queue and its badge: the few reports waiting, without reading the others
                   models.Index(fields=["node"], condition=models.Q(status="submitted"), name="report_waiting_review")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0) & models.Q(progress__lte=100), name="report_progress_0_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.node.code} {self.period}"

    @property
    def counts(self) -> bool:
        """Whether this report enters the roll-up (submitted or approved)."""
        return self.status in (self.Status.SUBMITTED, self.Status.APPROVED)


class ReportValue(models.Model):
    """A report's value for one indicator in its period (本期值)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(max_digits=20, decimal_places=4)

    class Meta:
        verbose_name = _("指标填报值")
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="reportvalue_unique")]

    def __str__(self) -> str:
        return f"{self.indicator.name}={self.value}"


class StatisticValue(models.Model):
    """The statistics bureau's figure for an indicator and a month (统计数据, 统计口径).

    ``value`` is in the indicator's unit — for a ``cumulative`` indicator the year-to-date
    total (1–N月累计); ``yoy`` the published 同比增长 in %. It replaces a reported value of
    the same indicator and period: the bureau's number is the one a zone is judged by.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="statistics")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="statistics")
    period = models.CharField(_("统计期"), max_length=7)
    value = models.DecimalField(_("本期值"), max_digits=20, decimal_places=4)
    yoy = models.DecimalField(_("同比增长"), max_digits=9, decimal_places=2, null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("统计数据")
        verbose_name_plural = _("统计数据")
        ordering = ["indicator", "period"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="statistic_unique_period")]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.period}={self.value}"


class RollupDelta(models.Model):
    """A journal of what changed at each plan revision, so cached roll-ups update incrementally.

    ``node_id`` set: only that leaf's reports changed. Null with ``projects``: only the project
    library's data changed (projects, investment, approvals, bonds) — of the one project
    ``project_id`` names, or of any when it is null; ``aspect`` ``investment`` narrows that to the
    projects' monthly investment reports. Null without ``projects`` but with an ``aspect`` naming a
    record type beside the blueprint (``supervision``, ``attraction``, ``enterprises``): only that
    record type changed (it feeds nothing but the indicators drawn from it). Otherwise anything
    else (structure, indicators, settings) changed and caches rebuild in full.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    revision = models.PositiveIntegerField()
    node_id = models.BigIntegerField(null=True)
    projects = models.BooleanField(default=False)
    project_id = models.BigIntegerField(null=True)
    aspect = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["plan", "revision"])]

    def __str__(self) -> str:
        return f"{self.plan_id}@{self.revision}:{self.node_id}"
