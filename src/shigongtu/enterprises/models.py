"""The enterprise registry (企业库) of an org unit, its tiers (梯度) and yearly figures (年度数据)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shigongtu.enterprises.rules import tiers
from shigongtu.orgs.access import Scope


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


def units_within(unit: Any) -> Any:
    """The ids of ``unit`` and every unit below it, as a subquery."""
    from shigongtu.orgs.models import OrgUnit

    return OrgUnit.objects.filter(path__startswith=unit.path).values("pk")


class EnterpriseQuerySet(models.QuerySet["Enterprise"]):
    def for_user(self, user: Any, action: str = "view") -> EnterpriseQuerySet:
        """Enterprises the user may ``view`` or ``manage``: scoped like the plans of their unit
        (members see their unit, below it and the units above; managers manage their unit and below)."""
        return self.filter(Scope.of(user).plan_q(action))

    def within(self, unit: Any) -> EnterpriseQuerySet:
        """The enterprises of ``unit`` and every unit below it (a subquery on the units: no join)."""
        return self.filter(unit_id__in=units_within(unit))


class Enterprise(models.Model):
    """An enterprise (企业) of an org unit, known by its 统一社会信用代码: who it is, where, and who
    looks after it (包保领导, 服务专员). 规上 is the statistics' above-scale flag (规模以上)."""

    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="enterprises")
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    name = models.CharField(_("企业名称"), max_length=200)
    industry = models.CharField(_("所属行业"), max_length=50, blank=True)
    registered_on = models.DateField(_("注册日期"), null=True, blank=True)
    above_scale = models.BooleanField(_("规上企业"), default=False)
    above_scale_on = models.DateField(_("入规日期"), null=True, blank=True)
    address = models.CharField(_("注册地址"), max_length=300, blank=True)
    lng = models.DecimalField(_("经度"), max_digits=11, decimal_places=7, null=True, blank=True)
    lat = models.DecimalField(_("纬度"), max_digits=10, decimal_places=7, null=True, blank=True)
    leader = models.CharField(_("包保领导"), max_length=100, blank=True)
    officer = models.CharField(_("服务专员"), max_length=100, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["credit_code"]
        constraints = [models.UniqueConstraint(fields=["unit", "credit_code"], name="enterprise_unique_code_in_unit")]
        indexes = [models.Index(fields=["credit_code"], name="enterprise_code")]  # the list's order

    def __str__(self) -> str:
        return self.name


class EnterpriseChildQuerySet(models.QuerySet[Any]):
    """Tier records and yearly figures share their enterprise's scope."""

    def for_user(self, user: Any, action: str = "view") -> EnterpriseChildQuerySet:
        return self.filter(Scope.of(user).plan_q(action, prefix="enterprise__"))


class TierRecord(models.Model):
    """An enterprise's standing in one tier (梯度): in the pool (培育库), planned (拟申报), applied
    (已申报), recognised (已认定, with certificate, 批次, 认定日期 and 有效期至) or revoked (已撤销).
    ``renewal_filed`` is the date a renewal (重新认定) was filed for an expiring certificate."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="tiers")
    # The enterprise's unit, kept on the record so that counts over a zone read one table.
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    tier = models.CharField(_("梯度类别"), max_length=20, choices=_choices(tiers.TIERS))
    level = models.CharField(_("级别"), max_length=10, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=_choices(tiers.STATUSES), default=tiers.POOL)
    certificate_no = models.CharField(_("证书编号"), max_length=50, blank=True)
    batch = models.CharField(_("批次"), max_length=50, blank=True)
    granted_on = models.DateField(_("认定日期"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    renewal_filed = models.DateField(_("重新认定申报日期"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnterpriseChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("梯度记录")
        verbose_name_plural = _("梯度记录")
        ordering = ["enterprise", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "tier"], name="tier_unique_per_enterprise"),
            models.CheckConstraint(
                condition=models.Q(granted_on__isnull=True) | models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gt=models.F("granted_on")), name="tier_expires_after_granted"),
        ]
        # Covering the counts at d and by month: they read the index, never the table.
        # ``tier_expiring``: the certificates ending soon (warnings, the expiring filter) by a range on 有效期至.
        indexes = [models.Index(fields=["unit", "status", "tier", "granted_on", "expires_on", "enterprise"],
                                name="tier_counts"),
                   models.Index(fields=["unit", "status", "expires_on", "granted_on", "renewal_filed", "tier"],
                                name="tier_expiring")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} · {self.tier} · {self.status}"

    def state(self) -> tiers.TierState:
        return tiers.TierState(self.tier, self.status, self.granted_on, self.expires_on, self.renewal_filed,
                               self.enterprise_id)


class YearFigures(models.Model):
    """An enterprise's figures for one year (企业年度数据): 营业收入, 研发费用 and 股权融资 in 万元,
    职工总数, 科技人员数, Ⅰ类/Ⅱ类知识产权 — what the eligibility pre-checks read."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("年度"))
    revenue = models.DecimalField(_("营业收入（万元）"), max_digits=18, decimal_places=4, null=True, blank=True)
    rd_expense = models.DecimalField(_("研发费用（万元）"), max_digits=18, decimal_places=4, null=True, blank=True)
    staff_total = models.PositiveIntegerField(_("职工总数"), null=True, blank=True)
    tech_staff = models.PositiveIntegerField(_("科技人员数"), null=True, blank=True)
    ip_class1 = models.PositiveIntegerField(_("Ⅰ类知识产权"), null=True, blank=True)
    ip_class2 = models.PositiveIntegerField(_("Ⅱ类知识产权"), null=True, blank=True)
    equity_financing = models.DecimalField(_("股权融资（万元）"), max_digits=18, decimal_places=4, null=True,
                                           blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = EnterpriseChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业年度数据")
        verbose_name_plural = _("企业年度数据")
        ordering = ["enterprise", "-year"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="figures_unique_year")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} · {self.year}"


class TierRule(models.Model):
    """One eligibility threshold of a tier (认定条件), editable: ``metric`` ``op`` ``value``, within
    a revenue band (万元, ``band_min`` < 营业收入 ≤ ``band_max``) when given."""

    tier = models.CharField(_("梯度类别"), max_length=20, choices=_choices(tiers.TIERS))
    code = models.CharField(_("条件代码"), max_length=30)
    label = models.CharField(_("条件"), max_length=100)
    label_en = models.CharField(_("条件（英文）"), max_length=100, blank=True)
    metric = models.CharField(_("指标"), max_length=30)
    op = models.CharField(_("比较"), max_length=2, choices=[(">=", "≥"), ("<=", "≤")], default=">=")
    value = models.DecimalField(_("阈值"), max_digits=18, decimal_places=4)
    band_min = models.DecimalField(_("营收下限（万元）"), max_digits=18, decimal_places=4, null=True, blank=True)
    band_max = models.DecimalField(_("营收上限（万元）"), max_digits=18, decimal_places=4, null=True, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveSmallIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("认定条件")
        verbose_name_plural = _("认定条件")
        ordering = ["tier", "sort", "id"]
        constraints = [models.UniqueConstraint(fields=["tier", "code"], name="tier_rule_unique_code")]

    def __str__(self) -> str:
        return f"{self.tier} · {self.label}"
