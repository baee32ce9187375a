"""Writes to a project's approvals checklist (前期手续): the default list, its lines, and the move
to 具备开工条件 when the last required item is obtained."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.lib.errors import Conflict, FieldError, InputRejected
from shigongtu.orgs.access import REPORT
from shigongtu.plans.services import actor_name, bump_revision
from shigongtu.projects.fields import optional_date
from shigongtu.projects.models import ApprovalItem, Project
from shigongtu.projects.rules.approvals import APPROVAL_STATUSES, DEFAULT_CHECKLIST, ready_to_start
from shigongtu.projects.rules.stages import PLANNING, PREPARATION, READY
from shigongtu.projects.services.access import lock, open_plan, require_project
from shigongtu.projects.services.projects import OBJECT, label, stage_entry

APPROVAL_FIELDS = ("kind", "required", "status", "doc_no", "issued_on", "valid_until", "planned_by", "handling_unit")


@transaction.atomic
def ensure_checklist(project: Project, user: Any = None) -> int:
    """Give a project the default approvals checklist (domain §2.2) if it has none; returns items added."""
    if project.approvals.exists():
        return 0
    items = [ApprovalItem(project=project, kind=kind, required=required, sort=i)
             for i, (kind, required) in enumerate(DEFAULT_CHECKLIST)]
    ApprovalItem.objects.bulk_create(items)
    audit.record("checklist", OBJECT, project.pk, {"approvals": [None, [i.kind for i in items]]}, actor_name(user),
                 label(project), project.plan.code)
    return len(items)


@transaction.atomic
def save_approval(project: Project, data: Mapping[str, Any], user: Any = None, item: ApprovalItem | None = None,
                  expected_version: int | None = None, *, today: dt.date | None = None) -> ApprovalItem:
    """Add (``item`` None) or update a line of the approvals checklist.

    When the last required item is obtained (或无需办理), a project in 谋划/前期 becomes
    具备开工条件 on its own.
    """
    today = today or timezone.localdate()
    project = lock(project)
    require_project(user, project, REPORT)
    open_plan(project.plan)
    if item is not None:
        item = ApprovalItem.objects.select_for_update().get(pk=item.pk, project=project)
        if expected_version is not None and item.version != expected_version:
            raise Conflict(f"手续「{item.kind}」", item.version)
    clean = _clean_approval(project, data, item, today)
    created = item is None
    old = None if created else {f: getattr(item, f) for f in APPROVAL_FIELDS}
    if item is None:
        last = project.approvals.aggregate(m=Max("sort"))["m"]
        item = ApprovalItem(project=project, sort=(last or 0) + 1)
    for key, value in clean.items():
        setattr(item, key, value)
    if not audit.save_tracked(item, APPROVAL_FIELDS, old, object_type="approval", actor=actor_name(user),
                              label=f"{label(project)} · {item.kind}", plan_code=project.plan.code):
        return item
    _advance_when_ready(project, user, today)
    bump_revision(project.plan, projects=[project.pk])
    return item


def _clean_approval(project: Project, data: Mapping[str, Any], item: ApprovalItem | None,
                    today: dt.date) -> dict[str, Any]:
    """The checklist line's clean values; every problem is named at once (InputRejected)."""
    problems: list[FieldError] = []
    clean: dict[str, Any] = {}
    if "kind" in data or item is None:
        clean["kind"] = _approval_kind(project, data, item, problems)
    if "status" in data:
        status = str(data["status"] or "").strip()
        if status not in APPROVAL_STATUSES:
            problems.append(FieldError(f"办理状态应为{'、'.join(APPROVAL_STATUSES)}之一", field="status",
                                    value=status))
        clean["status"] = status
    if "required" in data:
        clean["required"] = bool(data["required"])
    for key in ("doc_no", "handling_unit"):
        if key in data:
            clean[key] = str(data[key] or "").strip()[:100]
    for key in ("issued_on", "valid_until", "planned_by"):
        if key in data:
            clean[key] = optional_date(data, key, problems)
    problems += _approval_dates(clean, item, today)
    if problems:
        raise InputRejected(problems)
    return clean


def _approval_kind(project: Project, data: Mapping[str, Any], item: ApprovalItem | None,
                   problems: list[FieldError]) -> str:
    """The kind of approval (手续类型): given, at most 30 characters, once per project."""
    kind = str(data.get("kind") or "").strip()
    if not kind or len(kind) > 30:
        problems.append(FieldError("手续类型不能为空，最长30个字符", field="kind", value=kind))
    elif project.approvals.filter(kind=kind).exclude(pk=item.pk if item is not None else 0).exists():
        problems.append(FieldError(f"已有「{kind}」这一项", field="kind", value=kind))
    return kind


def _approval_dates(clean: dict[str, Any], item: ApprovalItem | None, today: dt.date) -> list[FieldError]:
    """Issued (批复日期) not after today, and valid until (有效期至) not before issued."""
    problems = []
    issued = clean.get("issued_on", getattr(item, "issued_on", None))
    valid = clean.get("valid_until", getattr(item, "valid_until", None))
    if issued and issued > today:
        problems.append(FieldError(f"批复日期{issued}在今天之后", field="issued_on", value=str(issued)))
    if issued and valid and valid < issued:
        problems.append(FieldError(f"有效期至{valid}早于批复日期{issued}", field="valid_until", value=str(valid)))
    return problems


def _advance_when_ready(project: Project, user: Any, today: dt.date) -> None:
    if project.stage not in (PLANNING, PREPARATION):
        return
    if not ready_to_start(project.approvals.values_list("kind", "required", "status")):
        return
    old = project.stage
    project.stage = READY
    project.version += 1
    project.save(update_fields=["stage", "version", "updated_at"])
    stage_entry(project, old, today, "前期手续已全部办结", user)
    audit.record("stage", OBJECT, project.pk, {"stage": [old, READY]}, actor_name(user), label(project),
                 project.plan.code)


@transaction.atomic
def delete_approval(item: ApprovalItem, user: Any = None) -> None:
    """Remove a line of the checklist that does not apply to this project."""
    project = lock(item.project)
    require_project(user, project, REPORT)
    audit.record("delete", "approval", item.pk, {"kind": [item.kind, None]}, actor_name(user),
                 f"{label(project)} · {item.kind}", project.plan.code)
    item.delete()
    bump_revision(project.plan, projects=[project.pk])

