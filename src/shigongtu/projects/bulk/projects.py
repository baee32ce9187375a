"""Ledger rows of the project library (重点项目台账): checked in batches, written in bulk.

:func:`validate_project_rows` checks rows against the plan and writes nothing;
:func:`apply_project_rows` writes the checked rows: new projects and changed ones go in a
handful of statements per batch, with the same values, stage history and change history
that :func:`shigongtu.projects.services.projects.save_project` gives one project at a time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.lib.errors import FieldError
from shigongtu.orgs.access import MANAGE
from shigongtu.plans.models import Node, Plan
from shigongtu.plans.services import actor_name, bump_revision
from shigongtu.projects import totals
from shigongtu.projects.fields import AUDITED, Lookups, clean_project, year_kind_of
from shigongtu.projects.models import ApprovalItem, Project, StageChange
from shigongtu.projects.rules.approvals import stage_flags
from shigongtu.projects.rules.stages import CONSTRUCTION, NOT_STARTED, REMOVED
from shigongtu.projects.services.access import open_plan, require_plan
from shigongtu.projects.services.projects import OBJECT, assign, assigned_values, snapshot
from shigongtu.utilities import bulk

STAGE_COLUMNS = ("project_id", "from_stage", "to_stage", "effective", "note", "flags", "at", "by_id")
NO_FLAGS = bulk.JSONText("[]")
COLUMNS = frozenset(AUDITED)  # the audited fields that are columns (all but the node links)


def validate_project_rows(plan: Plan, rows: Iterable[Mapping[str, Any]], *, create_units: bool = False,
                          header_units: Mapping[str, str] | None = None, today: dt.date | None = None,
                          existing: Mapping[str, Project] | None = None, seen: set[str] | None = None,
                          look: Lookups | None = None) -> list[tuple[dict[str, Any], list[FieldError]]]:
    """Check ledger rows (canonical header → raw cell value) against the plan; writes nothing.

    Returns, per row, its clean values (by API field name, with ``code``) and its problems
    (each naming ``column`` and ``value``; the caller adds the row number). A code repeated
    in the batch is a problem on the later row. ``header_units`` maps a header to the unit its
    column states (``总投资（亿元）``); amounts default to 万元. A caller checking a long file
    in batches passes the batch's ``existing`` projects by code, and the same ``seen`` codes
    and ``look`` to every batch.
    """
    rows = list(rows)
    today = today or timezone.localdate()
    look = look or Lookups(plan, create_units=create_units)
    if existing is None:
        codes = {_code(values) for values in rows}
        existing = {p.code: p for p in Project.objects.filter(plan=plan, code__in=codes)}
    seen = set() if seen is None else seen
    out = []
    for values in rows:
        code = _code(values)
        clean, problems = clean_project(plan, values, existing.get(code), look=look, today=today,
                                        header_units=header_units)
        if code and code in seen:
            problems.append(FieldError(f"项目编号 {code} 在表中重复", field="code", column="项目编号", value=code,
                                    message_en=f"duplicate project code {code} in this file"))
        seen.add(code)
        out.append((clean, problems))
    return out


def _code(values: Mapping[str, Any]) -> str:
    return str(values.get("项目编号") or values.get("code") or "").strip()


def validate_project_row(plan: Plan, values: Mapping[str, Any],
                         **options: Any) -> tuple[dict[str, Any], list[FieldError]]:
    """One ledger row's clean values and problems; see :func:`validate_project_rows`."""
    return validate_project_rows(plan, [values], **options)[0]


def new_project_values(base: Mapping[str, Any], clean: Mapping[str, Any], plan: Plan, *,
                       create_units: bool = True) -> dict[str, Any]:
    """A new project's columns: ``base`` (the defaults) with the row's values and its derived
    开工类型 (新开工 / 续建; 复工 is only ever said explicitly)."""
    values = dict(base)
    values.update(assigned_values(clean, plan, create_units=create_units))
    if not clean.get("year_kind"):
        values["year_kind"] = year_kind_of(values["actual_start"], values["nature"], values["planned_start"], plan.year)
    return values


def project_snapshot(values: Mapping[str, Any], codes: Iterable[str]) -> dict[str, Any]:
    """:func:`shigongtu.projects.services.projects.snapshot` of a project given as its column values."""
    data = {name: values[name] for name in AUDITED}
    data["nodes"] = ",".join(sorted(codes))
    return data


@transaction.atomic
def apply_project_rows(plan: Plan, clean_rows: Iterable[Mapping[str, Any]], user: Any = None,
                       *, today: dt.date | None = None) -> dict[str, int]:
    """Write rows checked by :func:`validate_project_rows`: create or update each project by code.

    Never deletes; fields a row does not carry are left as they are. Needs the manage right on
    the plan. Returns ``{"created": n, "updated": n, "unchanged": n}``.
    """
    today = today or timezone.localdate()
    plan = open_plan(Plan.objects.select_for_update().get(pk=plan.pk))
    require_plan(user, plan, MANAGE)
    rows = list(clean_rows)
    existing = {p.code: p for p in Project.objects.select_for_update().filter(
        plan=plan, code__in={c["code"] for c in rows})}
    writer = _Writer(plan, user, today)
    items = writer.create([c for c in rows if c["code"] not in existing])
    created = len(items)
    updates = writer.update([(existing[c["code"]], c) for c in rows if c["code"] in existing])
    items += updates
    if items:
        audit.record_many(items, actor_name(user))
        bump_revision(plan)
    return {"created": created, "updated": len(updates), "unchanged": len(rows) - len(items)}


