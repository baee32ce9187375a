"""The supervision ledger (督办/整改台账, contract §3): items keyed by 编号 within the plan.

It reads the offices' own shapes — the inspection 整改清单 (title rows above the header), the
remote-sensing point ledger (问题编码, 经度/纬度 in 度分秒, 核查单位/时间/人, 是否销号) — and our
own export, which re-imports unchanged. Rows are checked by ``supervision.fields`` (the same
rules as the API and the pages) and written by ``supervision.bulk``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from shigongtu.ledgers.io import Column, LedgerSpec, RawRow
from shigongtu.ledgers.kinds.base import CREATE, UNCHANGED, UPDATE, ImportContext, LedgerKind, RowPlan
from shigongtu.lib.errors import FieldError
from shigongtu.supervision import bulk, selectors
from shigongtu.supervision.fields import ITEM_FIELDS, Lookups
from shigongtu.supervision.models import SupervisionItem

ALIASES: dict[str, tuple[str, ...]] = {
    "编号": ("code", "问题编码", "督办编号", "图斑编号"),
    "事项名称": ("title", "督办事项", "问题", "反馈问题", "问题描述", "整改任务"),
    "来源": ("source", "问题来源", "督办类型"),
    "批次": ("campaign",),
    "文号": ("document no.", "document no", "来文文号"),
    "条款": ("clause",),
    "原文": ("original wording", "original text", "反馈意见原文"),
    "具体内容": ("content", "内容"),
    "整改目标": ("target",),
    "整改措施": ("measures", "具体措施", "主要任务"),
    "完成标准": ("completion standard", "standard"),
    "牵头单位": ("lead unit", "责任单位"),
    "配合单位": ("supporting units",),
    "责任领导": ("leader", "包保领导", "分管领导"),
    "联系人": ("contact",),
    "交办日期": ("assigned", "交办时间"),
    "整改时限": ("deadline", "办结时限", "完成时限"),
    "原定时限": ("original deadline",),
    "整改类型": ("horizon",),
    "报送周期": ("report cycle",),
    "状态": ("status", "整改状态", "办理状态"),
    "是否销号": ("closed",),
    "销号日期": ("closed on", "销号时间"),
    "整改进展": ("progress", "整改情况", "进展情况"),
    "经度": ("longitude", "lng"),
    "纬度": ("latitude", "lat"),
    "图斑面积": ("area", "面积"),
    "图斑类型": ("finding type",),
    "核查单位": ("verified by",),
    "核查时间": ("verified on",),
    "核查人": ("verifier",),
    "服务节点": ("node",),
    "关联项目": ("project",),
    "关联企业": ("enterprise",),
}
HELP = {"date": "日期，如 2023-06-30", "deadline": "日期，或“长期坚持”", "degrees": "小数度或度分秒，如 125°27′10″",
        "closed": "是 / 否", "state": "已交办 / 已签收 / 办理中 / 已办结 / 已销号"}
WIDE = ("事项名称", "原文", "具体内容", "整改目标", "整改措施", "完成标准", "整改进展")
PREVIEW_ROWS = 2000
CHUNK = 5000

SPEC = LedgerSpec(kind="supervision", title_zh="督办事项台账", columns=tuple(
    Column(f.header, ALIASES.get(f.header, ()), required=f.required, help_zh=HELP.get(f.kind, ""),
           choices=f.choices if f.kind == "choice" else (("是", "否") if f.kind == "closed" else ()),
           width=36 if f.header in WIDE else 14)
    for f in ITEM_FIELDS))


def _cell_errors(ctx: ImportContext, row: RawRow, problems: Iterable[FieldError]) -> list[FieldError]:
    return [FieldError(p.message, row=row.number, column=ctx.headers.get(p.column, p.column) if p.column else None,
                       value=p.value, message_en=p.message_en) for p in problems]


def _labelled(changes: Mapping[str, list[Any]]) -> dict[str, list[Any]]:
    names = {**{f.name: f.header for f in ITEM_FIELDS}, "lead_unit_id": "牵头单位", "node_id": "服务节点",
             "project_id": "关联项目", "long_term": "长期坚持"}
    return {names.get(k, k): v for k, v in changes.items()}


class SupervisionKind(LedgerKind):
    name = "supervision"
    title_zh = "督办事项台账"
    title_en = "Supervision items"
    spec = SPEC
    notes = ("按编号新增或更新，不删除；表中没有的列保持不变。",
             "整改时限可填日期或“长期坚持”；经纬度可填小数度或度分秒（125°27′10″）。",
             "遥感图斑销号前须填写核查单位、核查时间和核查人。")
    chunk_rows = CHUNK

    def prepare(self, ctx: ImportContext, rows: list[RawRow]) -> None:
        if "seen" not in ctx.state:
            ctx.state.update(seen=set(), shown=0, look=Lookups(ctx.plan, create_units=ctx.create_units))
        codes = {str(r.values.get("编号") or "").strip() for r in rows}
        ctx.state["existing"] = {i.code: i for i in SupervisionItem.objects.filter(
            plan=ctx.plan, code__in=codes).select_related("lead_unit")}

    def check(self, ctx: ImportContext, rows: list[RawRow]) -> Iterator[RowPlan]:
        existing: dict[str, SupervisionItem] = ctx.state["existing"]
        checked = bulk.validate_rows(ctx.plan, [r.values for r in rows], existing=existing,
                                     seen=ctx.state["seen"], look=ctx.state["look"])
        for row, (clean, problems) in zip(rows, checked, strict=True):
            if problems:
                ctx.errors.extend(_cell_errors(ctx, row, problems))
                continue
            item = existing.get(clean["code"])
            shown = ctx.state["shown"] < PREVIEW_ROWS
            if item is None:
                changes = bulk.preview(None, clean, ctx.plan) if shown else {}
                action = CREATE
            else:
                changes = bulk.preview(item, clean, ctx.plan)
                action = UPDATE if changes else UNCHANGED
            ctx.state["shown"] += shown and action != UNCHANGED
            yield RowPlan(row.number, clean["code"], action, _labelled(changes) if shown else {}, {"clean": clean},
                          item)

    def apply(self, ctx: ImportContext, plans: list[RowPlan]) -> None:
        bulk.apply_rows(ctx.plan, [p.payload["clean"] for p in plans], ctx.user, create_units=ctx.create_units)

    def export_rows(self, plan: Any, user: Any, filters: Mapping[str, Any] | None = None) -> Iterable[dict[str, Any]]:
        flt = selectors.ItemFilter.from_params(filters or {})
        qs = selectors.items(plan, user)
        if any(flt.params().values()):
            from shigongtu.plans.selectors import default_as_of

            qs = flt.apply(qs, default_as_of(plan), selectors.yellow_days(plan))
        for item in qs.select_related("lead_unit", "node", "project").order_by("code").iterator(2000):
            yield export_row(item)


def export_row(item: SupervisionItem) -> dict[str, Any]:
    """One item as a ledger row that re-imports unchanged."""
    row: dict[str, Any] = {}
    for f in ITEM_FIELDS:
        if f.kind == "unit":
            value: Any = item.lead_unit.name if item.lead_unit_id and item.lead_unit else None
        elif f.kind == "node":
            value = item.node.code if item.node_id and item.node else None
        elif f.kind == "project":
            value = item.project.code if item.project_id and item.project else None
        elif f.kind == "closed":
            value = "是" if item.status == "已销号" else "否"
        elif f.kind == "deadline":
            value = "长期坚持" if item.long_term else item.deadline
        elif f.kind == "degrees":
            raw = getattr(item, f.name)
            value = float(raw) if raw is not None else None
        else:
            value = getattr(item, f.name)
        row[f.header] = None if value == "" else value
    return row


KIND = SupervisionKind()
