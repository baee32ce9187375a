"""Ledger rows of the attraction pipeline (招商项目台账): checked in batches, written in bulk.

:func:`validate_lead_rows` checks rows against the plan and writes nothing; :func:`apply_lead_rows`
writes the checked rows with the same values, timeline entries and change history that
:func:`shigongtu.attraction.services.save_lead` gives one lead at a time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from shigongtu.attraction.fields import AUDITED, LeadLookups, clean_lead, duplicate_key, duplicate_problem
from shigongtu.attraction.models import FundArrival, Lead, LeadEvent
from shigongtu.attraction.rules import stages
from shigongtu.attraction.services import OBJECT, assigned_values, snapshot
from shigongtu.audit import services as audit
from shigongtu.lib.errors import FieldError
from shigongtu.orgs.access import MANAGE, require
from shigongtu.plans.models import Plan
from shigongtu.plans.services import actor_name, bump_revision, ensure_open
from shigongtu.projects.models import Project
from shigongtu.utilities import bulk

COLUMNS = frozenset(a for a in AUDITED)
EVENT_COLUMNS = ("lead_id", "on", "kind", "stage", "note", "by_id", "at")
FUND_COLUMNS = ("lead_id", "date", "amount", "origin", "note", "created_at")
FUND_NOTE = "台账导入"


@dataclass
class RowState:
    """What spans the chunks of one file: codes seen, signing keys, the plan's leads and projects."""

    plan: Plan
    look: LeadLookups
    seen: set[str] = field(default_factory=set)
    file_keys: dict[tuple[str, str, int], str] = field(default_factory=dict)
    db_keys: dict[tuple[str, str, int], set[str]] | None = None
    by_national: dict[str, int] | None = None
    by_credit: dict[str, int] | None = None

    def signed_keys(self) -> dict[tuple[str, str, int], set[str]]:
        if self.db_keys is None:
            self.db_keys = defaultdict(set)
            for code, name, investor, signed_on in Lead.objects.filter(
                    plan=self.plan, signed_on__isnull=False, increment=False).values_list(
                    "code", "name", "investor", "signed_on"):
                key = duplicate_key(name, investor, signed_on)
                if key:
                    self.db_keys[key].add(code)
        return self.db_keys

    def projects(self) -> tuple[dict[str, int], dict[str, int]]:
        """The plan's key projects by national code and owner credit code (read once per file);
        also fills the lookups by project code, so no row looks a project up on its own."""
        if self.by_national is None or self.by_credit is None:
            self.by_national, self.by_credit = {}, {}
            projects = list(Project.objects.filter(plan=self.plan).order_by("-pk").only(
                "pk", "code", "plan_id", "national_code", "owner_credit_code"))
            for p in projects:
                self.look.projects[p.code] = p
                if p.national_code:
                    self.by_national[p.national_code] = p.pk
                if p.owner_credit_code:
                    self.by_credit[p.owner_credit_code] = p.pk
        return self.by_national, self.by_credit


def validate_lead_rows(plan: Plan, rows: Iterable[Mapping[str, Any]], *, state: RowState,
                       existing: Mapping[str, Lead], header_units: Mapping[str, str] | None = None,
                       today: dt.date | None = None) -> list[tuple[dict[str, Any], list[FieldError]]]:
    """Check ledger rows (canonical header → raw cell) against the plan; writes nothing.

    Per row: its clean values and its problems (naming column and value; the caller adds the row
    number). A code given twice, or a signing repeating another (same name, investor and year,
    not marked 增资扩产) in the file or the plan, is a problem on the later row.
    """
    today = today or timezone.localdate()
    state.projects()
    out = []
    for values in rows:
        code = str(values.get("编号") or values.get("code") or "").strip()
        lead = existing.get(code)
        clean, problems = clean_lead(plan, values, lead, look=state.look, today=today, header_units=header_units)
        if code and code in state.seen:
            problems.append(FieldError(f"编号 {code} 在表中重复", field="code", column="编号", value=code,
                                       message_en=f"duplicate code {code} in this file"))
        state.seen.add(code)
        if not problems:
            problems += _duplicate(state, code, clean, lead)
        out.append((clean, problems))
    return out


