"""Key projects (重点项目) of a plan, their stage history, approvals checklist and problems."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shigongtu.orgs.access import Scope
from shigongtu.projects.rules.approvals import APPROVAL_STATUSES, CLEARED, NOT_STARTED_ITEM
from shigongtu.projects.rules.lights import SEASONAL_CURVE, Rules
from shigongtu.projects.rules.stages import PLANNING, STAGES, STARTED


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


LEVELS = ("省重点", "市重点", "区重点", "一般")
NATURES = ("新建", "续建", "扩建", "改建", "迁建")
CATEGORIES = ("产业", "基础设施", "社会民生", "房地产", "其他")
YEAR_KINDS = ("新开工", "续建", "复工")


class ProjectQuerySet(models.QuerySet["Project"]):
    def for_user(self, user: Any, action: str = "view") -> ProjectQuerySet:
        """Projects the user may ``view``, ``report`` on or ``manage``.

        A project is scoped like a plan node: by its plan for viewing and managing, and for
        reporting by its lead unit (reporters report on projects their unit leads).
        """
        return self.filter(Scope.of(user).node_q(action))

    def of_visible_plan(self, plan: Any) -> ProjectQuerySet:
        """The projects of a plan already fetched through ``Plan.objects.for_user(user, "view")``.

        Viewing a project is viewing its plan, so this is ``for_user(user, "view")`` for that
        plan without joining the plan and unit tables again on every row (lists of 100,000).
        """
        return self.filter(plan=plan)


class ProjectChildQuerySet(models.QuerySet[Any]):
    """Records hanging off a project (reports, approvals, problems, bonds) share its scope."""

    def for_user(self, user: Any, action: str = "view") -> ProjectChildQuerySet:
        return self.filter(Scope.of(user).node_q(action, prefix="project__"))


class Project(models.Model):
    """A key project (重点项目) on a plan's project list: identity, responsibility, money, dates, stage.

    Amounts are 万元. Coordinates are stored in WGS84; ``crs`` keeps the system they were
    given in. ``ytd_investment`` / ``ytd_stats_investment`` / ``last_period`` are kept up to
    date from the counting monthly reports (本年累计, 调度口径 and 统计口径) so that lists can
    filter and sort on them.
    """

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="projects")
    code = models.CharField(_("项目编号"), max_length=50)
    name = models.CharField(_("项目名称"), max_length=200)
    national_code = models.CharField(_("项目代码"), max_length=24, blank=True)
    stats_code = models.CharField(_("纳统编码"), max_length=50, blank=True)
    level = models.CharField(_("项目级别"), max_length=10, choices=_choices(LEVELS), default="区重点")
    nature = models.CharField(_("建设性质"), max_length=10, choices=_choices(NATURES), default="新建")
    category = models.CharField(_("项目类型"), max_length=20, blank=True)
    industry = models.CharField(_("所属产业"), max_length=50, blank=True)
    owner = models.CharField(_("建设单位"), max_length=200, blank=True)
    owner_credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    location = models.CharField(_("建设地点"), max_length=300, blank=True)
    lng = models.DecimalField(_("经度"), max_digits=11, decimal_places=7, null=True, blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=10, decimal_places=7, null=True, blank=True)
    crs = models.CharField(_("原坐标系"), max_length=10, blank=True)
    content = models.TextField(_("建设内容及规模"), blank=True)
    total_investment = models.DecimalField(_("总投资（万元）"), max_digits=18, decimal_places=4, default=Decimal(0))
    annual_plan = models.DecimalField(_("年度计划投资（万元）"), max_digits=18, decimal_places=4, default=Decimal(0))
    annual_content = models.TextField(_("年度计划建设内容"), blank=True)
    planned_start = models.DateField(_("计划开工时间"), null=True, blank=True)
    planned_completion = models.DateField(_("计划竣工时间"), null=True, blank=True)
    actual_start = models.DateField(_("实际开工时间"), null=True, blank=True)
    actual_completion = models.DateField(_("实际竣工时间"), null=True, blank=True)
    resumed_on = models.DateField(_("复工日期"), null=True, blank=True,
                                  help_text=_("续建项目本年度复工的日期（开复工统计）"))
    stage = models.CharField(_("项目阶段"), max_length=10, choices=_choices(STAGES), default=PLANNING)
    in_statistics = models.BooleanField(_("是否入统"), default=False)
    statistics_date = models.DateField(_("入统日期"), null=True, blank=True)
    leader = models.CharField(_("包保领导"), max_length=100, blank=True)
    lead_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="led_projects",
    )
    task_force = models.CharField(_("项目专班"), max_length=200, blank=True)
    nodes = models.ManyToManyField("plans.Node", verbose_name=_("服务节点"), blank=True, related_name="projects")
    year_kind = models.CharField(_("开工类型"), max_length=10, choices=_choices(YEAR_KINDS), blank=True)
    spring_start = models.BooleanField(_("春季开工"), default=False)
    ytd_investment = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0), editable=False)
    ytd_stats_investment = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0), editable=False)
    last_period = models.CharField(max_length=7, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("重点项目")
        verbose_name_plural = _("重点项目")
        ordering = ["plan", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="project_unique_code_in_plan"),
            models.CheckConstraint(condition=models.Q(total_investment__gte=0), name="project_total_not_negative"),
            models.CheckConstraint(condition=models.Q(annual_plan__gte=0), name="project_annual_not_negative"),
        ]
        indexes = [
            models.Index(fields=["plan", "stage", "total_investment"], name="project_plan_stage_total"),
            models.Index(fields=["plan", "total_investment"], name="project_plan_total"),
            models.Index(fields=["plan", "ytd_investment"], name="project_plan_ytd"),
            models.Index(fields=["plan", "industry"], name="project_plan_industry"),
            models.Index(fields=["plan", "lead_unit"], name="project_plan_unit"),
            # covering the start and completion counts of the indicator sources
            models.Index(fields=["plan", "actual_start", "stage", "total_investment"], name="project_plan_started"),
            models.Index(fields=["plan", "planned_start"], name="project_plan_planned"),
            models.Index(fields=["plan", "actual_completion", "stage", "total_investment"],
                         name="project_plan_completed"),
            # covering the list's filters (equality ones first, then the warning-light and text-search columns),
            # so counting a filtered page of 100,000 projects reads this index and never the rows
            models.Index(fields=["plan", "stage", "industry", "level", "nature", "lead_unit", "planned_start",
                                 "actual_start", "total_investment", "in_statistics", "statistics_date", "annual_plan",
                                 "ytd_investment", "name", "code", "owner"], name="project_plan_filters"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_started(self) -> bool:
        return self.actual_start is not None or self.stage in STARTED

    def started_in_year(self, year: int) -> bool:
        return self.actual_start is not None and self.actual_start.year == year


class ProjectSettings(models.Model):
    """A plan's project warning thresholds (预警规则); a plan without a row uses the defaults."""

    plan = models.OneToOneField("plans.Plan", on_delete=models.CASCADE, related_name="project_settings")
    stats_threshold = models.DecimalField(_("入库门槛（万元）"), max_digits=12, decimal_places=2, default=Decimal(500))
    stats_yellow_months = models.PositiveSmallIntegerField(_("开工后几个月未入库黄灯"), default=1)
    stats_red_months = models.PositiveSmallIntegerField(_("开工后几个月未入库红灯"), default=2)
    unstarted_red_months = models.PositiveSmallIntegerField(_("逾期几个月未开工红灯"), default=3)
    invest_yellow = models.DecimalField(_("投资滞后黄灯（百分点）"), max_digits=5, decimal_places=2,
                                        default=Decimal(10))
    invest_red = models.DecimalField(_("投资滞后红灯（百分点）"), max_digits=5, decimal_places=2, default=Decimal(30))
    idle_yellow_days = models.PositiveSmallIntegerField(_("资金闲置黄灯（天）"), default=30)
    idle_red_days = models.PositiveSmallIntegerField(_("资金闲置红灯（天）"), default=90)
    spend_months = models.PositiveSmallIntegerField(_("债券资金支出期限（月）"), default=12)
    spend_yellow = models.DecimalField(_("支出滞后黄灯（百分点）"), max_digits=5, decimal_places=2, default=Decimal(10))
    spend_red = models.DecimalField(_("支出滞后红灯（百分点）"), max_digits=5, decimal_places=2, default=Decimal(20))
    curve = models.JSONField(_("投资分月计划"), null=True, blank=True)

    class Meta:
        verbose_name = _("项目预警规则")
        verbose_name_plural = _("项目预警规则")

    def __str__(self) -> str:
        return f"{self.plan_id} 项目预警规则"

    def to_rules(self) -> Rules:
        return Rules(
            stats_threshold=self.stats_threshold, stats_yellow_months=self.stats_yellow_months,
            stats_red_months=self.stats_red_months, unstarted_red_months=self.unstarted_red_months,
            invest_yellow=float(self.invest_yellow), invest_red=float(self.invest_red),
            idle_yellow_days=self.idle_yellow_days, idle_red_days=self.idle_red_days,
            spend_months=self.spend_months, spend_yellow=float(self.spend_yellow), spend_red=float(self.spend_red),
            curve=tuple(float(c) for c in self.curve) if self.curve else SEASONAL_CURVE,
        )

    @classmethod
    def rules_for(cls, plan: Any) -> Rules:
        """The plan's rules: its own row, else the defaults with the seasonal investment curve."""
        row = cls.objects.filter(plan=plan).first()
        return row.to_rules() if row else Rules(curve=SEASONAL_CURVE)


