"""Writes to the attraction pipeline: leads, their stages, progress, fund arrivals and the link to a key project.

Every function runs in one transaction, validates everything before writing, re-checks the
user's scope inside it, refuses stale versions (Conflict), records each change old → new in
the change history and bumps the plan's revision. ``user`` None is a system job (demo, CLI).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from shigongtu.attraction.fields import (
    AUDITED,
    BY_NAME,
    LeadLookups,
    clean_lead,
    duplicate_key,
    duplicate_problem,
    problem,
)
from shigongtu.attraction.models import ORIGINS, FundArrival, Lead, LeadEvent, LeadSettings
from shigongtu.attraction.rules import stages
from shigongtu.audit import services as audit
from shigongtu.lib.amounts import parse_amount
from shigongtu.lib.errors import Conflict, FieldError, InputRejected, NotAllowed, ValueProblem, in_english
from shigongtu.lib.periods import parse_date
from shigongtu.orgs.access import MANAGE, REPORT, Scope, require
from shigongtu.plans.models import Plan
from shigongtu.plans.services import actor_name, bump_revision, ensure_open, ensure_unit
from shigongtu.projects.models import Project
from shigongtu.projects.services.projects import save_project

OBJECT = "lead"


# -- access and bookkeeping ---------------------------------------------------------------

def require_lead(user: Any, lead: Lead, action: str) -> None:
    """Raise NotAllowed unless ``user`` (None = a system job) has ``action`` on the lead."""
    if user is not None and not Lead.objects.for_user(user, action).filter(pk=lead.pk).exists():
        raise NotAllowed(f"no {action} right on lead {lead.code}")


def require_create(user: Any, plan: Plan, unit: Any) -> None:
    """A coordinator adds leads to the plan; a reporter only leads its own unit is responsible for."""
    if user is None or Plan.objects.for_user(user, MANAGE).filter(pk=plan.pk).exists():
        return
    scope = Scope.of(user)
    path = getattr(unit, "path", None)
    if (path and any(g.role == "reporter" and path.startswith(g.path) for g in scope.grants)
            and Plan.objects.for_user(user, "view").filter(pk=plan.pk).exists()):
        return
    raise NotAllowed(f"no right to add leads to plan {plan.code}")


def lock(lead: Lead, expected_version: int | None = None) -> Lead:
    """The lead row, locked for this transaction; Conflict when its version moved on."""
    fresh = Lead.objects.select_for_update().select_related("plan", "plan__unit").get(pk=lead.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise Conflict(f"招商项目 {fresh.code} ", fresh.version)
    return fresh


def label(lead: Lead) -> str:
    return f"{lead.code} {lead.name}"


def snapshot(lead: Lead) -> dict[str, Any]:
    return {name: getattr(lead, name) for name in AUDITED}


def assigned_values(clean: Mapping[str, Any], plan: Plan, *, create_units: bool = True) -> dict[str, Any]:
    """The model attributes a clean row sets (``lead_unit_id``, ``project_id`` for the lookups)."""
    values = {k: v for k, v in clean.items() if k not in ("lead_unit", "project")}
    if "lead_unit" in clean:
        unit = clean["lead_unit"]
        if isinstance(unit, str):
            values["lead_unit_id"] = ensure_unit(unit, plan.unit).pk if create_units else unit
        else:
            values["lead_unit_id"] = unit.pk if unit is not None else None
    if "project" in clean:
        values["project_id"] = clean["project"].pk if clean["project"] is not None else None
    return values


def duplicates(plan: Plan, rows: list[tuple[str, dict[str, Any], Lead | None]]) -> dict[str, str]:
    """code → the code of an earlier signing it repeats (same name, investor and year, not an increase).

    ``rows`` are (code, clean values, existing lead); other leads of the plan are read once."""
    keyed: dict[tuple[str, str, int], str] = {}
    codes = {code for code, _, _ in rows}
    for code, name, investor, signed_on, increment in Lead.objects.filter(
            plan=plan, signed_on__isnull=False).exclude(code__in=codes).values_list(
            "code", "name", "investor", "signed_on", "increment"):
        key = duplicate_key(name, investor, signed_on)
        if key and not increment:
            keyed.setdefault(key, code)
    out: dict[str, str] = {}
    for code, clean, lead in rows:
        def now(name: str, clean: dict[str, Any] = clean, lead: Lead | None = lead) -> Any:
            return clean[name] if name in clean else getattr(lead, name, None)

        key = duplicate_key(now("name") or "", now("investor") or "", now("signed_on"))
        if key is None:
            continue
        if key in keyed and not now("increment"):
            out[code] = keyed[key]
        elif not now("increment"):
            keyed.setdefault(key, code)
    return out


def _event(lead: Lead, kind: str, on: dt.date, user: Any, stage: str = "", note: str = "") -> LeadEvent:
    return LeadEvent.objects.create(lead=lead, kind=kind, on=on, stage=stage, note=note,
                                    by=user if getattr(user, "pk", None) else None)


# -- leads --------------------------------------------------------------------------------

@transaction.atomic
def save_lead(plan: Plan, data: Mapping[str, Any], user: Any = None, lead: Lead | None = None,
              expected_version: int | None = None, *, today: dt.date | None = None) -> Lead:
    """Create a lead on the plan (``lead`` None) or update one (招商项目登记 / 信息维护).

    ``data`` holds fields by API name (see :data:`shigongtu.attraction.fields.LEAD_FIELDS`) or
    ledger header; raw strings are read like ledger cells. Raises InputRejected naming every
    field at fault (nothing is written), Conflict for a stale ``expected_version``.
    """
    today = today or timezone.localdate()
    plan = ensure_open(Plan.objects.select_for_update().get(pk=plan.pk))
    if lead is not None:
        lead = lock(lead, expected_version)
        require_lead(user, lead, REPORT)
        if lead.plan_id != plan.pk:
            raise InputRejected("招商项目不属于该施工图", field="plan", value=plan.code)
    clean, problems = clean_lead(plan, data, lead, look=LeadLookups(plan), today=today)
    if lead is None:
        require_create(user, plan, clean.get("lead_unit"))
    renamed = "code" in clean and (lead is None or clean["code"] != lead.code)
    if renamed and Lead.objects.filter(plan=plan, code=clean["code"]).exists():
        problems.append(problem(BY_NAME["code"], clean["code"], f"编号 {clean['code']} 已存在",
                                f"code {clean['code']} already exists"))
    code = clean.get("code") or (lead.code if lead else "")
    twice = duplicates(plan, [(code, clean, lead)]) if not problems else {}
    if code in twice:
        problems.append(duplicate_problem(code, twice[code]))
    if problems:
        raise InputRejected(problems)
    created = lead is None
    lead = lead or Lead(plan=plan)
    old = None if created else snapshot(lead)
    old_stage = "" if created else stages.stage_at(lead.stage, lead.stage_dates(), today, lead.exited_on)
    for name, value in assigned_values(clean, plan).items():
        setattr(lead, name, value)
    _auto_link(lead, plan)
    changes = audit.diff(old, snapshot(lead))
    if not changes:
        return lead
    if not created:
        lead.version += 1
    lead.save()
    new_stage = stages.stage_at(lead.stage, lead.stage_dates(), today, lead.exited_on)
    if new_stage != old_stage:
        _event(lead, LeadEvent.Kind.STAGE, _stage_day(lead, new_stage, today), user, new_stage)
    audit.record("create" if created else "update", OBJECT, lead.pk, changes, actor_name(user), label(lead),
                 plan.code)
    bump_revision(plan, aspect="attraction")
    return lead


def _stage_day(lead: Lead, stage: str, today: dt.date) -> dt.date:
    attr = stages.DATE_OF.get(stage)
    day = getattr(lead, attr) if attr else (lead.exited_on if stage in stages.EXITS else lead.contacted_on)
    return day or today


def _auto_link(lead: Lead, plan: Plan) -> None:
    """A started lead without a project links to the plan's key project with its credit or national code."""
    if lead.project_id is not None or lead.started_on is None:
        return
    found = matching_project(plan, lead.investor_credit_code, lead.national_code)
    if found is not None:
        lead.project_id = found.pk


