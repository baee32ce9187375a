"""Leads of the attraction pipeline (招商项目), their fund arrivals, timeline and the plan's SLA settings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shigongtu.attraction.rules import sla
from shigongtu.attraction.rules.stages import SIGNING_KINDS, STAGES
from shigongtu.orgs.access import Scope

MODES = ("叩门招商", "产业链招商", "以商招商", "联合招商", "展会招商", "其他")
REGIONS = ("市外省内", "省外", "境外")
ORIGINS = ("区内", "市内", "市外省内", "省外", "境外")


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


def _money(label: Any) -> models.DecimalField[Any, Any]:
    return models.DecimalField(label, max_digits=18, decimal_places=4, default=Decimal(0))


class LeadQuerySet(models.QuerySet["Lead"]):
    def for_user(self, user: Any, action: str = "view") -> LeadQuerySet:
        """Leads the user may ``view``, ``report`` on (their unit leads it) or ``manage`` — scoped like a node."""
        return self.filter(Scope.of(user).node_q(action))


class Lead(models.Model):
    """A lead of the attraction pipeline (招商项目): who invests, how it was attracted, its stages and money.

    Amounts are 万元, except ``fdi_usd`` (实际利用外资) which is its own currency, 万美元. ``stage``
    is the declared stage (台账的「阶段」); the stage at a date comes from the stage dates
    (:func:`shigongtu.attraction.rules.stages.stage_at`). ``funds`` is 到位资金 in the plan year
    so far: the sum of the lead's fund arrivals, or the ledger's figure.
    """

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="leads")
    code = models.CharField(_("编号"), max_length=50)
    name = models.CharField(_("项目名称"), max_length=200)
    investor = models.CharField(_("投资方"), max_length=200, blank=True)
    investor_credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    national_code = models.CharField(_("项目代码"), max_length=24, blank=True)
    source_region = models.CharField(_("来源地"), max_length=10, choices=_choices(REGIONS), blank=True)
    mode = models.CharField(_("招商方式"), max_length=10, choices=_choices(MODES), blank=True)
    team = models.CharField(_("招商小分队"), max_length=100, blank=True)
    lead_unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("责任单位"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="led_leads")
    leader = models.CharField(_("责任领导"), max_length=100, blank=True)
    industry = models.CharField(_("所属产业"), max_length=50, blank=True)
    chain = models.CharField(_("产业链"), max_length=50, blank=True)
    investment = _money(_("协议投资额（万元）"))
    fixed_assets = _money(_("固定资产投资（万元）"))
    land_area = models.DecimalField(_("用地面积（亩）"), max_digits=12, decimal_places=2, default=Decimal(0))
    expected_output = _money(_("预计年产值（万元）"))
    expected_tax = _money(_("预计年税收（万元）"))
    foreign = models.BooleanField(_("是否外资"), default=False)
    fdi_usd = _money(_("外资金额（万美元）"))
    headquarters = models.BooleanField(_("总部项目"), default=False)
    rnd = models.BooleanField(_("研发中心"), default=False)
    increment = models.BooleanField(_("增资扩产"), default=False)
    stage = models.CharField(_("阶段"), max_length=4, choices=_choices(STAGES), default="线索")
    signing_kind = models.CharField(_("签约类型"), max_length=6, choices=_choices(SIGNING_KINDS), blank=True)
    contacted_on = models.DateField(_("登记日期"), null=True, blank=True)
    signed_on = models.DateField(_("签约日期"), null=True, blank=True)
    registered_on = models.DateField(_("注册日期"), null=True, blank=True)
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    operating_on = models.DateField(_("投产日期"), null=True, blank=True)
    full_on = models.DateField(_("达产日期"), null=True, blank=True)
    exited_on = models.DateField(_("终止日期"), null=True, blank=True)
    exit_reason = models.CharField(_("终止原因"), max_length=200, blank=True)
    answered_on = models.DateField(_("响应日期"), null=True, blank=True)
    assessed_on = models.DateField(_("研判日期"), null=True, blank=True)
    fed_back_on = models.DateField(_("反馈日期"), null=True, blank=True)
    last_progress_on = models.DateField(_("最近进展日期"), null=True, blank=True)
    funds = _money(_("到位资金（万元）"))
    project = models.ForeignKey("projects.Project", verbose_name=_("重点项目"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="leads")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("招商项目")
        verbose_name_plural = _("招商项目")
        ordering = ["plan", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="lead_unique_code_in_plan"),
            models.CheckConstraint(condition=models.Q(investment__gte=0), name="lead_investment_not_negative"),
            models.CheckConstraint(condition=models.Q(funds__gte=0), name="lead_funds_not_negative"),
            models.CheckConstraint(condition=models.Q(fdi_usd__gte=0), name="lead_fdi_not_negative"),
        ]
        indexes = [
            models.Index(fields=["plan", "signed_on", "investment", "funds", "started_on"], name="lead_plan_signed"),
            models.Index(fields=["plan", "mode"], name="lead_plan_mode"),
            models.Index(fields=["plan", "stage"], name="lead_plan_stage"),
            models.Index(fields=["plan", "investor_credit_code"], name="lead_plan_credit"),
            # the board reads each stage's largest leads in this order and stops early
            models.Index(fields=["plan", "-investment", "id"], name="lead_plan_investment"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def stage_dates(self) -> dict[str, Any]:
        return {"signed_on": self.signed_on, "registered_on": self.registered_on, "started_on": self.started_on,
                "operating_on": self.operating_on, "full_on": self.full_on}


class LeadChildQuerySet(models.QuerySet[Any]):
    """Records hanging off a lead share its scope."""

    def for_user(self, user: Any, action: str = "view") -> LeadChildQuerySet:
        return self.filter(Scope.of(user).node_q(action, prefix="lead__"))


class FundArrival(models.Model):
    """A dated arrival of funds (到位资金) for a lead, by origin (省外, 境外 …); amount in 万元."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="fund_arrivals")
    date = models.DateField(_("到位日期"))
    amount = _money(_("到位金额（万元）"))
    origin = models.CharField(_("资金来源地"), max_length=10, choices=_choices(ORIGINS), blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LeadChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("到位资金")
        verbose_name_plural = _("到位资金")
        ordering = ["lead", "date", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gte=0), name="fund_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.lead_id} {self.date} {self.amount}"


class LeadEvent(models.Model):
    """One entry of a lead's timeline (进展): a stage reached, a progress note, an SLA step done."""

    class Kind(models.TextChoices):
        STAGE = "stage", _("阶段变更")
        PROGRESS = "progress", _("进展")
        ANSWER = "answer", _("响应")
        ASSESS = "assess", _("研判")
        FEEDBACK = "feedback", _("反馈")
        PROJECT = "project", _("转为重点项目")

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="events")
    on = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    stage = models.CharField(_("阶段"), max_length=4, blank=True)
    note = models.TextField(_("说明"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = LeadChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("招商进展")
        verbose_name_plural = _("招商进展")
        ordering = ["lead", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.lead_id} {self.on} {self.kind}"


class LeadSettings(models.Model):
    """A plan's 招商 timers (办理时限) and the stalled-signing month count; defaults without a row."""

    plan = models.OneToOneField("plans.Plan", on_delete=models.CASCADE, related_name="lead_settings")
    answer_days = models.PositiveSmallIntegerField(_("响应时限（工作日）"), default=1)
    assess_days = models.PositiveSmallIntegerField(_("研判时限（工作日）"), default=3)
    feedback_days = models.PositiveSmallIntegerField(_("反馈时限（工作日）"), default=7)
    progress_days = models.PositiveSmallIntegerField(_("进展报送周期（天）"), default=14)
    stall_months = models.PositiveSmallIntegerField(_("签约未开工红灯（月）"), default=6)

    class Meta:
        verbose_name = _("招商时限设置")
        verbose_name_plural = _("招商时限设置")

    def __str__(self) -> str:
        return f"{self.plan_id} 招商时限设置"

    def to_rules(self) -> sla.SlaSettings:
        return sla.SlaSettings(self.answer_days, self.assess_days, self.feedback_days, self.progress_days,
                               self.stall_months)

    @classmethod
    def rules_for(cls, plan: Any) -> sla.SlaSettings:
        row = cls.objects.filter(plan=plan).first()
        return row.to_rules() if row is not None else sla.SlaSettings()