class StageChange(models.Model):
    """One move of a project through its lifecycle (阶段变更), with the date it took effect.

    ``flags`` records what was irregular about it, e.g. a start without all required approvals
    (未取得全部前期手续即开工): allowed, but shown.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("原阶段"), max_length=10, blank=True)
    to_stage = models.CharField(_("新阶段"), max_length=10)
    effective = models.DateField(_("生效日期"))
    note = models.TextField(_("说明"), blank=True)
    flags = models.JSONField(default=list, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("阶段变更")
        verbose_name_plural = _("阶段变更")
        ordering = ["project", "effective", "id"]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_stage or '—'} → {self.to_stage}"


class ApprovalItem(models.Model):
    """One line of a project's preparatory approvals checklist (前期手续): 立项, 用地, 规划, 环评, 施工许可…"""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(_("手续类型"), max_length=30)
    required = models.BooleanField(_("必需"), default=True)
    status = models.CharField(_("办理状态"), max_length=10, choices=_choices(APPROVAL_STATUSES),
                              default=NOT_STARTED_ITEM)
    doc_no = models.CharField(_("批复文号"), max_length=100, blank=True)
    issued_on = models.DateField(_("批复日期"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    planned_by = models.DateField(_("计划完成日期"), null=True, blank=True)
    handling_unit = models.CharField(_("经办部门"), max_length=100, blank=True)
    sort = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("前期手续")
        verbose_name_plural = _("前期手续")
        ordering = ["project", "sort", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="approval_unique_kind")]

    def __str__(self) -> str:
        return f"{self.kind}：{self.status}"

    @property
    def cleared(self) -> bool:
        return self.status in CLEARED

    def expires_within(self, as_of: dt.date, days: int) -> bool:
        return self.valid_until is not None and as_of <= self.valid_until <= as_of + dt.timedelta(days=days)


PROBLEM_STATUSES = ("待协调", "协调中", "已解决", "挂起")
PROBLEM_KINDS = ("前期手续", "用地", "资金", "拆迁", "规划", "要素保障", "施工", "其他")


class ProjectProblem(models.Model):
    """A problem holding a project back (存在问题), tracked to its resolution; 办结率 counts these."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="problems")
    raised_period = models.CharField(_("提出月份"), max_length=7, blank=True)
    title = models.CharField(_("问题"), max_length=300)
    kind = models.CharField(_("问题类型"), max_length=20, default="其他")
    needs_coordination = models.BooleanField(_("需协调解决"), default=False)
    responsible_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(_("解决时限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=_choices(PROBLEM_STATUSES), default="待协调")
    resolution = models.TextField(_("解决情况"), blank=True)
    resolved_on = models.DateField(_("解决日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目问题")
        verbose_name_plural = _("项目问题")
        ordering = ["project", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status not in ("已解决",)

    def overdue(self, as_of: dt.date) -> bool:
        return self.is_open and self.deadline is not None and as_of > self.deadline
