"""A projects ledger's approvals as wide columns, one per kind (contract §3): the county
调度表's 立项 | 环评 | 用地预审 | … with `√`, a date or a 文号 under each.

A cell marks its checklist line (前期手续) obtained (on the date it gives, with the 文号 it
gives), not needed (`/`, 无需, 不涉及), or says nothing (empty). The lines are written by the
approvals ledger's own path (:data:`shigongtu.ledgers.kinds.approvals.KIND`): the same rows,
the same history (object ``approval``) and the same move to 具备开工条件.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from shigongtu.ledgers import cells
from shigongtu.ledgers.io import Column, RawRow
from shigongtu.ledgers.kinds import approvals
from shigongtu.ledgers.kinds.base import UNCHANGED, ImportContext
from shigongtu.lib import periods
from shigongtu.lib.errors import FieldError, ValueProblem
from shigongtu.projects.models import ApprovalItem
from shigongtu.projects.rules.approvals import IN_PROGRESS_ITEM, NOT_NEEDED, NOT_STARTED_ITEM, OBTAINED

PROJECT_APPROVAL = "立项"
# The wide column as county sheets head it → the platform's checklist kind (立项 is the
# project's own 立项 line, else 立项（备案）), with the other names sheets use for it.
WIDE: dict[str, tuple[str, tuple[str, ...]]] = {
    "项目赋码": ("项目代码赋码", ("赋码", "项目代码赋码")),
    PROJECT_APPROVAL: ("立项（备案）", ("立项批复", "立项审批", "立项核准", "立项备案", "可研批复")),
    "用地预审": ("用地预审与选址", ("用地预审与选址", "选址意见书", "用地预审及选址")),
    "环评": ("环评", ("环境影响评价", "环评批复")),
    "节能": ("节能审查", ("节能审查", "能评")),
    "水土保持": ("水土保持", ("水保", "水土保持方案", "水土保持方案批复")),
    "稳评": ("社会稳定风险评估", ("社会稳定风险评估",)),
    "用地规划许可证": ("建设用地规划许可", ("建设用地规划许可", "建设用地规划许可证", "用地规划许可")),
    "土地批文": ("土地出让/划拨", ("土地出让/划拨", "土地出让", "土地划拨", "土地证", "不动产权证", "土地手续")),
    "规划方案审查": ("规划方案审查", ("规划设计方案审查",)),
    "工程规划许可证": ("建设工程规划许可", ("建设工程规划许可", "建设工程规划许可证", "工程规划许可")),
    "施工图审查": ("施工图审查", ("施工图审查合格书",)),
    "施工许可证": ("施工许可", ("施工许可",)),
    "竣工验收": ("竣工验收", ("竣工验收备案",)),
}
COLUMNS = tuple(Column(header, aliases, exported=False) for header, (_, aliases) in WIDE.items())
_PROJECT_KINDS = ("立项（审批）", "立项（核准）", "立项（备案）")


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


OBTAINED_MARKS = {_fold(w) for w in ("√", "✓", "✔", "☑", "是", "已办", "已办理", "已取得", "已批复", "已完成",
                                     "已办结", "有")}
NOT_NEEDED_MARKS = {_fold(w) for w in ("/", "／", "\\", "无需", "无需办理", "不涉及", "不需办理", "不需要", "无")}
OTHER_MARKS = {_fold("办理中"): IN_PROGRESS_ITEM, _fold("正在办理"): IN_PROGRESS_ITEM, _fold("在办"): IN_PROGRESS_ITEM,
               _fold("未办"): NOT_STARTED_ITEM, _fold("未办理"): NOT_STARTED_ITEM, _fold("未启动"): NOT_STARTED_ITEM,
               _fold("×"): NOT_STARTED_ITEM}
# What marks an unknown column as an approval column when it holds it (是 does not: 是否… columns).
TICKS = {_fold(w) for w in ("√", "✓", "✔", "☑", "已办", "已办理", "已取得")}


def present(ctx: ImportContext) -> list[str]:
    """The wide approval columns the file has, by canonical name (worked out once per file)."""
    if "approval_headers" not in ctx.state:
        ctx.state["approval_headers"] = [h for h in WIDE if h in ctx.headers]
    found: list[str] = ctx.state["approval_headers"]
    return found


def load_checklists(ctx: ImportContext, project_ids: list[int]) -> None:
    """The existing projects' checklist lines by project and kind, for the file's approval columns."""
    lines: dict[int, dict[str, ApprovalItem]] = defaultdict(dict)
    if present(ctx):
        for ids in approvals.chunked(project_ids):
            for item in ApprovalItem.objects.filter(project_id__in=ids):
                lines[item.project_id][item.kind] = item
    ctx.state["approval_lines"] = lines


def _kind(header: str, own: Mapping[str, ApprovalItem]) -> str:
    kind = WIDE[header][0]
    if header == PROJECT_APPROVAL:
        mine = [k for k in _PROJECT_KINDS if k in own]
        if len(mine) == 1:
            return mine[0]
    return kind


def read_cell(raw: Any, today: dt.date) -> tuple[dict[str, Any] | None, tuple[str, str] | None]:
    """One cell → the checklist line's new fields (None: leave it), or a problem (zh, en)."""
    if cells.blank(raw):
        return None, None
    if isinstance(raw, dt.date):
        day = raw.date() if isinstance(raw, dt.datetime) else raw
        return _obtained_on(day, today)
    if not isinstance(raw, str):
        return None, _unreadable(raw)
    key = _fold(raw)
    if key in OBTAINED_MARKS:
        return {"status": OBTAINED}, None
    if key in NOT_NEEDED_MARKS:
        return {"status": NOT_NEEDED}, None
    if key in OTHER_MARKS:
        return {"status": OTHER_MARKS[key]}, None
    try:
        return _obtained_on(periods.parse_date(raw.strip()), today)
    except ValueProblem:
        pass
    if any(ch.isdigit() for ch in raw) and len(raw.strip()) <= 100:  # a 文号: 发改备〔2023〕12号
        return {"status": OBTAINED, "doc_no": raw.strip()}, None
    return None, _unreadable(raw)