def matching_project(plan: Plan, credit_code: str, national_code: str) -> Project | None:
    """The plan's key project with the same national code (项目代码), else the same owner credit code."""
    if national_code:
        found = Project.objects.filter(plan=plan, national_code=national_code).first()
        if found is not None:
            return found
    if credit_code:
        return Project.objects.filter(plan=plan, owner_credit_code=credit_code).order_by("pk").first()
    return None


@transaction.atomic
def change_stage(lead: Lead, stage: str, on: Any, user: Any = None, note: str = "", reason: str = "",
                 expected_version: int | None = None, *, today: dt.date | None = None) -> Lead:
    """Move a lead to ``stage`` on ``on`` (洽谈, 签约, 注册, 开工, 投产, 达产, or an exit 终止/流失 with a reason).

    The date is the stage's own (签约日期 …); it must keep the stage dates in order and not be in
    the future. Reaching 开工 links the lead to the plan's key project with its codes, if any.
    """
    today = today or timezone.localdate()
    lead = lock(lead, expected_version)
    require_lead(user, lead, REPORT)
    ensure_open(lead.plan)
    target = stages.read_stage(stage)
    problems: list[FieldError] = []
    day: dt.date | None = None
    try:
        day = parse_date(on) if not isinstance(on, dt.date) else on
    except ValueProblem as exc:
        problems.append(FieldError(str(exc), field="on", value=str(on), message_en=in_english(exc)))
    if target is None:
        problems.append(problem(BY_NAME["stage"], stage, f"未知的阶段（可用：{'、'.join(stages.STAGES)}）",
                                f"unknown stage (use {', '.join(stages.STAGES)})"))
    if problems or target is None or day is None:
        raise InputRejected(problems)
    data: dict[str, Any] = {"stage": target}
    if target in stages.DATE_OF:
        data[stages.DATE_OF[target]] = day
    elif target in stages.EXITS:
        data.update(exited_on=day, exit_reason=reason.strip())
        if not reason.strip():
            raise InputRejected(problem(BY_NAME["exit_reason"], "", "终止或流失须说明原因",
                                        "an ended or lost lead needs a reason"))
    elif target == stages.CLUE:
        data["contacted_on"] = day
    lead = save_lead(lead.plan, data, user, lead, today=today)
    if note.strip():
        _event(lead, LeadEvent.Kind.PROGRESS, day, user, note=note.strip())
    return lead


