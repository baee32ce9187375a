"""Writes of notifications: a plan's rules (coordinators) and a person's inbox (mark read).

Rule writes: validate → re-check scope (``require``, manage) → one transaction → history.
A run (evaluate, raise, send) is :mod:`shigongtu.notifications.runs`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from shigongtu.audit.services import diff, record
from shigongtu.lib.errors import Conflict, FieldError, InputRejected
from shigongtu.notifications.fields import clean_rule
from shigongtu.notifications.models import Notice, NotificationRule
from shigongtu.orgs.access import MANAGE, require
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.models import Plan
from shigongtu.plans.services import ensure_open

TRACKED = ("kind", "days", "escalate_after", "roles", "unit_id", "channels", "enabled")


def _actor(user: Any) -> str:
    return getattr(user, "username", "") or "system"


def _unit(plan: Plan, raw: Any) -> tuple[OrgUnit | None, list[FieldError]]:
    """The fixed receiving unit, by id or name, within the plan's unit; empty = the object's own unit."""
    if raw is None or str(raw).strip() == "":
        return None, []
    text = str(raw).strip()
    qs = OrgUnit.objects.filter(path__startswith=plan.unit.path)
    unit = qs.filter(pk=int(text)).first() if text.isdigit() else qs.filter(name=text).first()
    if unit is None:
        return None, [FieldError(f"单位“{text}”不在本施工图的单位内", field="unit", value=text,
                                 message_en=f"unit {text!r} is not within the plan's unit")]
    return unit, []


def save_rule(plan: Plan, data: Mapping[str, Any], user: Any = None, rule: NotificationRule | None = None,
              expected_version: int | None = None) -> NotificationRule:
    """Create (``rule`` None) or change a plan's notification rule (提醒规则); recorded in the history."""
    clean, problems = clean_rule(data)
    unit, unit_problems = _unit(plan, data.get("unit"))
    if problems or unit_problems:
        raise InputRejected(problems + unit_problems)
    with transaction.atomic():
        require(user, plan, MANAGE)
        ensure_open(plan)
        if rule is not None:
            rule = NotificationRule.objects.select_for_update().get(pk=rule.pk, plan=plan)
            if expected_version is not None and expected_version != rule.version:
                raise Conflict("提醒规则", rule.version)
            old: dict[str, Any] | None = {f: getattr(rule, f) for f in TRACKED}
        else:
            rule, old = NotificationRule(plan=plan), None
        for name, value in clean.items():
            setattr(rule, name, value)
        rule.unit = unit
        changes = diff(old, {f: getattr(rule, f) for f in TRACKED})
        if not changes:
            return rule
        if old is not None:
            rule.version += 1
        rule.save()
        record("create" if old is None else "update", "notification_rule", rule.pk, changes, _actor(user),
               label=f"提醒规则 {rule.get_kind_display()}", plan_code=plan.code)
    return rule


def delete_rule(rule: NotificationRule, user: Any = None, expected_version: int | None = None) -> None:
    """Remove a rule; the notices it raised stay in the inbox and the send log."""
    with transaction.atomic():
        require(user, rule.plan, MANAGE)
        locked = NotificationRule.objects.select_for_update().get(pk=rule.pk)
        if expected_version is not None and expected_version != locked.version:
            raise Conflict("提醒规则", locked.version)
        record("delete", "notification_rule", rule.pk, {f: [getattr(locked, f), None] for f in TRACKED},
               _actor(user), label=f"提醒规则 {locked.get_kind_display()}", plan_code=rule.plan.code)
        locked.delete()


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notices read (all unread ones when ``ids`` is None); returns how many."""
    qs = Notice.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
