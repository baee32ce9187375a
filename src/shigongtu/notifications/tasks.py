"""The notification run as a background task (django_tasks): the same as ``shigongtu notify``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import task

from shigongtu.lib.errors import InputRejected
from shigongtu.notifications.dispatch import dispatch
from shigongtu.notifications.runs import run
from shigongtu.plans.models import Plan


def reminder_day(plan: Plan) -> dt.date:
    """The date reminders are judged at: the plan's pinned date (默认截止日期, as the demo sets) or today."""
    return plan.default_as_of or timezone.localdate()


def run_all(plan_code: str | None = None, as_of: str | None = None) -> dict[str, Any]:
    """Evaluate and send for one plan (by code) or every open plan; then retry whatever else is due."""
    if plan_code and not Plan.objects.filter(code=plan_code).exists():
        raise InputRejected(f"没有编号为 {plan_code} 的施工图", field="plan", value=plan_code)
    plans = Plan.objects.exclude(status=Plan.Status.CLOSED).select_related("unit").order_by("code")
    if plan_code:
        plans = plans.filter(code=plan_code)
    day = dt.date.fromisoformat(as_of) if as_of else None
    runs = [run(p, day or reminder_day(p), send=False) for p in plans]
    return {"runs": runs, "deliveries": dispatch()}


@task()
def notify(plan_code: str | None = None, as_of: str | None = None) -> dict[str, Any]:
    """Queued from the rules page (立即运行) or a scheduler; a worker (`shigongtu db_worker`) runs it."""
    return run_all(plan_code, as_of)
