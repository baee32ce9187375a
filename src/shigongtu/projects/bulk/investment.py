"""Rows of the investment ledger (月度投资): checked in batches, written in bulk.

Rows are keyed by (项目编号, 填报月份). :func:`validate_investment_rows` checks them and writes
nothing; :func:`apply_investment_rows` creates or replaces each month's report through one
prepared statement per batch, records the change history and refreshes the projects'
year-to-date figures. A caller checking a long file in batches passes a :class:`RowState`
to every batch: the keys seen so far and, when the file has a year-to-date column, the
amounts counted so far per project.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.lib.errors import FieldError
from shigongtu.orgs.access import MANAGE
from shigongtu.plans.models import Plan
from shigongtu.plans.readmodel import INVESTMENT
from shigongtu.plans.services import actor_name, bump_revision
from shigongtu.projects import totals
from shigongtu.projects.fields import clean_investment, investment_problem
from shigongtu.projects.models import InvestmentReport, Project
from shigongtu.projects.services.access import open_plan, require_plan
from shigongtu.projects.services.investment import REPORT_FIELDS, counted_by_period, refresh_totals
from shigongtu.utilities import bulk

Status = InvestmentReport.Status
STAMPS = ("submitted_at", "submitted_by_id", "return_reason", "version")  # set on every replaced report
PROJECT_FIELDS = ("pk", "code", "name", "stage", "plan_id")


@dataclass
class RowState:
    """What spans the batches of one file."""

    seen: dict[int, set[str]] = field(default_factory=dict)  # project id → periods met in the file
    counted: dict[int, dict[str, Decimal]] = field(default_factory=dict)  # project id → period → amount


def _code(values: Mapping[str, Any]) -> str:
    return str(values.get("项目编号") or values.get("project") or "").strip()


def projects_by_code(plan: Plan, rows: Iterable[Mapping[str, Any]]) -> dict[str, Project]:
    codes = {_code(r) for r in rows}
    return {p.code: p for p in Project.objects.filter(plan=plan, code__in=codes).only(*PROJECT_FIELDS)}


def validate_investment_rows(plan: Plan, rows: Iterable[Mapping[str, Any]], *, today: dt.date | None = None,
                             header_units: Mapping[str, str] | None = None,
                             projects: Mapping[str, Project] | None = None,
                             state: RowState | None = None) -> list[tuple[dict[str, Any], list[FieldError]]]:
    """Check investment ledger rows (canonical header → raw cell) against the plan; writes nothing.

    The project must be on the plan, the (project, month) pair must not repeat in the file, and
    a year-to-date column must agree with the months reported so far (the database's and the
    file's earlier rows). Clean values carry ``project_id``.
    """
    today = today or timezone.localdate()
    rows = list(rows)
    projects = projects if projects is not None else projects_by_code(plan, rows)
    state = state or RowState()
    with_ytd = any(r.get("本年累计完成投资") not in (None, "") or r.get("ytd") not in (None, "") for r in rows)
    if with_ytd:
        fresh = [p.pk for p in projects.values() if p.pk not in state.counted]
        for pk, periods in counted_by_period(fresh, plan.year).items():
            state.counted[pk] = periods
        for pk in fresh:
            state.counted.setdefault(pk, {})
    out = []
    for values in rows:
        code = _code(values)
        project = projects.get(code)
        problems: list[FieldError] = []
        if not code:
            problems.append(investment_problem("project", None, "缺少项目编号", "missing project code"))
        elif project is None:
            problems.append(investment_problem("project", code, f"施工图 {plan.code} 没有编号为 {code} 的项目",
                                               f"plan {plan.code} has no project with code {code}"))
        earlier = state.counted.get(project.pk, {}) if project is not None and with_ytd else None
        clean, more = clean_investment(plan, project, values, today=today, earlier=earlier, header_units=header_units)
        problems += more
        if project is not None and "period" in clean:
            met = state.seen.setdefault(project.pk, set())
            if clean["period"] in met:
                problems.append(investment_problem("period", clean["period"],
                                                   f"项目 {code} {clean['period']} 在表中重复",
                                                   f"duplicate month {clean['period']} for project {code} "
                                                   "in this file"))
            met.add(clean["period"])
            if with_ytd and clean.get("amount") is not None:
                state.counted.setdefault(project.pk, {})[clean["period"]] = clean["amount"]
            clean["project_id"] = project.pk
        out.append((clean, problems))
    return out


def validate_investment_row(plan: Plan, values: Mapping[str, Any], **options: Any
                            ) -> tuple[dict[str, Any], list[FieldError]]:
    """One row's clean values and problems; see :func:`validate_investment_rows`."""
    return validate_investment_rows(plan, [values], **options)[0]


def reports_by_key(project_ids: Iterable[int], *, lock: bool = False) -> dict[tuple[int, str], dict[str, Any]]:
    """The projects' reports as plain values, by (project id, period)."""
    qs = InvestmentReport.objects.filter(project_id__in=list(project_ids))
    if lock:
        qs = qs.select_for_update()
    return {(r["project_id"], r["period"]): r for r in qs.values("pk", "project_id", "period", "version",
                                                                    *REPORT_FIELDS)}


def report_changes(current: Mapping[str, Any] | None, clean: Mapping[str, Any],
                   status: str = Status.SUBMITTED) -> dict[str, list[Any]]:
    """Field → [old, new] that writing ``clean`` (as ``status``) makes to the report ``current``
    (None: a new report, which lists the fields given a value)."""
    if current is None:
        new = {f: clean.get(f) for f in REPORT_FIELDS if f != "status"}
        new["status"] = status
        return audit.created(new, plain=False)
    new = {f: clean[f] for f in REPORT_FIELDS if f in clean and f != "status"}
    new["status"] = status
    return audit.diff({f: current[f] for f in new}, new)


@transaction.atomic
def apply_investment_rows(plan: Plan, clean_rows: Iterable[Mapping[str, Any]], user: Any = None,
                          *, status: str = Status.SUBMITTED, finish: bool = True) -> dict[str, int]:
    """Write rows checked by :func:`validate_investment_rows`: each (project, month) is created or
    replaced and counts as reported (业主已报). Needs the manage right on the plan (an import).

    ``finish=False`` leaves the projects' year-to-date figures, the plan's monthly sums and its
    revision to :func:`finish_rows`, called once after the last batch of a file.
    Returns ``{"created": n, "updated": n, "unchanged": n}``.
    """
    plan = open_plan(Plan.objects.select_for_update().get(pk=plan.pk))
    require_plan(user, plan, MANAGE)
    rows = list(clean_rows)
    ids = {r["project_id"] for r in rows}
    projects = {pk: (code, name) for pk, code, name in
                Project.objects.filter(pk__in=ids).values_list("pk", "code", "name")}
    existing = reports_by_key(ids, lock=True)
    now, by = timezone.now(), (user.pk if getattr(user, "pk", None) else None)
    base = {**bulk.new_row(InvestmentReport, now), "plan_id": plan.pk, "status": status, "submitted_at": now,
            "submitted_by_id": by}
    columns = list(base)
    new: list[list[Any]] = []
    changed: dict[tuple[str, ...], list[list[Any]]] = defaultdict(list)  # by the columns that change
    made: list[tuple[str, int, str, dict[str, Any]]] = []  # action, project id, period, changes
    for clean in rows:
        pid, period = clean["project_id"], clean["period"]
        current = existing.get((pid, period))
        changes = report_changes(current, clean, status)
        if not changes:
            continue
        if current is None:
            values = {**base, "project_id": pid, "period": period,
                      **{f: clean[f] for f in REPORT_FIELDS if f in clean and f != "status"}}
            new.append([values[c] for c in columns])  # (validation leaves no key twice in a batch)
            made.append(("import", pid, period, changes))
        else:
            current.update({f: clean[f] for f in REPORT_FIELDS if f in clean and f != "status"})
            current.update(status=status, submitted_at=now, submitted_by_id=by, return_reason="",
                           version=current["version"] + 1)
            # only what changed: an UPDATE rewrites every index holding a column it names
            names = (*sorted(k for k in changes if k in REPORT_FIELDS), *STAMPS)
            changed[names].append([current[c] for c in names] + [current["pk"]])
            made.append(("update", pid, period, changes))
    bulk.insert_rows(InvestmentReport, columns, new)
    for names, updates in changed.items():
        bulk.update_rows(InvestmentReport, names, updates)
    pks: dict[tuple[int, str], int] = {}
    if new:
        pks = {(p, period): pk for pk, p, period in InvestmentReport.objects.filter(project_id__in=ids)
               .values_list("pk", "project_id", "period")}
    items = [{"action": action, "object_type": "investment", "object_id": pks[(pid, period)] if action == "import"
              else existing[(pid, period)]["pk"], "plan_code": plan.code,
              "label": f"{projects[pid][0]} {projects[pid][1]} · {period}", "changes": changes}
             for action, pid, period, changes in made]
    audit.record_many(items, actor_name(user))
    if finish:
        finish_rows(plan, ids, {period for _, _, period, _ in made})
    created = sum(1 for m in made if m[0] == "import")
    return {"created": created, "updated": len(made) - created, "unchanged": len(rows) - len(made)}


def finish_rows(plan: Plan, project_ids: Iterable[int], periods: Iterable[str]) -> None:
    """After a file's reports are written: the projects' 本年累计, the plan's monthly sums, its revision."""
    refresh_totals(project_ids)
    totals.invalidate(plan.pk, periods)
    bump_revision(plan, projects=True, aspect=INVESTMENT)