def _duplicate(state: RowState, code: str, clean: Mapping[str, Any], lead: Lead | None) -> list[FieldError]:
    def now(name: str) -> Any:
        return clean[name] if name in clean else getattr(lead, name, None)

    key = duplicate_key(now("name") or "", now("investor") or "", now("signed_on"))
    if key is None or now("increment"):
        return []
    others = state.signed_keys().get(key, set()) - {code}
    if others:
        return [duplicate_problem(code, sorted(others)[0])]
    if key in state.file_keys and state.file_keys[key] != code:
        return [duplicate_problem(code, state.file_keys[key])]
    state.file_keys[key] = code
    return []


def link_started(state: RowState, values: dict[str, Any]) -> None:
    """A started lead without a project takes the plan's key project with its national or credit code."""
    if values.get("project_id") or not values.get("started_on"):
        return
    by_national, by_credit = state.projects()
    pk = by_national.get(values.get("national_code") or "") or by_credit.get(values.get("investor_credit_code") or "")
    if pk:
        values["project_id"] = pk


@transaction.atomic
def apply_lead_rows(plan: Plan, clean_rows: Iterable[Mapping[str, Any]], state: RowState, user: Any = None,
                    *, today: dt.date | None = None, funds_day: dt.date | None = None,
                    funds_days: Mapping[str, dt.date] | None = None) -> dict[str, int]:
    """Write rows checked by :func:`validate_lead_rows`: create or update each lead by code.

    Never deletes; fields a row does not carry are left as they are. Needs the manage right on
    the plan. A row's 到位资金 above what the lead's fund arrivals of the plan year add up to
    becomes a dated fund arrival (到位资金) of the difference, dated the row's own 到位日期
    (``funds_days`` by code), else ``funds_day`` (the import's month end), else today within
    the plan year — so the month-by-month ``attraction.funds`` indicator counts it.
    Returns ``{"created": n, "updated": n, "unchanged": n}``.
    """
    today = today or timezone.localdate()
    plan = ensure_open(Plan.objects.select_for_update().get(pk=plan.pk))
    require(user, plan, MANAGE)
    rows = list(clean_rows)
    codes = {c["code"] for c in rows}
    existing = {x.code: x for x in Lead.objects.select_for_update().filter(plan=plan, code__in=codes)}
    now = timezone.now()
    by = user.pk if getattr(user, "pk", None) else None
    events: list[tuple[Any, ...]] = []
    items, pks = _create(plan, state, [c for c in rows if c["code"] not in existing], now, today, by, events)
    created = len(items)
    pks.update((code, lead.pk) for code, lead in existing.items())
    updates = _update(plan, state, [(existing[c["code"]], c) for c in rows if c["code"] in existing], now, today, by,
                      events)
    items += updates
    bulk.insert_rows(LeadEvent, EVENT_COLUMNS, events)
    day = funds_day or min(today, dt.date(plan.year, 12, 31))
    _arrivals(plan, rows, pks, {**{c["code"]: day for c in rows}, **(funds_days or {})}, now)
    if items:
        audit.record_many(items, actor_name(user))
        bump_revision(plan, aspect="attraction")
    return {"created": created, "updated": len(updates), "unchanged": len(rows) - len(items)}


def _item(plan: Plan, action: str, pk: int, code: str, name: str, changes: dict[str, Any]) -> dict[str, Any]:
    return {"action": action, "object_type": OBJECT, "object_id": pk, "label": f"{code} {name}",
            "plan_code": plan.code, "changes": changes}


