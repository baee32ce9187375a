"""A plan's supervision warning setting (督办规则: 临期预警天数), changed on the plan settings page.

An item turns yellow when its deadline is at most this many days away (contract §4, default 3).
"""

from __future__ import annotations

from typing import Any

from shigongtu.plans.models import Plan
from shigongtu.plans.settings_rows import current_row, save_settings_row, whole
from shigongtu.supervision.models import SupervisionSettings

READERS = {"yellow_days": whole(0, 90)}
FIELDS = tuple(READERS)


def current_settings(plan: Plan) -> dict[str, Any]:
    row = current_row(SupervisionSettings, plan)
    return {f: getattr(row, f) for f in FIELDS}


def save_settings(plan: Plan, data: dict[str, Any], user: Any = None,
                  expected_version: int | None = None) -> dict[str, list[Any]]:
    """Change the plan's supervision warning days; recorded in the history, every light recomputed."""
    return save_settings_row(plan, SupervisionSettings, READERS, data, object_type="supervision_settings",
                             user=user, expected_version=expected_version)
