"""The approvals ledger (前期手续台账): one row per project and approval kind (domain §1.5, §2.2).

A row is keyed by 项目编号 + 手续类型 and creates or updates that line of the project's
checklist; nothing is deleted. The rules are the approvals service's
(:func:`shigongtu.projects.services.approvals.save_approval`): a known kind, a status from the list,
批复日期 not after today, 有效期至 not before 批复日期. Rows are written in bulk but keep what
the service keeps: version bumps, the change history (object ``approval`` with the service's
field names) and the move to 具备开工条件 once every required line is 已取得 or 无需办理.

The small readers shared with the bonds ledger (projects by code, 是/否 cells, bounded
look-ups) live here too.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.ledgers import cells
from shigongtu.ledgers.io import Column, LedgerSpec, RawRow
from shigongtu.ledgers.kinds.base import CREATE, UNCHANGED, UPDATE, ImportContext, LedgerKind, RowPlan
from shigongtu.ledgers.labels import Said, en
from shigongtu.lib.errors import Conflict, ValueProblem
from shigongtu.orgs.access import MANAGE
from shigongtu.plans.services import actor_name, bump_revision
from shigongtu.projects.fields import read_bool
from shigongtu.projects.models import ApprovalItem, Project, StageChange
from shigongtu.projects.rules.approvals import (
    APPROVAL_KINDS,
    APPROVAL_STATUSES,
    IN_PROGRESS_ITEM,
    NOT_NEEDED,
    NOT_STARTED_ITEM,
    OBTAINED,
    ready_to_start,
)
from shigongtu.projects.rules.stages import PLANNING, PREPARATION, READY
from shigongtu.projects.selectors.filters import export_filter
from shigongtu.projects.services.access import open_plan, require_plan
from shigongtu.projects.services.approvals import APPROVAL_FIELDS
from shigongtu.projects.services.projects import label
from shigongtu.utilities import bulk

T = TypeVar("T")
YES_NO = ("是", "否")
# Above this many distinct keys a file's look-ups read the plan's rows whole: one query either
# way, and no IN list longer than a database accepts.
IN_LIMIT = 900
DATE_HELP = "日期，如 2023-04-01 或 2023年4月1日"

# -- shared readers ------------------------------------------------------------------------


def chunked(values: Iterable[T], size: int = IN_LIMIT) -> Iterator[list[T]]:
    items = list(values)
    return (items[i:i + size] for i in range(0, len(items), size))


def file_codes(rows: Sequence[RawRow]) -> set[str]:
    return {c for r in rows if (c := cells.text(r.values, "项目编号")) is not None}


def by_codes(qs: QuerySet[Any], codes: set[str], lookup: str) -> QuerySet[Any]:
    """``qs`` narrowed to the file's project codes, or left plan-wide for a long file."""
    return qs.filter(**{f"{lookup}__in": codes}) if len(codes) <= IN_LIMIT else qs


def load_projects(plan: Any, codes: set[str]) -> dict[str, Project]:
    """The plan's projects a file names, by code (one query)."""
    qs = Project.objects.filter(plan=plan).only("pk", "plan_id", "code", "name", "stage", "version")
    return {p.code: p for p in by_codes(qs, codes, "code")}


def project_cell(ctx: ImportContext, values: Mapping[str, Any], errs: cells.RowErrors,
                 projects: Mapping[str, Project]) -> Project | None:
    code = cells.text(values, "项目编号")
    if code is None:
        errs.add("项目编号", values.get("项目编号"), "必填：项目编号", en="required: project code")
        return None
    if code not in projects:
        errs.add("项目编号", code, f"施工图 {ctx.plan.code} 中没有项目编号为 {code} 的项目",
                 en=f"plan {ctx.plan.code} has no project with code {code}")
        return None
    return projects[code]


def yes_no_cell(values: Mapping[str, Any], key: str, errs: cells.RowErrors) -> bool | None:
    """是 → True, 否 → False, an empty cell → None (left as it is)."""
    value = values.get(key)
    if cells.blank(value):
        return None
    try:
        return read_bool(value)
    except ValueProblem as exc:
        errs.add_problem(key, value, exc)
        return None


