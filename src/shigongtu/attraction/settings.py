"""A plan's 招商 timers (招商时限: 响应, 研判, 反馈, 进展报送周期, 签约未开工红灯), changed on the plan
settings page; the lead warnings are judged by them."""

from __future__ import annotations

from typing import Any

from shigongtu.attraction.models import LeadSettings
from shigongtu.plans.models import Plan
from shigongtu.plans.settings_rows import current_row, save_settings_row, whole

READERS = {"answer_days": whole(1, 60), "assess_days": whole(1, 60), "feedback_days": whole(1, 90),
           "progress_days": whole(1, 180), "stall_months": whole(1, 36)}
FIELDS = tuple(READERS)


def current_settings(plan: Plan) -> dict[str, Any]:
    row = current_row(LeadSettings, plan)
    return {f: getattr(row, f) for f in FIELDS}


def save_settings(plan: Plan, data: dict[str, Any], user: Any = None,
                  expected_version: int | None = None) -> dict[str, list[Any]]:
    """Change the plan's 招商 timers; recorded in the history, every lead light recomputed."""
    return save_settings_row(plan, LeadSettings, READERS, data, object_type="lead_settings",
                             user=user, expected_version=expected_version)
