"""The demo database: the steps that build it, in order.

Each step takes the shared context (accounts, units, the master plan …) and adds its record
type's demo data. A new record type adds its step to ``STEPS``; nothing registers itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from shigongtu.demo import attraction, enterprises, notifications, plan, projects, supervision

DEMO_PLAN = plan.DEMO_PLAN

Step = Callable[[dict[str, Any]], None]

STEPS: tuple[Step, ...] = (
    plan.build_plans,        # units, accounts, the four 2023 plans and their monthly reports
    projects.build_projects,  # the key-project library, approvals, problems, bonds, investment
    enterprises.build_enterprises,  # the enterprise registry and its tiers; the tier indicators read it
    attraction.build_leads,  # 招商: leads across the stages, fund arrivals, node 1.8's indicators
    supervision.build_supervision,  # 督办/整改 items: inspection feedback, 卫片 findings, instructions
    notifications.build_notifications,  # reminder rules and the notices they raise at 2023-06-30
)


@transaction.atomic
def build(password: str | None = None) -> dict[str, Any]:
    """Build the whole demo in one transaction; returns the accounts and the plan codes."""
    context: dict[str, Any] = {"password": password}
    for step in STEPS:
        step(context)
    return {"accounts": context["accounts"], "plans": context["plans"]}