def text_cell(values: Mapping[str, Any], key: str, errs: cells.RowErrors, max_length: int) -> str:
    text = cells.text(values, key) or ""
    if len(text) > max_length:
        errs.add(key, values.get(key), f"{key}最长{max_length}个字符（现为{len(text)}个）",
                 en=f"at most {max_length} characters (this has {len(text)})")
    return text


def yes_no(flag: bool) -> str:
    return "是" if flag else "否"


def shown_changes(changes: Mapping[str, list[Any]], headers: Mapping[str, str], creating: bool) -> dict[str, Any]:
    """A row's changes as the preview shows them: by column header, 是/否 for flags, and for a
    new record only what it is given."""
    def shown(value: Any) -> Any:
        return yes_no(value) if isinstance(value, bool) else value

    return {headers[f]: [shown(old), shown(new)] for f, (old, new) in changes.items()
            if not creating or new not in (None, "")}


def note_other_name(ctx: ImportContext, row: RawRow, project: Project) -> None:
    """项目名称 is not imported, but a name that differs from the platform's may mean a mistyped code."""
    name = cells.text(row.values, "项目名称")
    if name is not None and name != project.name:
        ctx.state.setdefault("other_names", []).append(
            (f"第 {row.number} 行 {project.code}：表中为「{name}」，平台为「{project.name}」",
             f"row {row.number} {project.code}: {name} in the sheet, {project.name} on the platform"))


def warn_other_names(ctx: ImportContext) -> None:
    rows = ctx.state.pop("other_names", [])
    if rows:
        more = f" 等 {len(rows)} 行" if len(rows) > 10 else ""
        more_en = f" and more ({len(rows)} rows)" if len(rows) > 10 else ""
        ctx.warnings.append(Said("项目名称与平台不一致（导入不修改项目名称，请核对项目编号）："
                                 + "；".join(zh for zh, _ in rows[:10]) + more,
                                 "Project names differ from the platform's (the import leaves names as they are; "
                                 "check the project codes): " + "; ".join(e for _, e in rows[:10]) + more_en))


# -- kinds and statuses as people write them ------------------------------------------------


