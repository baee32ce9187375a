"""Monthly investment reports waiting for a review step (待审核的月度投资), shared by the review
queue page and any other face that lists them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shigongtu.orgs.access import MANAGE
from shigongtu.plans.models import Plan
from shigongtu.projects.models import InvestmentReport

AWAITING = (InvestmentReport.Status.SUBMITTED, InvestmentReport.Status.UNIT_APPROVED)


def investment_awaiting(plan: Plan, user: Any, unit_path: str = "") -> QuerySet[InvestmentReport]:
    """The plan's investment reports reported (业主已报) or passed by the lead unit (责任单位已审),
    within what ``user`` manages, optionally of projects led by ``unit_path`` and below; oldest
    month first, then by project code, with what a queue row shows joined in."""
    qs = InvestmentReport.objects.filter(plan=plan, status__in=AWAITING).for_user(user, MANAGE)
    if unit_path:
        qs = qs.filter(project__lead_unit__path__startswith=unit_path)
    return (qs.select_related("project", "project__lead_unit", "submitted_by", "unit_reviewed_by")
            .order_by("period", "project__code", "pk"))
