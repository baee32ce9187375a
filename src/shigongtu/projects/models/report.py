"""Monthly investment reports (月度投资调度) of key projects and their review chain."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shigongtu.projects.models.project import Project, ProjectChildQuerySet


class InvestmentReport(models.Model):
    """A project's report for one month: investment completed (本月完成投资, 调度口径, as the owner
    reports it), the statistics figure (统计口径) kept apart, funds arrived (本月到位资金), image
    progress (形象进度) and next steps.

    Review chain: the owner reports (业主已报), the lead unit reviews (责任单位已审), the
    coordination office accepts (调度办已核); either reviewer may return it (退回) with a reason,
    after which it is corrected and reported again. Submitted, unit-approved and accepted
    reports count in the totals; drafts and returned ones do not. One report per project and
    month; ``plan`` repeats the project's plan so that plan-wide sums read one index.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("业主已报")
        UNIT_APPROVED = "unit_approved", _("责任单位已审")
        ACCEPTED = "accepted", _("调度办已核")
        RETURNED = "returned", _("已退回")

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    period = models.CharField(_("填报月份"), max_length=7)
    amount = models.DecimalField(_("本月完成投资（万元）"), max_digits=18, decimal_places=4)
    stats_amount = models.DecimalField(_("统计口径完成投资（万元）"), max_digits=18, decimal_places=4, null=True,
                                       blank=True)
    funds_arrived = models.DecimalField(_("本月到位资金（万元）"), max_digits=18, decimal_places=4, null=True,
                                        blank=True)
    progress_text = models.TextField(_("形象进度"), blank=True)
    progress_pct = models.DecimalField(_("形象进度（%）"), max_digits=6, decimal_places=2, null=True, blank=True)
    next_steps = models.TextField(_("下一步计划"), blank=True)
    status = models.CharField(_("审核状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    return_reason = models.TextField(_("退回原因"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    unit_reviewed_at = models.DateTimeField(null=True, blank=True)
    unit_reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProjectChildQuerySet.as_manager()

    COUNTING = (Status.SUBMITTED, Status.UNIT_APPROVED, Status.ACCEPTED)

    class Meta:
        verbose_name = _("月度投资")
        verbose_name_plural = _("月度投资")
        ordering = ["project", "period"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="investment_unique_period"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="investment_amount_not_negative"),
        ]
        # covering the plan-wide monthly sums of the investment indicators
        indexes = [models.Index(fields=["plan", "period", "status", "amount", "stats_amount"],
                                name="investment_plan_period")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.period}"

    @property
    def counts(self) -> bool:
        return self.status in self.COUNTING


class InvestmentTotal(models.Model):
    """The plan-wide sum of one month's counting reports (projects not 调出), kept so that the zone's
    fixed-asset-investment indicator reads twelve rows instead of a million reports.

    A maintained cache: one report filed or reviewed adds its difference to its month (the
    counts tell an empty sum, None, from zero); bulk writes mark their months ``stale`` and bump
    ``version``; the next reader recomputes a stale month and stores it only if the version has
    not moved since it looked (see :mod:`shigongtu.projects.totals`).
    """

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=7)
    amount = models.DecimalField(max_digits=20, decimal_places=4, null=True)
    stats_amount = models.DecimalField(max_digits=20, decimal_places=4, null=True)
    reports = models.PositiveIntegerField(default=0)        # counting reports summed in ``amount``
    stats_reports = models.PositiveIntegerField(default=0)  # of those, with a 统计口径 figure
    stale = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "period"], name="investmenttotal_unique")]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.period}"