def _fold(text: str) -> str:
    """Width-folded, without whitespace, case-folded: 立项(备案) and 立项（ 备案 ） match."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


# Names seen in county dispatch sheets (domain §1.5) for the platform's kinds.
KIND_ALIASES = {
    "项目赋码": "项目代码赋码", "赋码": "项目代码赋码", "用地预审": "用地预审与选址", "选址意见书": "用地预审与选址",
    "环境影响评价": "环评", "环评批复": "环评", "节能": "节能审查", "能评": "节能审查", "水保": "水土保持",
    "水土保持方案": "水土保持", "水土保持方案批复": "水土保持", "稳评": "社会稳定风险评估",
    "用地规划许可证": "建设用地规划许可", "建设用地规划许可证": "建设用地规划许可", "土地出让": "土地出让/划拨",
    "土地划拨": "土地出让/划拨", "土地证": "土地出让/划拨", "不动产权证": "土地出让/划拨",
    "规划设计方案审查": "规划方案审查", "工程规划许可证": "建设工程规划许可", "建设工程规划许可证": "建设工程规划许可",
    "施工许可证": "施工许可", "施工许可证(含消防设计审查)": "施工许可", "竣工验收备案": "竣工验收",
}
KNOWN_KINDS = {_fold(k): k for k in APPROVAL_KINDS} | {_fold(a): k for a, k in KIND_ALIASES.items()}
STATUS_WORDS = {_fold(w): s for s, words in {
    NOT_STARTED_ITEM: ("未启动", "未开始", "未办理", "not started"),
    IN_PROGRESS_ITEM: ("办理中", "正在办理", "在办", "in progress"),
    OBTAINED: ("已取得", "已办结", "已完成", "已批复", "obtained", "done"),
    NOT_NEEDED: ("无需办理", "不需办理", "无需", "不涉及", "not needed", "n/a"),
}.items() for w in words}


def read_kind(raw: str, own: Mapping[str, str]) -> str | None:
    """The checklist kind a cell names: the project's own line first, then the platform's kinds."""
    key = _fold(raw)
    return own.get(key) or KNOWN_KINDS.get(key)


# -- the ledger -----------------------------------------------------------------------------

FIELD_HEADERS = {"kind": "手续类型", "required": "是否必需", "status": "办理状态", "doc_no": "批复文号",
                 "issued_on": "批复日期", "valid_until": "有效期至", "planned_by": "计划完成日期",
                 "handling_unit": "经办部门"}
TEXTS = {"批复文号": "doc_no", "经办部门": "handling_unit"}
DATES = {"批复日期": ("issued_on", False), "有效期至": ("valid_until", True), "计划完成日期": ("planned_by", True)}
NEW_ITEM = {"required": True, "status": NOT_STARTED_ITEM, "doc_no": "", "issued_on": None,
            "valid_until": None, "planned_by": None, "handling_unit": ""}
READY_NOTE = "前期手续已全部办结"

# The key columns of a ledger about the plan's projects (the name is for reading only).
PROJECT_COLUMNS = (
    Column("项目编号", ("code", "编号", "project code"), required=True, help_zh="本施工图内的项目编号", width=12),
    Column("项目名称", ("name", "project name"), help_zh="仅供查阅；导入时不修改项目名称", width=30),
)

SPEC = LedgerSpec(
    kind="approvals",
    title_zh="前期手续台账",
    columns=(
        *PROJECT_COLUMNS,
        Column("手续类型", ("kind", "approval", "手续名称", "审批事项"), required=True, choices=APPROVAL_KINDS,
               help_zh="从下拉选项中选择；项目已有的自定义手续照原名填写", width=18),
        Column("是否必需", ("required", "必需", "是否必办"), choices=YES_NO,
               help_zh="是 / 否；留空不修改（新手续默认为“是”）", width=10),
        Column("办理状态", ("status", "状态", "办理情况"), choices=APPROVAL_STATUSES,
               help_zh="留空不修改（新手续默认为“未启动”）", width=10),
        Column("批复文号", ("doc no", "文号", "批准文号", "证书编号"), help_zh="最长100个字符；留空即清空", width=26),
        Column("批复日期", ("issued on", "取得日期", "发证日期"), help_zh=DATE_HELP + "；不能晚于今天", width=13),
        Column("有效期至", ("valid until", "有效期", "到期日期"), help_zh=DATE_HELP + "；不早于批复日期", width=13),
        Column("计划完成日期", ("planned by", "计划完成时间", "计划办结时间"), help_zh=DATE_HELP, width=13),
        Column("经办部门", ("handling unit", "办理部门", "审批部门", "经办单位"), help_zh="最长100个字符", width=18),
    ),
)


class ApprovalsKind(LedgerKind):
    name = "approvals"
    title_zh = "前期手续台账"
    title_en = "Approvals"
    spec = SPEC
    notes = (
        "一行一项手续：按「项目编号 + 手续类型」新增或更新，不删除；表中没有的手续保持不变。",
        "手续类型从下拉选项中选择（如 立项（备案）、环评、施工许可），也可写常见叫法，如“施工许可证”“环境影响评价”。",
        "批复日期不能晚于今天，有效期至不能早于批复日期。文号、部门和日期留空即清空；是否必需、办理状态留空则不修改。",
        "项目名称列仅供查阅，导入时不修改。",
        "谋划或前期阶段的项目，必需手续全部“已取得”或“无需办理”后，导入时自动转为“具备开工条件”。",
    )

    def prepare(self, ctx: ImportContext, rows: list[RawRow]) -> None:
        codes = file_codes(rows)
        projects = load_projects(ctx.plan, codes)
        items = by_codes(ApprovalItem.objects.filter(project__plan=ctx.plan), codes, "project__code")
        checklists: dict[int, dict[str, ApprovalItem]] = defaultdict(dict)
        for item in items:
            checklists[item.project_id][item.kind] = item
        ctx.state.update(projects=projects, checklists=checklists, own_kinds={
            pid: {_fold(k): k for k in kinds} for pid, kinds in checklists.items()})

    def check(self, ctx: ImportContext, rows: list[RawRow]) -> Iterator[RowPlan]:
        today = timezone.localdate()
        projects: dict[str, Project] = ctx.state["projects"]
        checklists: dict[int, dict[str, ApprovalItem]] = ctx.state["checklists"]
        seen: dict[tuple[str, str], int] = {}
        final: dict[int, dict[str, tuple[bool, str]]] = {}  # the checklists as the file leaves them
        for row in rows:
            v = row.values
            errs = ctx.row_errors(row)
            project = project_cell(ctx, v, errs, projects)
            kind = self._kind(ctx, v, errs, project)
            if project is not None and kind is not None:
                if (project.code, kind) in seen:
                    errs.add("手续类型", v.get("手续类型"), f"项目 {project.code} 的「{kind}」在本表中重复"
                                                      f"（第 {seen[project.code, kind]} 行已有）",
                             en=f"duplicate {kind} for project {project.code} in this file "
                                f"(already on row {seen[project.code, kind]})")
                seen.setdefault((project.code, kind), row.number)
            item = checklists[project.pk].get(kind) if project is not None and kind is not None else None
            data = self._values(ctx, v, errs)
            self._check_dates(v, data, item, errs, today)
            if not ctx.keep(errs) or project is None or kind is None:
                continue
            note_other_name(ctx, row, project)
            plan_row = self._plan_row(row.number, project, kind, item, data)
            if plan_row.action != UNCHANGED:
                after = plan_row.payload["after"]
                final.setdefault(project.pk, {k: (i.required, i.status) for k, i in checklists[project.pk].items()})
                final[project.pk][kind] = (after["required"], after["status"])
            yield plan_row
        warn_other_names(ctx)
        self._note_readiness(ctx, projects, checklists, final)

    def _kind(self, ctx: ImportContext, v: Mapping[str, Any], errs: cells.RowErrors,
              project: Project | None) -> str | None:
        raw = cells.text(v, "手续类型")
        if raw is None:
            errs.add("手续类型", v.get("手续类型"), "必填：手续类型", en="required: approval kind")
            return None
        own = ctx.state["own_kinds"].get(project.pk, {}) if project is not None else {}
        kind = read_kind(raw, own)
        if kind is None:
            if _fold(raw) == "立项":
                hint = "“立项”请写明：立项（审批）、立项（核准）或立项（备案）"
                hint_en = "for 立项 say which: 立项（审批）, 立项（核准） or 立项（备案）"
            else:
                hint = f"可用：{'、'.join(APPROVAL_KINDS)}"
                hint_en = f"use one of {', '.join(APPROVAL_KINDS)}"
            errs.add("手续类型", raw, f"未知的手续类型「{raw}」（{hint}）",
                     en=f"unknown approval kind {raw} ({hint_en})")
        return kind

    def _values(self, ctx: ImportContext, v: Mapping[str, Any], errs: cells.RowErrors) -> dict[str, Any]:
        """The row's fields by the service's names; a column the file lacks is left out."""
        present = ctx.headers
        data: dict[str, Any] = {}
        if "是否必需" in present and (required := yes_no_cell(v, "是否必需", errs)) is not None:
            data["required"] = required
        raw_status = v.get("办理状态")
        if "办理状态" in present and not cells.blank(raw_status):
            status = STATUS_WORDS.get(_fold(str(raw_status)))
            if status is None:
                errs.add("办理状态", raw_status, f"办理状态应为{'、'.join(APPROVAL_STATUSES)}之一",
                         en=f"the status must be one of {', '.join(APPROVAL_STATUSES)}")
            else:
                data["status"] = status
        for header, name in TEXTS.items():
            if header in present:
                data[name] = text_cell(v, header, errs, 100)
        for header, (name, as_end) in DATES.items():
            if header in present:
                data[name] = cells.date_cell(v, header, errs, as_end=as_end)
        return data

    def _check_dates(self, v: Mapping[str, Any], data: Mapping[str, Any], item: ApprovalItem | None,
                     errs: cells.RowErrors, today: dt.date) -> None:
        issued = data["issued_on"] if "issued_on" in data else getattr(item, "issued_on", None)
        valid = data["valid_until"] if "valid_until" in data else getattr(item, "valid_until", None)
        if "issued_on" in data and issued is not None and issued > today:
            errs.add("批复日期", v.get("批复日期"), f"批复日期 {issued} 晚于今天（{today}），不能填将来的日期",
                     en=f"approval date {issued} is after today ({today}); no future dates")
        if issued is not None and valid is not None and valid < issued:
            column = "有效期至" if "valid_until" in data else "批复日期"
            errs.add(column, v.get(column), f"有效期至 {valid} 早于批复日期 {issued}",
                     en=f"valid until {valid} is before the approval date {issued}")

    def _plan_row(self, number: int, project: Project, kind: str, item: ApprovalItem | None,
                  data: Mapping[str, Any]) -> RowPlan:
        before = None if item is None else {f: getattr(item, f) for f in APPROVAL_FIELDS}
        after = {"kind": kind, **NEW_ITEM} if before is None else dict(before)
        after.update(data)
        changes = audit.diff(before, after)
        action = CREATE if item is None else (UPDATE if changes else UNCHANGED)
        payload = {"project": project, "after": after, "changes": changes}
        return RowPlan(number, f"{project.code} {kind}", action, shown_changes(changes, FIELD_HEADERS, item is None),
                       payload, item)

    def _note_readiness(self, ctx: ImportContext, projects: Mapping[str, Project],
                        checklists: Mapping[int, Mapping[str, ApprovalItem]],
                        final: Mapping[int, Mapping[str, tuple[bool, str]]]) -> None:
        """Say in the preview which projects the file makes ready to start (具备开工条件)."""
        by_id = {p.pk: p for p in projects.values()}
        for pid, lines in final.items():
            project = by_id[pid]
            now = [(k, i.required, i.status) for k, i in checklists[pid].items()]
            then = [(k, required, status) for k, (required, status) in lines.items()]
            if project.stage in (PLANNING, PREPARATION) and ready_to_start(then) \
                    and not ready_to_start(now):
                ctx.warnings.append(Said(f"项目 {project.code} 的必需前期手续将全部办结，"
                                         f"项目阶段将由「{project.stage}」转为「{READY}」",
                                         f"Project {project.code} will have every required approval: its stage "
                                         f"moves from {en(project.stage)} to {en(READY)}"))

    @transaction.atomic
    def apply(self, ctx: ImportContext, plans: list[RowPlan]) -> None:
        plan = open_plan(ctx.plan)
        require_plan(ctx.user, plan, MANAGE)
        today, now = timezone.localdate(), timezone.now()
        lock_versions(ApprovalItem, [(p.target, f"项目 {p.payload['project'].code} 的手续「{p.target.kind}」")
                                     for p in plans if p.target is not None])
        next_sort = {pid: max((i.sort for i in lines.values()), default=0) + 1
                     for pid, lines in ctx.state["checklists"].items()}
        fields = [f for f in APPROVAL_FIELDS if f != "kind"]
        columns = ("project_id", "sort", *(f.attname for f in ApprovalItem._meta.concrete_fields
                                           if f.attname not in ("id", "project_id", "sort")))
        base = bulk.new_row(ApprovalItem, now)
        creates, updates = [], []
        for p in plans:
            project, after = p.payload["project"], p.payload["after"]
            if p.target is None:
                sort = next_sort.get(project.pk, 1)
                next_sort[project.pk] = sort + 1
                row = {**base, **after, "project_id": project.pk, "sort": sort}
                creates.append([row[c] for c in columns])
            else:
                updates.append((*(after.get(f, getattr(p.target, f)) for f in fields), p.target.version + 1,
                                p.target.pk))
        # through the bulk path (one prepared statement, COPY on PostgreSQL); new ids by project and kind
        bulk.insert_rows(ApprovalItem, columns, creates)
        bulk.update_rows(ApprovalItem, (*fields, "version"), updates)
        ids = {(pid, kind): pk for pid, kind, pk in ApprovalItem.objects.filter(project__plan=plan).values_list(
            "project_id", "kind", "pk")} if creates else {}
        entries = []
        for p in plans:
            project = p.payload["project"]
            kind = p.target.kind if p.target is not None else p.payload["after"]["kind"]
            entries.append({"action": p.action, "object_type": "approval",
                            "object_id": p.target.pk if p.target is not None else ids[(project.pk, kind)],
                            "label": f"{label(project)} · {kind}", "plan_code": plan.code,
                            "changes": p.payload["changes"]})
        touched = {p.payload["project"].pk for p in plans}
        entries += _advance_when_ready(plan, touched, ctx.user, today, now)
        audit.record_many(entries, actor_name(ctx.user))
        bump_revision(plan)

    def export_rows(self, plan: Any, user: Any, filters: Mapping[str, Any] | None = None) -> Iterable[dict[str, Any]]:
        qs = ApprovalItem.objects.filter(project__plan=plan)
        if user is not None:
            qs = qs.for_user(user, "view")
        rows = export_filter(qs, filters, plan).select_related("project").order_by("project__code", "sort", "id")
        for item in rows.iterator(2000):
            yield {"项目编号": item.project.code, "项目名称": item.project.name, "手续类型": item.kind,
                   "是否必需": yes_no(item.required), "办理状态": item.status, "批复文号": item.doc_no or None,
                   "批复日期": item.issued_on, "有效期至": item.valid_until, "计划完成日期": item.planned_by,
                   "经办部门": item.handling_unit or None}


def lock_versions(model: Any, targets: list[tuple[Any, str]]) -> None:
    """Lock the rows a file updates (object, what it is); Conflict when one changed since the
    file was checked, as a stale ``expected_version`` does in the services."""
    fresh: dict[int, int] = {}
    for ids in chunked(t.pk for t, _ in targets):
        fresh.update(model.objects.select_for_update().filter(pk__in=ids).values_list("pk", "version"))
    for target, what in targets:
        if fresh.get(target.pk) != target.version:
            raise Conflict(what, fresh.get(target.pk, 0))


def _advance_when_ready(plan: Any, project_ids: set[int], user: Any, today: dt.date,
                        now: dt.datetime) -> list[dict[str, Any]]:
    """Move the projects in 谋划/前期 whose required approvals are now all cleared to 具备开工条件,
    as the approvals service does one line at a time; returns their history entries."""
    candidates: list[Project] = []
    for ids in chunked(sorted(project_ids)):
        candidates += Project.objects.select_for_update().filter(
            pk__in=ids, stage__in=(PLANNING, PREPARATION)).only("pk", "code", "name", "stage", "version")
    lines: dict[int, list[tuple[str, bool, str]]] = defaultdict(list)
    for ids in chunked([c.pk for c in candidates]):
        for pid, kind, required, status in ApprovalItem.objects.filter(project_id__in=ids).values_list(
                "project_id", "kind", "required", "status"):
            lines[pid].append((kind, required, status))
    ready = [c for c in candidates if ready_to_start(lines[c.pk])]
    who = user if getattr(user, "pk", None) else None
    olds = {c.pk: c.stage for c in ready}
    for c in ready:
        c.stage, c.version, c.updated_at = READY, c.version + 1, now
    Project.objects.bulk_update(ready, ["stage", "version", "updated_at"], batch_size=500)
    StageChange.objects.bulk_create([StageChange(project=c, from_stage=olds[c.pk], to_stage=READY,
                                                 effective=today, note=READY_NOTE, flags=[], by=who) for c in ready])
    return [{"action": "stage", "object_type": "project", "object_id": c.pk, "label": label(c),
             "plan_code": plan.code, "changes": {"stage": [olds[c.pk], READY]}} for c in ready]


KIND = ApprovalsKind()
