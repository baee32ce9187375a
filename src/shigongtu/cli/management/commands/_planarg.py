"""Shared --plan / --as-of handling."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError

from shigongtu.cli.command import parse_as_of
from shigongtu.plans.models import Plan
from shigongtu.plans.selectors import default_as_of


def plan_and_date(code: str, raw_as_of: str | None) -> tuple[Plan, dt.date]:
    plan = Plan.objects.select_related("unit").filter(code=code).first()
    if plan is None:
        raise CommandError(f"no plan with code {code!r}", returncode=1)
    as_of = parse_as_of(raw_as_of) or default_as_of(plan)
    return plan, as_of
