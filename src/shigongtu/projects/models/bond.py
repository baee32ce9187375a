"""Special-purpose bond projects (专项债): pipeline state, quota batches, disbursements, expenditures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shigongtu.orgs.access import Scope
from shigongtu.projects.models.project import Project, ProjectChildQuerySet
from shigongtu.projects.rules.bonds import BOND_PLANNING, BOND_STATES


class BondProject(models.Model):
    """A project's special-bond application and use (专项债券项目), moving through domain §3.1's pipeline.

    ``declared_on`` is the day it was first declared (储备申报), which the bond-count indicator
    reads; the money lives in the quota, disbursement and expenditure rows.
    """

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="bond")
    state = models.CharField(_("状态"), max_length=10, choices=[(s, s) for s in BOND_STATES],
                             default=BOND_PLANNING)
    requested_amount = models.DecimalField(_("申请额度（万元）"), max_digits=18, decimal_places=4, default=Decimal(0))
    capital_use = models.BooleanField(_("用作资本金"), default=False)
    coverage_ratio = models.DecimalField(_("收益覆盖倍数"), max_digits=6, decimal_places=2, null=True, blank=True)
    declared_on = models.DateField(_("申报日期"), null=True, blank=True)
    has_plan_doc = models.BooleanField(_("实施方案"), default=False)
    has_finance_report = models.BooleanField(_("财务评价报告"), default=False)
    has_legal_opinion = models.BooleanField(_("法律意见书"), default=False)
    notes = models.TextField(_("备注"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("专项债项目")
        verbose_name_plural = _("专项债项目")
        ordering = ["project"]

    def __str__(self) -> str:
        return f"{self.project} · {self.state}"


class BondStateChange(models.Model):
    """One move of a bond project through the pipeline, with its date."""

    bond = models.ForeignKey(BondProject, on_delete=models.CASCADE, related_name="state_changes")
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10)
    effective = models.DateField()
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")

    class Meta:
        ordering = ["bond", "effective", "id"]

    def __str__(self) -> str:
        return f"{self.from_state or '—'} → {self.to_state}"


class BondChildQuerySet(models.QuerySet[Any]):
    """Money movements share their bond project's scope."""

    def for_user(self, user: Any, action: str = "view") -> BondChildQuerySet:
        return self.filter(Scope.of(user).node_q(action, prefix="bond__project__"))


class _Movement(models.Model):
    date = models.DateField(_("日期"))
    amount = models.DecimalField(_("金额（万元）"), max_digits=18, decimal_places=4)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BondChildQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.amount}"


class BondQuota(_Movement):
    """A quota batch passed down for the project (额度下达: 提前批, 第一批…)."""

    bond = models.ForeignKey(BondProject, on_delete=models.CASCADE, related_name="quotas")
    batch = models.CharField(_("批次"), max_length=30)
    doc_no = models.CharField(_("下达文号"), max_length=100, blank=True)

    class Meta(_Movement.Meta):
        verbose_name = _("专项债额度")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="bondquota_positive")]


class BondDisbursement(_Movement):
    """Money paid to the project unit (债券资金拨付), including treasury advances (库款垫付)."""

    KINDS = ("拨付", "库款垫付", "归垫")
    bond = models.ForeignKey(BondProject, on_delete=models.CASCADE, related_name="disbursements")
    kind = models.CharField(_("类型"), max_length=10, default="拨付")
    # The voucher number (凭证号) of the payment: a disbursement entered again with the same number
    # corrects the one recorded, never adds a second.
    reference = models.CharField(_("凭证号"), max_length=60, blank=True)

    class Meta(_Movement.Meta):
        verbose_name = _("专项债拨付")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="bonddisbursement_positive"),
            models.UniqueConstraint(fields=["bond", "reference"], condition=~models.Q(reference=""),
                                    name="bonddisbursement_unique_reference"),
        ]


class BondExpenditure(_Movement):
    """Money actually spent on the works (债券资金实际支出)."""

    bond = models.ForeignKey(BondProject, on_delete=models.CASCADE, related_name="expenditures")
    payee = models.CharField(_("收款单位"), max_length=200, blank=True)
    contract_ref = models.CharField(_("合同编号"), max_length=100, blank=True)

    class Meta(_Movement.Meta):
        verbose_name = _("专项债支出")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="bondexpenditure_positive")]
