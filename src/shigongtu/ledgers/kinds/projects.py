"""The project library's ledgers: 重点项目台账 (projects) and 月度投资 (investment), contract §3.

Rows are checked by the project services' own validators (the same rules as the API and the
pages), previewed field by field, and written by their bulk apply functions.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from shigongtu.audit import services as audit
from shigongtu.ledgers import cells
from shigongtu.ledgers.io import Column, LedgerSpec, RawRow
from shigongtu.ledgers.kinds import approval_columns, office
from shigongtu.ledgers.kinds.base import CREATE, UNCHANGED, UPDATE, ImportContext, LedgerKind, RowPlan
from shigongtu.lib import geo
from shigongtu.lib.errors import FieldError
from shigongtu.orgs.models import OrgUnit
from shigongtu.projects.bulk import investment as investment_rows
from shigongtu.projects.bulk import projects as project_rows
from shigongtu.projects.bulk.projects import apply_project_rows, validate_project_rows
from shigongtu.projects.fields import INVESTMENT_HEADERS, PROJECT_FIELDS, Lookups
from shigongtu.projects.models import InvestmentReport, Project
from shigongtu.projects.selectors.filters import export_filter
from shigongtu.projects.services.projects import assign, snapshot
from shigongtu.utilities import bulk

# English (and common Chinese) aliases of the canonical headers.
PROJECT_ALIASES: dict[str, tuple[str, ...]] = {
    "项目编号": ("code", "编号", "区级项目编码", "市级项目编码"),
    "项目名称": ("name", "project name"),
    "项目代码": ("national code", "全国统一项目代码", "全国统一编码"),
    "纳统编码": ("stats code", "统计库编码", "入统编码"),
    "建设单位": ("owner", "业主单位", "项目单位", "项目业主", "主投单位", "企业名称"),
    "统一社会信用代码": ("credit code", "uscc"),
    "服务节点": ("node", "所属战线", "nodes"),
    "项目级别": ("level", "调度层级"),
    "建设性质": ("nature",),
    "项目类型": ("category", "投资类别"),
    "项目阶段": ("stage", "建设阶段"),
    "所属产业": ("industry", "所属行业"),
    "总投资": ("total investment", "计划总投资"),
    "年度计划投资": ("annual plan", "annual planned investment", "全年计划投资", "计划投资", "计划完成投资",
               "年度计划"),
    "年度计划建设内容": ("annual content",),
    "计划开工时间": ("planned start", "计划开复工时间", "计划开工日期"),
    "计划竣工时间": ("planned completion", "计划完成日期", "计划完工时间"),
    "实际开工时间": ("actual start",),
    "实际竣工时间": ("actual completion",),
    "复工日期": ("resumed on", "复工时间", "实际复工时间"),
    "是否入统": ("in statistics", "是否纳统", "是否入库"),
    "入统日期": ("statistics date", "入库日期"),
    "包保领导": ("leader", "包联领导", "责任领导", "区级责任领导", "挂点领导", "包抓领导", "分管领导"),
    "责任单位": ("lead unit", "牵头单位"),
    "项目专班": ("task force", "专班"),
    "经度": ("longitude", "lng"),
    "纬度": ("latitude", "lat"),
    "坐标系": ("crs",),
    "建设地点": ("location",),
    "建设内容及规模": ("content", "建设内容", "总建设规模和建设内容"),
    "开工类型": ("year kind",),
    "春季开工": ("spring start",),
}
INVESTMENT_ALIASES: dict[str, tuple[str, ...]] = {
    "项目编号": ("code", "project", "编号", "区级项目编码", "市级项目编码"),
    "填报月份": ("period", "月份", "报告期"),
    "本月完成投资": ("completed this month", "amount", "本月完成", "本月上报投资"),
    "统计口径完成投资": ("statistics amount", "统计口径"),
    "本月到位资金": ("funds arrived", "到位资金"),
    "形象进度": ("image progress", "progress", "实际形象进度", "实物工程量"),
    "形象进度百分比": ("image progress %", "progress %"),
    "下一步计划": ("next steps", "下步计划"),
    "本年累计完成投资": ("ytd", "year to date", "本年累计", "本年上报投资", "本年度累计完成投资",
                 "本年度累计完成投资额度", "本年累计完成投资额"),
}
AMOUNT = "#,##0.00"
# The project services write their own history; previews show the first rows' changes only,
# so big files keep no per-row diff in memory. Applies go in chunks for the same reason.
PREVIEW_ROWS = 2000
CHUNK = 5000
MONEY_HEADERS = ("本月完成投资", "统计口径完成投资", "本月到位资金", "本年累计完成投资")


def _project_columns() -> tuple[Column, ...]:
    out = []
    for f in PROJECT_FIELDS:
        help_zh = {"amount": "万元；也可写 1.2亿、3500万", "date": "日期，如 2023-04-01 或 2023年4月",
                   "bool": "是 / 否", "code": "本施工图内的项目编号", "nodes": "施工图任务编号，多个用逗号分隔",
                   "crs": "WGS84（默认）/ GCJ02 / BD09"}.get(f.kind, "")
        out.append(Column(f.header, PROJECT_ALIASES.get(f.header, ()), required=f.required, help_zh=help_zh,
                          choices=tuple(f.choices) if f.kind in ("choice", "stage") and f.choices else
                          (("是", "否") if f.kind == "bool" else ()),
                          number_format=AMOUNT if f.kind == "amount" else None,
                          width=40 if f.header in ("项目名称", "建设内容及规模") else 14))
    return tuple(out)


PROJECTS_SPEC = LedgerSpec(kind="projects", title_zh="重点项目台账",
                           columns=(*_project_columns(), *approval_columns.COLUMNS,
                                    *office.unused_columns("序号", office.RATE, "是否开工", "是否竣工", "备注")),
                           stand_ins=(("项目编号", ("项目名称",)),), keep_unknown=True)
_YTD_FORM = r"(?:\d{4}年)?1[-—–~～至到]\d{1,2}月(?:累计|份累计)?完成投资(?:额|额度)?"
INVESTMENT_SPEC = LedgerSpec(
    kind="investment",
    title_zh="月度投资台账",
    columns=(
        *(Column(header, INVESTMENT_ALIASES.get(header, ()),
                 required=header in ("项目编号", "填报月份", "本月完成投资"),
                 number_format=AMOUNT if header in MONEY_HEADERS else None,
                 width=30 if header in ("形象进度", "下一步计划") else 14)
          for header in INVESTMENT_HEADERS.values()),
        Column("项目名称", ("name", "project name"), exported=False),
        Column("项目代码", ("national code", "全国统一项目代码", "全国统一编码"), exported=False),
        *office.unused_columns("序号", office.RATE, "申报年度", "申报月份", "备注"),
    ),
    period_column="填报月份",
    stand_ins=(("项目编号", ("项目名称", "项目代码")), ("本月完成投资", ("本年累计完成投资",))),
    patterns=((_YTD_FORM, "本年累计完成投资"),),
)


def _header_units(ctx: ImportContext) -> dict[str, str]:
    return {c: u for c, text in ctx.headers.items() if (u := cells.header_unit(text))}


def _cell_errors(ctx: ImportContext, row: RawRow, problems: Iterable[FieldError]) -> list[FieldError]:
    out = []
    for p in problems:
        column = p.column
        out.append(FieldError(p.message, row=row.number, column=ctx.headers.get(column, column) if column else None,
                              value=p.value, message_en=p.message_en))
    return out


class ProjectsKind(LedgerKind):
    name = "projects"
    title_zh = "重点项目台账"
    title_en = "Key projects"
    spec = PROJECTS_SPEC
    notes = ("金额单位为万元，除非单元格或表头注明（如“总投资（亿元）”、“1.2亿”）。",
             "导入按项目编号新增或更新，不删除；表中没有的列保持不变。")

    chunk_rows = CHUNK

    def prepare(self, ctx: ImportContext, rows: list[RawRow]) -> None:
        plan = ctx.plan
        office.match_rows(ctx, rows, create=True)
        office.normalise_project_cells(ctx, rows)
        if "seen" not in ctx.state:  # what spans the chunks of one file
            ctx.state.update(seen=set(), shown=0, look=Lookups(plan, create_units=ctx.create_units),
                             base={**bulk.new_row(Project, None), "plan_id": plan.pk})
        codes = {str(r.values.get("项目编号") or "").strip() for r in rows}
        existing = {p.code: p for p in Project.objects.filter(plan=plan, code__in=codes).select_related("lead_unit")}
        ctx.state["existing"] = existing
        linked: dict[int, list[str]] = defaultdict(list)
        for project_id, code in Project.nodes.through.objects.filter(
                project_id__in=[p.pk for p in existing.values()]).values_list("project_id", "node__code"):
            linked[project_id].append(code)
        ctx.state["node_codes"] = {k: sorted(v) for k, v in linked.items()}
        approval_columns.load_checklists(ctx, [p.pk for p in existing.values()])
        office.recorded_ytd(ctx, existing)

    def check(self, ctx: ImportContext, rows: list[RawRow]) -> Iterator[RowPlan]:
        existing: dict[str, Project] = ctx.state["existing"]
        checked = validate_project_rows(ctx.plan, [r.values for r in rows], create_units=ctx.create_units,
                                        header_units=_header_units(ctx), existing=existing,
                                        seen=ctx.state["seen"], look=ctx.state["look"])
        for row, (clean, problems) in zip(rows, checked, strict=True):
            project = existing.get(str(clean.get("code") or ""))
            lines, approval_changes, bad = approval_columns.read_row(ctx, row, project.pk if project else None)
            if problems:
                ctx.errors.extend(_cell_errors(ctx, row, problems))
            if problems or bad:
                continue
            office.check_project_rate(ctx, row, clean, project)
            shown = ctx.state["shown"] < PREVIEW_ROWS
            if project is None:
                changes = self._created(ctx, clean) if shown else {}
                plan_row = RowPlan(row.number, clean["code"], CREATE, changes, {"clean": clean})
            else:
                plan_row = self._updated(ctx, row.number, clean, project)
                if lines and plan_row.action == UNCHANGED:
                    plan_row.action = UPDATE
            plan_row.payload["approvals"] = lines
            plan_row.changes.update(approval_changes)
            if not shown:
                plan_row.changes = {}
            ctx.state["shown"] += shown and plan_row.action != UNCHANGED
            yield plan_row

    def _created(self, ctx: ImportContext, clean: Mapping[str, Any]) -> dict[str, list[Any]]:
        values = project_rows.new_project_values(ctx.state["base"], clean, ctx.plan, create_units=False)
        after = project_rows.project_snapshot(values, clean.get("nodes") or [])
        changes = {k: [None, audit._plain(v)] for k, v in after.items() if v not in (None, "", False)}
        return _labelled(changes, (None, _unit_shown(clean)))

    def _updated(self, ctx: ImportContext, number: int, clean: Mapping[str, Any], project: Project) -> RowPlan:
        shown = dict(clean)
        if isinstance(shown.get("lead_unit"), str):
            shown["lead_unit"] = OrgUnit(name=shown["lead_unit"])  # created on apply, not in a preview
        old_codes = ctx.state["node_codes"].get(project.pk, [])
        draft = copy.copy(project)
        codes = assign(draft, shown, ctx.plan)
        after = snapshot(draft, old_codes if codes is None else codes)
        if isinstance(clean.get("lead_unit"), str):
            after["lead_unit_id"] = f"（新建）{clean['lead_unit']}"
        changes = audit.diff(snapshot(project, old_codes), after)
        old_unit = project.lead_unit.name if project.lead_unit_id and project.lead_unit else None
        return RowPlan(number, clean["code"], UPDATE if changes else UNCHANGED,
                       _labelled(changes, (old_unit, _unit_shown(clean))), {"clean": clean}, project)

    def apply(self, ctx: ImportContext, plans: list[RowPlan]) -> None:
        apply_project_rows(ctx.plan, [p.payload["clean"] for p in plans], ctx.user)
        lines = [(p.row, p.payload["clean"]["code"], p.payload["approvals"]) for p in plans if p.payload["approvals"]]
        if lines:
            approval_columns.apply(ctx, lines)

    def export_rows(self, plan: Any, user: Any, filters: Mapping[str, Any] | None = None) -> Iterable[dict[str, Any]]:
        qs = Project.objects.filter(plan=plan)
        if user is not None:
            qs = qs.for_user(user, "view")
        found = export_filter(qs, filters, plan, to_project="").select_related("lead_unit").order_by("code")
        codes: dict[int, list[str]] = defaultdict(list)
        for project_id, code in Project.nodes.through.objects.filter(project__plan=plan).values_list(
            "project_id", "node__code"
        ):
            codes[project_id].append(code)
        for p in found.iterator(2000):
            row: dict[str, Any] = {}
            for f in PROJECT_FIELDS:
                if f.kind == "nodes":
                    value: Any = ",".join(sorted(codes.get(p.pk, []))) or None
                elif f.kind == "unit":
                    value = p.lead_unit.name if p.lead_unit_id and p.lead_unit else None
                elif f.kind == "bool":
                    value = "是" if getattr(p, f.name) else "否"
                elif f.kind in ("lng", "lat"):
                    value = _original_coordinates(p)[0 if f.kind == "lng" else 1]
                else:
                    value = getattr(p, f.name, None)
                    if value == "":
                        value = None
                row[f.header] = value
            yield row


PROJECT_LABELS = {**{f.name: f.header for f in PROJECT_FIELDS}, "lead_unit_id": "责任单位"}


def _unit_shown(clean: Mapping[str, Any]) -> str | None:
    unit = clean.get("lead_unit")
    if isinstance(unit, str):
        return f"（新建）{unit}"  # created on apply, not in a preview
    return unit.name if unit is not None else None


def _labelled(changes: Mapping[str, list[Any]], units: tuple[Any, Any]) -> dict[str, list[Any]]:
    """A project row's changes as the preview shows them: by column header, units by name, 是/否."""
    out = {}
    for key, (old, new) in changes.items():
        if key == "lead_unit_id":
            old, new = units
        out[PROJECT_LABELS.get(key, key)] = [_yes_no(old), _yes_no(new)]
    return out


