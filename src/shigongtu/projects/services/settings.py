"""A plan's settings (施工图设置), edited by its coordinators on one page: the plan's light thresholds,
report deadline day, default as-of date, the bulletin's issuing office and copy-to list, and the
project warning rules (项目预警规则: 入库, 开工, 投资, 资金闲置, 债券支出, the investment curve).

One write: validate every field → re-check the coordinator's right → compare the version read
(optimistic concurrency on the plan's ``version``) → save → record each changed field in the
history → bump the plan revision so every light is recomputed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction

from shigongtu.audit import services as audit
from shigongtu.lib.amounts import parse_number
from shigongtu.lib.errors import Conflict, FieldError, InputRejected, ValueProblem
from shigongtu.lib.periods import parse_date
from shigongtu.orgs.access import MANAGE, require
from shigongtu.plans.fields import read_curve
from shigongtu.plans.models import Plan
from shigongtu.plans.services import actor_name, bump_revision, ensure_open
from shigongtu.plans.settings_rows import clean_fields
from shigongtu.projects.models import ProjectSettings

PLAN_FIELDS = ("yellow_threshold", "red_threshold", "report_deadline_day", "default_as_of", "issuing_office",
               "copy_to")
PROJECT_FIELDS = ("stats_threshold", "stats_yellow_months", "stats_red_months", "unstarted_red_months",
                  "invest_yellow", "invest_red", "idle_yellow_days", "idle_red_days", "spend_months",
                  "spend_yellow", "spend_red", "curve")
# (yellow, red): the yellow threshold may not exceed the red one
PAIRS = (("yellow_threshold", "red_threshold"), ("stats_yellow_months", "stats_red_months"),
         ("invest_yellow", "invest_red"), ("idle_yellow_days", "idle_red_days"), ("spend_yellow", "spend_red"))


def _points(raw: Any) -> Decimal:
    return parse_number(raw, minimum=0, maximum=100)


def _count(raw: Any, maximum: int = 999) -> int:
    return int(parse_number(raw, minimum=0, maximum=maximum))


def _day(raw: Any) -> int:
    return int(parse_number(raw, minimum=1, maximum=28))


def _date(raw: Any) -> dt.date | None:
    return None if raw in (None, "") else parse_date(raw)


def _text(limit: int) -> Callable[[Any], str]:
    def read(raw: Any) -> str:
        text = " ".join(str(raw or "").split())
        if len(text) > limit:
            raise ValueProblem(f"不能超过{limit}个字符", f"at most {limit} characters")
        return text
    return read


READERS: dict[str, Callable[[Any], Any]] = {
    "yellow_threshold": _points, "red_threshold": _points, "report_deadline_day": _day,
    "default_as_of": _date, "issuing_office": _text(100), "copy_to": _text(300),
    "stats_threshold": lambda raw: parse_number(raw, minimum=0), "stats_yellow_months": _count,
    "stats_red_months": _count, "unstarted_red_months": _count, "invest_yellow": _points, "invest_red": _points,
    "idle_yellow_days": _count, "idle_red_days": _count, "spend_months": lambda raw: _count(raw, 60),
    "spend_yellow": _points, "spend_red": _points, "curve": read_curve,
}


def clean_settings(plan: Plan, data: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Each given field read by its reader (:func:`plans.settings_rows.clean_fields`), then the yellow
    thresholds checked against the red ones; the problems name the field, in both languages."""
    clean, problems = clean_fields(READERS, data)
    merged = {**current_settings(plan), **clean}
    for yellow, red in PAIRS:
        if (yellow in clean or red in clean) and merged[yellow] is not None and merged[red] is not None \
                and merged[yellow] > merged[red]:
            problems.append(FieldError("黄灯阈值不能大于红灯阈值", field=yellow, value=merged[yellow],
                                       message_en="The yellow threshold cannot exceed the red one"))
    as_of = clean.get("default_as_of")
    if as_of is not None and as_of.year != plan.year:
        problems.append(FieldError(f"默认截止日期应在{plan.year}年内", field="default_as_of", value=as_of.isoformat(),
                                   message_en=f"The default as-of date must be within {plan.year}"))
    return clean, problems


def current_settings(plan: Plan) -> dict[str, Any]:
    """The plan's settings as the page shows them (project rules: the saved row, else the defaults)."""
    row = ProjectSettings.objects.filter(plan=plan).first() or ProjectSettings(plan=plan)
    return {**{f: getattr(plan, f) for f in PLAN_FIELDS}, **{f: getattr(row, f) for f in PROJECT_FIELDS}}


@transaction.atomic
def save_settings(plan: Plan, data: Mapping[str, Any], user: Any = None, expected_version: int | None = None) -> Plan:
    """Change a plan's settings; recorded in the history, the plan's version and revision bumped."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    require(user, plan, MANAGE)
    ensure_open(plan)
    if expected_version is not None and plan.version != expected_version:
        raise Conflict(f"施工图 {plan.code} 的设置", plan.version)
    clean, problems = clean_settings(plan, data)
    if problems:
        raise InputRejected(problems)
    actor = actor_name(user)
    old_plan = {f: getattr(plan, f) for f in PLAN_FIELDS}
    for name in PLAN_FIELDS:
        if name in clean:
            setattr(plan, name, clean[name])
    plan_changes = audit.diff(old_plan, {f: getattr(plan, f) for f in PLAN_FIELDS})
    row, _made = ProjectSettings.objects.select_for_update().get_or_create(plan=plan)
    old_row = {f: getattr(row, f) for f in PROJECT_FIELDS}
    for name in PROJECT_FIELDS:
        if name in clean:
            setattr(row, name, clean[name])
    row_changes = audit.diff(old_row, {f: getattr(row, f) for f in PROJECT_FIELDS})
    if not plan_changes and not row_changes:
        return plan
    plan.version += 1
    plan.save()
    if plan_changes:
        audit.record("settings", "plan", plan.pk, plan_changes, actor, plan.code, plan.code)
    if row_changes:
        row.save()
        audit.record("settings", "project_settings", row.pk, row_changes, actor, plan.code, plan.code)
    bump_revision(plan)
    return plan