def _unreadable(raw: Any) -> tuple[str, str]:
    return (f"无法识别的手续办理情况「{raw}」（可填 √、是、已办、已取得、日期或批复文号；/、无需、不涉及表示无需办理）",
            f"cannot read {raw!r} as an approval (write √, 是, 已办, 已取得, a date or a document number; "
            "/, 无需 or 不涉及 for not needed)")


def _obtained_on(day: dt.date, today: dt.date) -> tuple[dict[str, Any] | None, tuple[str, str] | None]:
    if day > today:
        return None, (f"手续取得日期 {day} 晚于今天（{today}），不能填将来的日期",
                      f"approval date {day} is after today ({today}); no future dates")
    return {"status": OBTAINED, "issued_on": day}, None


def _error(ctx: ImportContext, row: RawRow, header: str, value: Any, problem: tuple[str, str]) -> None:
    ctx.errors.append(FieldError(problem[0], row=row.number, column=ctx.headers.get(header, header),
                                 value=cells._shown(value), message_en=problem[1]))


def unknown_ticks(ctx: ImportContext, row: RawRow) -> bool:
    """A √ under a column the ledger does not know: an approval kind it cannot name — an error
    naming row, column and value (the column would otherwise be ignored, the tick lost)."""
    bad = False
    for header, value in row.extras.items():
        if isinstance(value, str) and _fold(value) in TICKS:
            _error(ctx, row, header, value, (
                f"「{header}」不是已知的手续类型，无法记录「{value}」（可用的手续列：{'、'.join(WIDE)}）",
                f"{header!r} is not a known approval kind, so {value!r} cannot be recorded "
                f"(approval columns: {', '.join(WIDE)})"))
            bad = True
    return bad


def read_row(ctx: ImportContext, row: RawRow, project_id: int | None) -> tuple[list[tuple[str, dict[str, Any]]],
                                                                                dict[str, list[Any]], bool]:
    """The row's approval cells: (kind, new fields) for each line they change, the preview's
    changes by column as written, and whether a cell was wrong (the error is recorded)."""
    headers = present(ctx)
    if not headers and not row.extras:
        return [], {}, False
    if "approvals_today" not in ctx.state:
        ctx.state["approvals_today"] = timezone.localdate()
    today: dt.date = ctx.state["approvals_today"]
    own: Mapping[str, ApprovalItem] = ctx.state["approval_lines"].get(project_id, {}) if project_id else {}
    lines: list[tuple[str, dict[str, Any]]] = []
    changes: dict[str, list[Any]] = {}
    seen: dict[str, str] = {}
    bad = unknown_ticks(ctx, row)
    for header in headers:
        raw = row.values.get(header)
        data, problem = read_cell(raw, today)
        if problem is not None:
            _error(ctx, row, header, raw, problem)
            bad = True
            continue
        if data is None:
            continue
        kind = _kind(header, own)
        if kind in seen:
            _error(ctx, row, header, raw, (f"「{kind}」在本行出现两次（「{ctx.headers[seen[kind]]}」列已有）",
                                           f"{kind} is given twice on this row (column {ctx.headers[seen[kind]]!r})"))
            bad = True
            continue
        seen[kind] = header
        item = own.get(kind)
        valid = getattr(item, "valid_until", None)
        if valid is not None and data.get("issued_on") is not None and valid < data["issued_on"]:
            day = data["issued_on"]
            _error(ctx, row, header, raw, (f"「{kind}」有效期至 {valid}，早于表中的取得日期 {day}",
                                           f"{kind} is valid until {valid}, before the date given ({day})"))
            bad = True
            continue
        if item is None or any(getattr(item, k) != v for k, v in data.items()):
            lines.append((kind, data))
            changes[ctx.headers.get(header, header)] = [getattr(item, "status", None), _shown(data)]
    return lines, changes, bad


def _shown(data: Mapping[str, Any]) -> str:
    extra = data.get("doc_no") or (periods.format_date_zh(data["issued_on"]) if data.get("issued_on") else "")
    return f"{data['status']}（{extra}）" if extra else str(data["status"])


def apply(ctx: ImportContext, rows: list[tuple[int, str, list[tuple[str, dict[str, Any]]]]]) -> None:
    """Write the lines (row, project code, [(kind, fields)]) through the approvals ledger, once
    per set of columns so that a line keeps what its cell does not give (a √ keeps the date)."""
    groups: dict[tuple[str, ...], list[RawRow]] = defaultdict(list)
    for number, code, lines in rows:
        for kind, data in lines:
            values: dict[str, Any] = {"项目编号": code, "手续类型": kind, "办理状态": data["status"]}
            if "issued_on" in data:
                values["批复日期"] = data["issued_on"]
            if "doc_no" in data:
                values["批复文号"] = data["doc_no"]
            groups[tuple(values)].append(RawRow(number, values))
    for columns, group in groups.items():
        sub = ImportContext(plan=ctx.plan, user=ctx.user, create_units=False, headers={c: c for c in columns},
                            extra_headers=[])
        approvals.KIND.prepare(sub, group)
        todo = [p for p in approvals.KIND.check(sub, group) if p.action != UNCHANGED]
        if sub.errors:  # checked already; a line changed under the file is still named
            ctx.errors.extend(sub.errors)
            return
        if todo:
            approvals.KIND.apply(sub, todo)
