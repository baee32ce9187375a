"""The leads ledger (招商项目台账), contract §3: keyed by 编号 within the plan, amounts in 万元 unless stated.

Rows are checked by the attraction app's own field table (the same rules as the API and the
pages), previewed field by field and written by :mod:`shigongtu.attraction.bulk`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from shigongtu.attraction import bulk as lead_rows
from shigongtu.attraction.fields import LEAD_FIELDS, LeadLookups
from shigongtu.attraction.models import Lead
from shigongtu.attraction.services import assigned_values, snapshot
from shigongtu.audit import services as audit
from shigongtu.ledgers import cells
from shigongtu.ledgers.io import Column, LedgerSpec, RawRow
from shigongtu.ledgers.kinds.base import CREATE, UNCHANGED, UPDATE, ImportContext, LedgerKind, RowPlan
from shigongtu.lib.errors import FieldError, ValueProblem, in_english
from shigongtu.lib.errors import shown as quoted
from shigongtu.lib.periods import parse_date

ALIASES: dict[str, tuple[str, ...]] = {
    "编号": ("code", "线索编号", "项目编号"),
    "项目名称": ("name", "project name"),
    "投资方": ("investor", "投资主体", "签约主体", "投资企业"),
    "统一社会信用代码": ("credit code", "uscc"),
    "项目代码": ("national code", "全国统一项目代码"),
    "来源地": ("source region", "资金来源地", "客商来源地"),
    "招商方式": ("mode", "招商类型"),
    "招商小分队": ("team", "招商专班", "小分队"),
    "所属产业": ("industry", "所属行业", "产业类别"),
    "产业链": ("industry chain", "chain", "所属产业链"),
    "协议投资额": ("investment", "投资金额", "计划投资", "总投资", "签约金额"),
    "固定资产投资": ("fixed assets", "其中固定资产投资"),
    "用地面积": ("land area", "用地", "占地面积"),
    "预计年产值": ("expected output", "达产后年产值"),
    "预计年税收": ("expected tax", "达产后年税收"),
    "是否外资": ("foreign", "外资项目"),
    "外资金额": ("fdi", "实际利用外资", "外资到位"),
    "总部项目": ("headquarters", "是否总部"),
    "研发中心": ("r&d centre", "r&d", "是否研发中心"),
    "增资扩产": ("increase", "是否增资扩产", "增资"),
    "阶段": ("stage", "项目状态", "项目阶段", "进展阶段"),
    "签约类型": ("signing kind", "协议类型"),
    "登记日期": ("registered as lead", "线索登记日期", "对接时间"),
    "签约日期": ("signed", "协议签订时间", "签约时间"),
    "注册日期": ("registered", "注册时间"),
    "开工日期": ("started", "开工时间", "开工/业时间"),
    "投产日期": ("in operation", "投产时间"),
    "达产日期": ("full production", "达产时间"),
    "终止日期": ("ended", "终止时间"),
    "终止原因": ("reason", "流失原因"),
    "响应日期": ("answered",),
    "研判日期": ("assessed",),
    "反馈日期": ("fed back",),
    "最近进展日期": ("last progress", "最近调度日期"),
    "到位资金": ("funds arrived", "到资金额", "实际到位资金"),
    "责任单位": ("lead unit", "牵头单位"),
    "责任领导": ("leader", "包保领导"),
    "重点项目编号": ("project", "关联重点项目"),
}
AMOUNT = "#,##0.00"
PREVIEW_ROWS = 2000
CHUNK = 5000
HELP = {"amount": "万元；也可写 1.2亿、3500万", "date": "日期，如 2023-04-01", "bool": "是 / 否",
        "fdi": "万美元", "code": "本施工图内的招商项目编号", "project": "重点项目库中的项目编号"}


def _columns() -> tuple[Column, ...]:
    out = []
    for f in LEAD_FIELDS:
        choices = f.choices if f.kind == "choice" else ("是", "否") if f.kind == "bool" else ()
        out.append(Column(f.header, ALIASES.get(f.header, ()), required=f.required, help_zh=HELP.get(f.kind, ""),
                          choices=tuple(choices), number_format=AMOUNT if f.kind in ("amount", "fdi") else None,
                          width=36 if f.header in ("项目名称", "投资方") else 14))
    return tuple(out)


FUNDS_ON = "到位日期"  # the date of the row's 到位资金 (not a lead field: it dates the fund arrival)
SPEC = LedgerSpec(kind="leads", title_zh="招商项目台账", columns=(
    *_columns(),
    Column(FUNDS_ON, ("funds date", "资金到位时间", "到位时间"), help_zh="到位资金的日期；空则取导入月份的月末")))
LABELS = {**{f.name: f.header for f in LEAD_FIELDS}, "lead_unit_id": "责任单位", "project_id": "重点项目编号"}


def _header_units(ctx: ImportContext) -> dict[str, str]:
    return {c: u for c, text in ctx.headers.items() if (u := cells.header_unit(text))}


def _cell_errors(ctx: ImportContext, row: RawRow, problems: Iterable[FieldError]) -> list[FieldError]:
    return [FieldError(p.message, row=row.number, column=ctx.headers.get(p.column, p.column) if p.column else None,
                       value=p.value, message_en=p.message_en) for p in problems]


def _shown(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    return audit._plain(value)


class LeadsKind(LedgerKind):
    name = "leads"
    title_zh = "招商项目台账"
    title_en = "Investment attraction leads"
    spec = SPEC
    notes = ("金额单位为万元，除非单元格或表头注明（如“协议投资额（亿元）”、“1.2亿”）；外资金额为万美元。",
             "导入按编号新增或更新，不删除；阶段为签约、开工时须填写对应日期。")
    chunk_rows = CHUNK

    def prepare(self, ctx: ImportContext, rows: list[RawRow]) -> None:
        if "rows" not in ctx.state:  # what spans the chunks of one file
            look = LeadLookups(ctx.plan, create_units=ctx.create_units)
            ctx.state.update(rows=lead_rows.RowState(ctx.plan, look), shown=0)
        codes = {str(r.values.get("编号") or "").strip() for r in rows}
        ctx.state["existing"] = {x.code: x for x in Lead.objects.filter(plan=ctx.plan, code__in=codes)
                                 .select_related("lead_unit", "project")}

    def check(self, ctx: ImportContext, rows: list[RawRow]) -> Iterator[RowPlan]:
        existing: dict[str, Lead] = ctx.state["existing"]
        checked = lead_rows.validate_lead_rows(ctx.plan, [r.values for r in rows], state=ctx.state["rows"],
                                               existing=existing, header_units=_header_units(ctx))
        for row, (clean, problems) in zip(rows, checked, strict=True):
            funds_on = self._funds_on(ctx, row, problems)
            if problems:
                ctx.errors.extend(_cell_errors(ctx, row, problems))
                continue
            if funds_on is not None:
                ctx.state.setdefault("funds_days", {})[clean["code"]] = funds_on
            lead = existing.get(clean["code"])
            shown = ctx.state["shown"] < PREVIEW_ROWS
            if lead is None:  # a new lead: its fields are only worked out for the preview
                plan_row = RowPlan(row.number, clean["code"], CREATE, {}, {"clean": clean})
                changes = audit.created(assigned_values(clean, ctx.plan, create_units=False)) if shown else {}
            else:
                after = snapshot(lead)
                after.update(assigned_values(clean, ctx.plan, create_units=False))
                changes = audit.diff(snapshot(lead), after)
                plan_row = RowPlan(row.number, clean["code"], UPDATE if changes else UNCHANGED, {}, {"clean": clean},
                                   lead)
            if shown:
                plan_row.changes = self._labelled(changes, lead, clean)
            ctx.state["shown"] += shown and plan_row.action != UNCHANGED
            yield plan_row

    def _funds_on(self, ctx: ImportContext, row: RawRow, problems: list[FieldError]) -> dt.date | None:
        raw = row.values.get(FUNDS_ON)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        try:
            return parse_date(raw)
        except ValueProblem as exc:
            problems.append(FieldError(str(exc), field="funds_on", column=FUNDS_ON, value=quoted(raw),
                                       message_en=in_english(exc)))
            return None

    def _labelled(self, changes: Mapping[str, list[Any]], lead: Lead | None,
                  clean: Mapping[str, Any]) -> dict[str, list[Any]]:
        out = {}
        for key, (old, new) in changes.items():
            if key == "lead_unit_id":
                unit = clean.get("lead_unit")
                old = lead.lead_unit.name if lead is not None and lead.lead_unit else None
                new = f"（新建）{unit}" if isinstance(unit, str) else getattr(unit, "name", None)
            elif key == "project_id":
                old = lead.project.code if lead is not None and lead.project else None
                new = getattr(clean.get("project"), "code", None)
            out[LABELS.get(key, key)] = [_shown(old), _shown(new)]
        return out

    def apply(self, ctx: ImportContext, plans: list[RowPlan]) -> None:
        lead_rows.apply_lead_rows(ctx.plan, [p.payload["clean"] for p in plans], ctx.state["rows"], ctx.user,
                                  funds_day=ctx.period.last_day if ctx.period is not None else None,
                                  funds_days=ctx.state.get("funds_days"))

    def export_rows(self, plan: Any, user: Any, filters: Mapping[str, Any] | None = None) -> Iterable[dict[str, Any]]:
        qs = Lead.objects.filter(plan=plan)
        if user is not None:
            qs = qs.for_user(user, "view")
        if filters and filters.get("mode"):
            qs = qs.filter(mode=filters["mode"])
        for lead in qs.select_related("lead_unit", "project").order_by("code").iterator(2000):
            row: dict[str, Any] = {}
            for f in LEAD_FIELDS:
                if f.kind == "unit":
                    value: Any = lead.lead_unit.name if lead.lead_unit else None
                elif f.kind == "project":
                    value = lead.project.code if lead.project else None
                elif f.kind == "bool":
                    value = "是" if getattr(lead, f.name) else "否"
                else:
                    value = getattr(lead, f.name)
                    if value == "":
                        value = None
                row[f.header] = value
            yield row


KIND = LeadsKind()