@transaction.atomic
def record_progress(lead: Lead, on: dt.date, note: str, user: Any = None, kind: str = LeadEvent.Kind.PROGRESS,
                    *, today: dt.date | None = None) -> LeadEvent:
    """Record a step of the lead's service (响应 / 研判 / 反馈 / 进展): it stops the matching SLA timer."""
    today = today or timezone.localdate()
    lead = lock(lead)
    require_lead(user, lead, REPORT)
    if kind not in LeadEvent.Kind.values or kind in (LeadEvent.Kind.STAGE, LeadEvent.Kind.PROJECT):
        raise InputRejected("未知的进展类型", field="kind", value=kind)
    if on > today:
        raise InputRejected(f"日期{on}在今天之后", field="on", value=str(on))
    attr = {"answer": "answered_on", "assess": "assessed_on", "feedback": "fed_back_on"}.get(kind, "last_progress_on")
    old = getattr(lead, attr)
    if old is None or on > old:
        setattr(lead, attr, on)
        lead.version += 1
        lead.save(update_fields=[attr, "version", "updated_at"])
        audit.record("update", OBJECT, lead.pk, {attr: [audit._plain(old), on.isoformat()]}, actor_name(user),
                     label(lead), lead.plan.code)
    event = _event(lead, kind, on, user, note=note.strip())
    bump_revision(lead.plan, aspect="attraction")
    return event