def _yes_no(value: Any) -> Any:
    return ("是" if value else "否") if isinstance(value, bool) else value


def _original_coordinates(project: Project) -> tuple[Any, Any]:
    """The point in the coordinate system it was given in, so an export re-imports unchanged."""
    if project.lng is None or project.lat is None:
        return None, None
    crs = geo.normalise_crs(project.crs)
    if crs == geo.WGS84:
        return project.lng, project.lat
    lng, lat = geo.from_wgs84(float(project.lng), float(project.lat), crs)
    return round(lng, 7), round(lat, 7)


INVESTMENT_LABELS = {**INVESTMENT_HEADERS, "status": "审核状态"}


def _status(key: str, value: Any) -> Any:
    if key == "status" and value:
        return str(InvestmentReport.Status(value).label)
    return audit._plain(value)


class InvestmentKind(LedgerKind):
    name = "investment"
    title_zh = "月度投资台账"
    title_en = "Monthly investment"
    spec = INVESTMENT_SPEC
    notes = ("每个项目每月一行；同一项目同一月份再次导入会替换该月数据，原数据保留在变更记录中。",
             "金额单位为万元；“本年累计完成投资”如填写，须等于1月至本月的本月完成投资之和。")

    chunk_rows = CHUNK

    def prepare(self, ctx: ImportContext, rows: list[RawRow]) -> None:
        if "rows" not in ctx.state:  # what spans the chunks of one file
            ctx.state.update(rows=investment_rows.RowState(), shown=0, touched=set(), periods=set())
        office.match_rows(ctx, rows, create=False)
        projects = investment_rows.projects_by_code(ctx.plan, (r.values for r in rows))
        ctx.state["projects"] = projects
        office.year_to_date(ctx, rows, projects, ctx.state["rows"].counted, _header_units(ctx))
        ctx.state["existing"] = investment_rows.reports_by_key(p.pk for p in projects.values())

    def check(self, ctx: ImportContext, rows: list[RawRow]) -> Iterator[RowPlan]:
        checked = investment_rows.validate_investment_rows(
            ctx.plan, [r.values for r in rows], header_units=_header_units(ctx), projects=ctx.state["projects"],
            state=ctx.state["rows"])
        office.check_investment_rates(ctx, rows, checked, ctx.state.setdefault("rate_counted", {}))
        existing: dict[tuple[int, str], dict[str, Any]] = ctx.state["existing"]
        for row, (clean, problems) in zip(rows, checked, strict=True):
            if problems:
                ctx.errors.extend(_cell_errors(ctx, row, problems))
                continue
            key = f"{row.values.get('项目编号')} {clean['period']}"
            current = existing.get((clean["project_id"], clean["period"]))
            shown = ctx.state["shown"] < PREVIEW_ROWS
            if current is None:  # a new month: its fields are only worked out for the preview
                action, changes = CREATE, investment_rows.report_changes(None, clean) if shown else {}
            else:
                changes = investment_rows.report_changes(current, clean)
                action = UPDATE if changes else UNCHANGED
            shown = shown and action != UNCHANGED
            ctx.state["shown"] += shown
            preview = {INVESTMENT_LABELS.get(k, k): [_status(k, old), _status(k, new)]
                       for k, (old, new) in changes.items()} if shown else {}
            yield RowPlan(row.number, key, action, preview, {"clean": clean})

    def apply(self, ctx: ImportContext, plans: list[RowPlan]) -> None:
        cleans = [p.payload["clean"] for p in plans]
        investment_rows.apply_investment_rows(ctx.plan, cleans, ctx.user, finish=False)
        ctx.state["touched"].update(c["project_id"] for c in cleans)
        ctx.state["periods"].update(c["period"] for c in cleans)

    def finish(self, ctx: ImportContext) -> None:
        investment_rows.finish_rows(ctx.plan, ctx.state["touched"], ctx.state["periods"])

    def export_rows(self, plan: Any, user: Any, filters: Mapping[str, Any] | None = None) -> Iterable[dict[str, Any]]:
        qs = InvestmentReport.objects.filter(plan=plan, status__in=InvestmentReport.COUNTING)
        if user is not None:
            visible = Project.objects.filter(plan=plan).for_user(user, "view").values("pk")
            qs = qs.filter(project_id__in=visible)
        if filters and filters.get("period"):
            qs = qs.filter(period=filters["period"])
        for r in qs.select_related("project").order_by("project__code", "period").iterator(5000):
            yield {
                "项目编号": r.project.code, "填报月份": r.period, "本月完成投资": r.amount,
                "统计口径完成投资": r.stats_amount, "本月到位资金": r.funds_arrived,
                "形象进度": r.progress_text or None, "形象进度百分比": r.progress_pct,
                "下一步计划": r.next_steps or None,
            }


PROJECTS = ProjectsKind()
INVESTMENT = InvestmentKind()