def _stage_event(pk: int, values: Mapping[str, Any], old_stage: str, today: dt.date, now: Any, by: Any,
                 events: list[tuple[Any, ...]]) -> None:
    dates = {attr: values.get(attr) for _, attr in stages.DATED}
    stage = stages.stage_at(values["stage"], dates, today, values.get("exited_on"))
    if stage == old_stage:
        return
    attr = stages.DATE_OF.get(stage)
    other = "exited_on" if stage in stages.EXITS else "contacted_on"
    day = values.get(attr or other)
    events.append((pk, day or today, LeadEvent.Kind.STAGE, stage, "", by, now))


def _create(plan: Plan, state: RowState, rows: list[Mapping[str, Any]], now: Any, today: dt.date, by: Any,
            events: list[tuple[Any, ...]]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    if not rows:
        return [], {}
    base = bulk.new_row(Lead, now)
    base["plan_id"] = plan.pk
    columns = list(base)
    made = []
    for clean in rows:
        values = dict(base)
        values.update(assigned_values(clean, plan))
        link_started(state, values)
        made.append(values)
    # The plan is locked, so the plan's leads numbered after its last one are these.
    last = Lead.objects.filter(plan=plan).aggregate(last=Max("pk"))["last"] or 0
    bulk.insert_rows(Lead, columns, ([v[c] for c in columns] for v in made))
    ids = dict(Lead.objects.filter(plan=plan, pk__gt=last).values_list("code", "pk"))
    items = []
    for values in made:
        pk = ids[values["code"]]
        _stage_event(pk, values, "", today, now, by, events)
        changes = audit.created({name: values[name] for name in AUDITED}, plain=False)
        items.append(_item(plan, "create", pk, values["code"], values["name"], changes))
    return items, ids


def _update(plan: Plan, state: RowState, pairs: list[tuple[Lead, Mapping[str, Any]]], now: Any, today: dt.date,
            by: Any, events: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    changed: list[tuple[Lead, dict[str, Any]]] = []
    for lead, clean in pairs:
        old = snapshot(lead)
        old_stage = stages.stage_at(lead.stage, lead.stage_dates(), today, lead.exited_on)
        values = assigned_values(clean, plan)
        for name, value in values.items():
            setattr(lead, name, value)
        merged = snapshot(lead)
        link_started(state, merged)
        lead.project_id = merged["project_id"]
        changes = audit.diff(old, snapshot(lead))
        if not changes:
            continue
        lead.version += 1
        lead.updated_at = now
        _stage_event(lead.pk, snapshot(lead), old_stage, today, now, by, events)
        changed.append((lead, changes))
    by_columns: dict[tuple[str, ...], list[Lead]] = defaultdict(list)
    for lead, changes in changed:
        by_columns[(*sorted(k for k in changes if k in COLUMNS), "version", "updated_at")].append(lead)
    for columns, leads in by_columns.items():
        bulk.update_rows(Lead, columns, ([getattr(x, c) for c in columns] + [x.pk] for x in leads))
    return [_item(plan, "update", lead.pk, lead.code, lead.name, changes) for lead, changes in changed]


def _arrivals(plan: Plan, rows: list[Mapping[str, Any]], ids: Mapping[str, int], days: Mapping[str, dt.date],
              now: Any) -> int:
    """Dated fund arrivals for the rows' 到位资金 beyond the leads' arrivals of the plan year (one query)."""
    given = {c["code"]: c["funds"] for c in rows if c.get("funds")}
    if not given:
        return 0
    had = dict(FundArrival.objects.filter(lead_id__in=[ids[c] for c in given], date__year=plan.year).values("lead_id")
               .annotate(s=Sum("amount")).values_list("lead_id", "s"))
    first, last = dt.date(plan.year, 1, 1), dt.date(plan.year, 12, 31)
    batch = [(ids[code], min(max(days[code], first), last), amount - (had.get(ids[code]) or 0), "", FUND_NOTE, now)
             for code, amount in given.items() if amount > (had.get(ids[code]) or 0)]
    bulk.insert_rows(FundArrival, FUND_COLUMNS, batch)
    return len(batch)
