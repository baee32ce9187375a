"""A record type's per-plan settings row (督办规则, 招商时限, …) changed by a plan's coordinator.

The record types above the blueprint keep their warning settings in a one-per-plan row; this is
the one write they share, so each change is made like every other plan setting: validate each
field → re-check the coordinator's right on the plan → compare the plan's version read → save →
record old → new in the history → bump the plan's version and revision so every light is
recomputed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import models, transaction

from shigongtu.audit import services as audit
from shigongtu.lib.amounts import parse_number
from shigongtu.lib.errors import Conflict, FieldError, InputRejected, ValueProblem, in_english
from shigongtu.orgs.access import MANAGE, require
from shigongtu.plans.fields import read_curve
from shigongtu.plans.models import Indicator, Plan
from shigongtu.plans.services import actor_name, bump_revision, ensure_open, save_indicator

Reader = Callable[[Any], Any]


def clean_fields(readers: Mapping[str, Reader], data: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Each given field read by its reader; the problems name the field, in both languages."""
    clean: dict[str, Any] = {}
    problems: list[FieldError] = []
    for name, raw in data.items():
        reader = readers.get(name)
        if reader is None:
            continue
        try:
            clean[name] = reader(raw)
        except (ValueProblem, ValueError) as exc:
            problems.append(FieldError(str(exc), field=name, value=raw, message_en=in_english(exc)))
    return clean, problems


def current_row(model: type[models.Model], plan: Plan) -> Any:
    """The plan's saved row, or one with the defaults (unsaved) when it has none (the model's own
    ``for_plan`` when it has one, so that defaults kept outside the field defaults are kept)."""
    for_plan = getattr(model, "for_plan", None)
    if for_plan is not None:
        return for_plan(plan)
    return model._default_manager.filter(plan=plan).first() or model(plan=plan)


@transaction.atomic
def save_settings_row(plan: Plan, model: type[models.Model], readers: Mapping[str, Reader],
                      data: Mapping[str, Any], *, object_type: str, user: Any = None,
                      expected_version: int | None = None) -> dict[str, list[Any]]:
    """Change a plan's settings row of ``model`` (fields: ``readers``); returns the changes ({} = none)."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    require(user, plan, MANAGE)
    ensure_open(plan)
    if expected_version is not None and plan.version != expected_version:
        raise Conflict(f"施工图 {plan.code} 的设置", plan.version)
    clean, problems = clean_fields(readers, data)
    if problems:
        raise InputRejected(problems)
    row = current_row(model, plan)
    old = {f: getattr(row, f) for f in readers}
    for name, value in clean.items():
        setattr(row, name, value)
    changes = audit.diff(old, {f: getattr(row, f) for f in readers})
    if not changes:
        return changes
    row.save()
    plan.version += 1
    plan.save(update_fields=["version"])
    audit.record("settings", object_type, row.pk, changes, actor_name(user), plan.code, plan.code)
    bump_revision(plan)
    return changes


def whole(minimum: int, maximum: int) -> Reader:
    """A reader of a whole number within inclusive bounds (days, months)."""
    def read(raw: Any) -> int:
        number = parse_number(raw, minimum=minimum, maximum=maximum)
        if number != number.to_integral_value():
            raise ValueProblem(f"应为整数：{raw}", f"must be a whole number: {raw}")
        return int(number)
    return read


def curve_field(indicator_id: int) -> str:
    """The settings page's name for an indicator's curve, which its problems carry."""
    return f"curve_{indicator_id}"


def clean_curves(plan: Plan, curves: Mapping[int, Any]) -> tuple[dict[int, list[float] | None], list[FieldError]]:
    """Each indicator's plan curve (分月计划) read and checked (``validate_curve``); problems name it."""
    clean: dict[int, list[float] | None] = {}
    problems: list[FieldError] = []
    for indicator_id, raw in curves.items():
        try:
            clean[indicator_id] = read_curve(raw)
        except (ValueProblem, ValueError) as exc:
            problems.append(FieldError(str(exc), field=curve_field(indicator_id), value=raw,
                                       message_en=in_english(exc)))
    return clean, problems


@transaction.atomic
def save_curves(plan: Plan, curves: Mapping[int, Any], user: Any = None,
                expected_version: int | None = None) -> int:
    """Set the plan curves (分月计划) of the plan's indicators, ``{indicator id: curve}``; each change
    is recorded on its indicator and bumps the plan's version once. Returns how many changed."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    require(user, plan, MANAGE)
    ensure_open(plan)
    if expected_version is not None and plan.version != expected_version:
        raise Conflict(f"施工图 {plan.code} 的设置", plan.version)
    clean, problems = clean_curves(plan, curves)
    found = Indicator.objects.filter(plan=plan, pk__in=list(clean)).select_related("node").in_bulk()
    problems += [FieldError("不是本施工图的指标", field=curve_field(pk), value=pk,
                            message_en="not an indicator of this plan") for pk in clean if pk not in found]
    if problems:
        raise InputRejected(problems)
    changed = 0
    for pk, curve in clean.items():
        indicator = found[pk]
        if (indicator.curve or None) != curve:
            save_indicator(indicator.node, {"curve": curve}, user=user, indicator=indicator)
            changed += 1
    if changed:
        Plan.objects.filter(pk=plan.pk).update(version=plan.version + 1)
    return changed