@transaction.atomic
def add_funds(lead: Lead, on: Any, amount: Any, origin: str = "", user: Any = None, note: str = "") -> FundArrival:
    """Record funds arrived (到位资金) for a lead on a date; the lead's year figure is their sum in the plan year."""
    lead = lock(lead)
    require_lead(user, lead, REPORT)
    problems: list[FieldError] = []
    try:
        day = on if isinstance(on, dt.date) else parse_date(on)
    except ValueProblem as exc:
        problems.append(FieldError(str(exc), field="date", value=str(on), message_en=exc.message_en))
    try:
        value = parse_amount(amount, "万元")
    except ValueProblem as exc:
        problems.append(FieldError(str(exc), field="amount", value=str(amount), message_en=exc.message_en))
    if origin and origin not in ORIGINS:
        problems.append(FieldError(f"资金来源地应为{'、'.join(ORIGINS)}之一", field="origin", value=origin))
    if problems:
        raise InputRejected(problems)
    arrival = FundArrival.objects.create(lead=lead, date=day, amount=value, origin=origin, note=note.strip())
    old = lead.funds
    year = lead.plan.year
    lead.funds = FundArrival.objects.filter(lead=lead, date__year=year).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    lead.version += 1
    lead.save(update_fields=["funds", "version", "updated_at"])
    audit.record("update", OBJECT, lead.pk, {"funds": [audit._plain(old), audit._plain(lead.funds)],
                                             "arrival": [None, f"{day} {value} {origin}".strip()]},
                 actor_name(user), label(lead), lead.plan.code)
    bump_revision(lead.plan, aspect="attraction")
    return arrival


@transaction.atomic
def convert_to_project(lead: Lead, user: Any = None, code: str = "") -> Project:
    """Make a started lead a key project of its plan (转为重点项目): link the project with the same
    national or credit code, else create one from the lead's own fields (nothing typed twice)."""
    lead = lock(lead)
    require_lead(user, lead, REPORT)
    if lead.project_id is not None:
        return Project.objects.get(pk=lead.project_id)
    plan = lead.plan
    project = matching_project(plan, lead.investor_credit_code, lead.national_code)
    if project is None:
        if lead.started_on is None:
            raise InputRejected(problem(BY_NAME["started_on"], None, "尚未开工的招商项目不能转为重点项目",
                                        "a lead becomes a key project once it has started"))
        data = {"code": code or f"ZS-{lead.code}", "name": lead.name, "owner": lead.investor,
                "owner_credit_code": lead.investor_credit_code, "national_code": lead.national_code,
                "industry": lead.industry, "total_investment": lead.investment, "actual_start": lead.started_on,
                "planned_start": lead.started_on, "stage": "在建", "leader": lead.leader,
                "lead_unit": lead.lead_unit}
        project = save_project(plan, data, None)
    old = lead.project_id
    lead.project = project
    lead.version += 1
    lead.save(update_fields=["project", "version", "updated_at"])
    _event(lead, LeadEvent.Kind.PROJECT, lead.started_on or timezone.localdate(), user, note=str(project))
    audit.record("update", OBJECT, lead.pk, {"project_id": [old, project.pk]}, actor_name(user), label(lead),
                 plan.code)
    bump_revision(plan)
    return project


SETTING_FIELDS = {"answer_days": (0, 60), "assess_days": (0, 60), "feedback_days": (0, 90), "progress_days": (1, 180),
                  "stall_months": (1, 36)}


@transaction.atomic
def save_settings(plan: Plan, data: Mapping[str, Any], user: Any = None) -> LeadSettings:
    """Set the plan's 招商 timers (办理时限: 响应/研判/反馈 in working days, 进展 every n days) and the
    months after which a signed lead not started is red; coordinators only. Each value is a whole
    number within its range, else InputRejected naming the field; nothing is written."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    require(user, plan, MANAGE)
    row = LeadSettings.objects.filter(plan=plan).first() or LeadSettings(plan=plan)
    old = {name: getattr(row, name) for name in SETTING_FIELDS}
    problems: list[FieldError] = []
    for name, (low, high) in SETTING_FIELDS.items():
        if name not in data:
            continue
        raw = data[name]
        try:
            value = int(str(raw).strip())
        except ValueError:
            value = None
        if value is None or not low <= value <= high or str(raw).strip() != str(value):
            problems.append(FieldError(f"应为{low}到{high}之间的整数", field=name, value=str(raw),
                                       message_en=f"a whole number from {low} to {high}"))
            continue
        setattr(row, name, value)
    if problems:
        raise InputRejected(problems)
    changes = audit.diff(old, {name: getattr(row, name) for name in SETTING_FIELDS})
    if changes or row.pk is None:
        row.save()
    if changes:
        audit.record("update", "lead_settings", plan.pk, changes, actor_name(user), f"{plan.code} 招商时限设置",
                     plan.code)
        bump_revision(plan)
    return row