class _Writer:
    """Bulk writes of one batch of rows for one plan."""

    def __init__(self, plan: Plan, user: Any, today: dt.date):
        self.plan, self.today = plan, today
        self.now = timezone.now()
        self.by = user.pk if getattr(user, "pk", None) else None
        self.stages: list[tuple[Any, ...]] = []
        self._node_ids: dict[str, int] | None = None

    def node_ids(self) -> dict[str, int]:
        if self._node_ids is None:
            self._node_ids = dict(Node.objects.filter(plan=self.plan).values_list("code", "pk"))
        return self._node_ids

    def item(self, action: str, pk: int, code: str, name: str, changes: dict[str, Any]) -> dict[str, Any]:
        return {"action": action, "object_type": OBJECT, "object_id": pk, "label": f"{code} {name}",
                "plan_code": self.plan.code, "changes": changes}

    def stage(self, pk: int, old: str, new: str, actual_start: dt.date | None, flags: Any = NO_FLAGS) -> None:
        effective = actual_start if new == CONSTRUCTION and actual_start else self.today
        self.stages.append((pk, old, new, min(effective, self.today), "", flags, self.now, self.by))

    def create(self, rows: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
        if not rows:
            return []
        base = bulk.new_row(Project, self.now)
        base["plan_id"] = self.plan.pk
        columns = list(base)
        made = [(new_project_values(base, clean, self.plan), clean.get("nodes") or []) for clean in rows]
        # The plan is locked, so the plan's projects numbered after its last one are these.
        last = Project.objects.filter(plan=self.plan).aggregate(last=Max("pk"))["last"] or 0
        bulk.insert_rows(Project, columns, ([v[c] for c in columns] for v, _ in made))
        ids = dict(Project.objects.filter(plan=self.plan, pk__gt=last).values_list("code", "pk"))
        node_ids = self.node_ids()
        bulk.insert_rows(Project.nodes.through, ("project_id", "node_id"),
                         ((ids[v["code"]], node_ids[c]) for v, codes in made for c in codes if c in node_ids))
        items = []
        for values, codes in made:
            pk = ids[values["code"]]
            if values["stage"]:
                # a new project has no approvals checklist yet, so nothing is flagged as missing
                self.stage(pk, "", values["stage"], values["actual_start"])
            changes = audit.created(project_snapshot(values, codes), plain=False)
            items.append(self.item("create", pk, values["code"], values["name"], changes))
        self.flush_stages()
        if any(values["stage"] == REMOVED for values, _ in made):
            totals.invalidate_year(self.plan.pk, self.plan.year)
        return items

    def update(self, pairs: list[tuple[Project, Mapping[str, Any]]]) -> list[dict[str, Any]]:
        """Changed projects only: their columns rewritten, version bumped, node links replaced."""
        if not pairs:
            return []
        links: dict[int, list[str]] = defaultdict(list)
        for project_id, code in Project.nodes.through.objects.filter(
                project_id__in=[p.pk for p, _ in pairs]).values_list("project_id", "node__code"):
            links[project_id].append(code)
        changed: list[tuple[Project, str, dict[str, Any]]] = []
        relinked: dict[int, list[str]] = {}
        for project, clean in pairs:
            old_codes = sorted(links.get(project.pk, []))
            old, old_stage = snapshot(project, old_codes), project.stage
            codes = assign(project, clean, self.plan)
            changes = audit.diff(old, snapshot(project, old_codes if codes is None else codes))
            if not changes:
                continue
            project.version += 1
            project.updated_at = self.now
            if codes is not None and sorted(codes) != old_codes:
                relinked[project.pk] = codes
            changed.append((project, old_stage, changes))
        if not changed:
            return []
        # Only the columns that changed: SQLite rewrites the entries of every index whose columns
        # an UPDATE sets, so setting all of them made a full re-import twenty times slower.
        by_columns: dict[tuple[str, ...], list[Project]] = defaultdict(list)
        for p, _, changes in changed:
            by_columns[(*sorted(k for k in changes if k in COLUMNS), "version", "updated_at")].append(p)
        for columns, projects in by_columns.items():
            bulk.update_rows(Project, columns, ([getattr(p, c) for c in columns] + [p.pk] for p in projects))
        if relinked:
            through = Project.nodes.through
            through.objects.filter(project_id__in=list(relinked)).delete()
            node_ids = self.node_ids()
            bulk.insert_rows(through, ("project_id", "node_id"),
                             ((pk, node_ids[c]) for pk, codes in relinked.items() for c in codes if c in node_ids))
        self._stage_entries([(p, old_stage) for p, old_stage, _ in changed if p.stage != old_stage])
        return [self.item("update", p.pk, p.code, p.name, changes) for p, _, changes in changed]

    def _stage_entries(self, moved: list[tuple[Project, str]]) -> None:
        if not moved:
            return
        checklists: dict[int, list[tuple[str, bool, str]]] = defaultdict(list)
        starting = [p.pk for p, old in moved if p.stage == CONSTRUCTION and old in NOT_STARTED]
        for pk, kind, required, status in ApprovalItem.objects.filter(project_id__in=starting).values_list(
                "project_id", "kind", "required", "status"):
            checklists[pk].append((kind, required, status))
        for project, old in moved:
            flags = stage_flags(project.stage, old, checklists.get(project.pk, []))
            self.stage(project.pk, old, project.stage, project.actual_start, flags or NO_FLAGS)
        self.flush_stages()
        if any(REMOVED in (p.stage, old) for p, old in moved):
            totals.invalidate_year(self.plan.pk, self.plan.year)

    def flush_stages(self) -> None:
        bulk.insert_rows(StageChange, STAGE_COLUMNS, self.stages)
        self.stages = []

