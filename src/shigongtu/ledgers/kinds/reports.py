"""The reports ledger (月报台账): progress and indicator values by node code and month (contract §3)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.ledgers import cells
from shigongtu.ledgers.io import Column, LedgerSpec, RawRow, normalize_header
from shigongtu.ledgers.kinds.base import CREATE, UNCHANGED, UPDATE, ImportContext, LedgerKind, RowPlan
from shigongtu.ledgers.labels import Said, listed
from shigongtu.lib.errors import ValueProblem
from shigongtu.orgs.access import REPORT
from shigongtu.plans import fields, services
from shigongtu.plans.models import Indicator, Node, Report, ReportValue
from shigongtu.utilities import bulk

COUNTING = (Report.Status.SUBMITTED, Report.Status.APPROVED)
TEXT_FIELDS = {"本月进展": "narrative", "存在问题": "problems", "下步计划": "next_steps"}
REPORT_COLUMNS = ("node_id", "period", "status", "progress", "narrative", "problems", "next_steps", "return_reason",
                  "submitted_seq", "submitted_at", "submitted_by_id", "reviewed_at", "reviewed_by_id", "created_at",
                  "version")
UPDATE_COLUMNS = ("progress", *TEXT_FIELDS.values(), "status", "submitted_seq", "submitted_at", "submitted_by_id",
                  "version")

SPEC = LedgerSpec(
    kind="reports",
    title_zh="月度进展台账",
    dynamic_columns=True,
    columns=(
        Column("编号", ("code",), required=True, help_zh="施工图中已有的任务编号", width=10),
        Column("填报月份", ("period", "月份", "报告期"), required=True, width=12,
               help_zh="如 2023-03 或 2023年3月；须在施工图年度内"),
        Column("进度", ("progress", "完成进度"), required=True, help_zh="0–100，可写 65 或 65%", number_format="0.0",
               width=8),
        Column("本月进展", ("narrative", "this month"), width=40),
        Column("存在问题", ("problems",), width=30),
        Column("下步计划", ("next steps",), width=30),
    ),
)


class ReportsKind(LedgerKind):
    name = "reports"
    title_zh = "月度进展台账"
    title_en = "Monthly progress"
    spec = SPEC
    notes = (
        "每个指标一列，列名为指标名称，填当月值（流量填当月发生额，存量填月末数）。",
        "同一任务同一月份再次导入会替换该月的月报，原数据保留在变更记录中。导入的月报视为已提交。",
    )

    def extra_columns(self, plan: Any) -> list[str]:
        return list(Indicator.objects.filter(plan=plan).order_by("node__sort_key", "id").values_list("name", flat=True))

    def prepare(self, ctx: ImportContext, rows: list[RawRow]) -> None:
        plan = ctx.plan
        codes = {cells.text(r.values, "编号") for r in rows} - {None}
        nodes = {n.code: n for n in Node.objects.filter(plan=plan, code__in=codes)}
        ctx.state["nodes"] = nodes
        ctx.state["parents"] = set(
            Node.objects.filter(plan=plan, parent__code__in=codes).values_list("parent__code", flat=True)
        )
        cancelled = set(Node.objects.filter(plan=plan, cancelled=True).values_list("code", flat=True))
        ctx.state["cancelled"] = cancelled
        ctx.state["reportable"] = None
        if ctx.user is not None:
            ctx.state["reportable"] = set(
                Node.objects.for_user(ctx.user, REPORT).filter(plan=plan, code__in=codes).values_list("code", flat=True)
            )
        indicators = {normalize_header(i.name): i for i in Indicator.objects.filter(plan=plan)}
        ctx.state["indicator_columns"] = {h: indicators[normalize_header(h)] for h in ctx.extra_headers
                                          if normalize_header(h) in indicators}
        unknown = [h for h in ctx.extra_headers if normalize_header(h) not in indicators]
        if unknown:
            ctx.warnings.append(Said("已忽略无法识别的列（不是本施工图的指标）：" + listed(unknown, "zh"),
                                     "Columns ignored (not indicators of this plan): " + listed(unknown, "en")))
        latest: dict[tuple[int, str], Report] = {}
        for report in Report.objects.filter(node__in=nodes.values()).prefetch_related("values").order_by(
            "submitted_seq", "id"
        ):
            latest[(report.node_id, report.period)] = report
        ctx.state["latest"] = latest

    def check(self, ctx: ImportContext, rows: list[RawRow]) -> Iterator[RowPlan]:
        plan = ctx.plan
        columns: dict[str, Indicator] = ctx.state["indicator_columns"]
        latest: dict[tuple[int, str], Report] = ctx.state["latest"]
        seen: dict[tuple[str, str], int] = {}
        for row in rows:
            v = row.values
            errs = ctx.row_errors(row)
            code = cells.text(v, "编号")
            node = _reportable_node(ctx, code, v, errs)
            period = cells.period_cell(v, "填报月份", errs)
            if period is not None:
                try:
                    fields.check_year(period, plan.year)
                except ValueProblem as exc:
                    errs.add_problem("填报月份", v.get("填报月份"), exc)
                    period = None
            if period is not None and code is not None:
                key = (code, period.key)
                if key in seen:
                    errs.add("填报月份", v.get("填报月份"),
                             f"任务 {code} 的 {period.key} 月报在本表中重复（第 {seen[key]} 行已有）",
                             en=f"duplicate {period.key} report for task {code} in this file "
                                f"(already on row {seen[key]})")
                seen[key] = row.number
            progress = _progress(ctx, code, row, errs)
            texts = {field: cells.text(v, header) or ""
                     for header, field in TEXT_FIELDS.items() if header in ctx.headers}
            values = _indicator_values(columns, row, errs)
            if not ctx.keep(errs) or node is None or period is None or progress is None:
                continue
            current = latest.get((node.pk, period.key))
            payload = {"node": node, "period": period.key, "progress": progress, "texts": texts, "values": values}
            yield self._plan_row(row.number, code or "", current, payload, columns)

    def _plan_row(self, number: int, code: str, current: Report | None, payload: dict[str, Any],
                  columns: dict[str, Indicator]) -> RowPlan:
        key = f"{code} {payload['period']}"
        names = {i.pk: i.name for i in columns.values()}
        if current is None:
            changes: dict[str, list[Any]] = {"进度": [None, audit._plain(payload["progress"])]}
            changes.update({f"指标:{names[i]}": [None, audit._plain(val)] for i, val in payload["values"].items()})
            return RowPlan(number, key, CREATE, changes, payload)
        changes = {}
        if current.progress != payload["progress"]:
            changes["进度"] = [audit._plain(current.progress), audit._plain(payload["progress"])]
        labels = {field: header for header, field in TEXT_FIELDS.items()}
        for field, text in payload["texts"].items():
            if getattr(current, field) != text:
                changes[labels[field]] = [getattr(current, field), text]
        old_values = {rv.indicator_id: rv.value for rv in current.values.all()}
        for ind_id, val in payload["values"].items():
            if old_values.get(ind_id) != val:
                changes[f"指标:{names[ind_id]}"] = [audit._plain(old_values.get(ind_id)), audit._plain(val)]
        if current.status not in COUNTING:
            changes["状态"] = [current.get_status_display(), Report.Status.SUBMITTED.label]
        return RowPlan(number, key, UPDATE if changes else UNCHANGED, changes, payload, current)

    def apply(self, ctx: ImportContext, plans: list[RowPlan]) -> None:
        """Write the reports through the bulk path (one prepared statement, COPY on PostgreSQL):
        each submitted now with a sequence number of its own, which also finds the new ids."""
        now = timezone.now()
        first = seq = services.next_seq()
        user_id = ctx.user.pk if getattr(ctx.user, "pk", None) else None
        base = {**bulk.new_row(Report, now), "status": Report.Status.SUBMITTED, "submitted_at": now,
                "submitted_by_id": user_id}
        creates, updates = [], []
        for p in plans:
            data = p.payload
            if p.target is None:
                creates.append([{**base, "node_id": data["node"].pk, "period": data["period"],
                                 "progress": data["progress"], **data["texts"], "submitted_seq": seq}[c]
                                for c in REPORT_COLUMNS])
            else:
                report = p.target
                texts = [data["texts"].get(f, getattr(report, f)) for f in TEXT_FIELDS.values()]
                updates.append((data["progress"], *texts, Report.Status.SUBMITTED, seq, now, user_id,
                                report.version + 1, report.pk))
            seq += 1
        bulk.insert_rows(Report, REPORT_COLUMNS, creates)
        bulk.update_rows(Report, UPDATE_COLUMNS, updates)
        created = {(node_id, period): pk for node_id, period, pk in Report.objects.filter(
            submitted_seq__gte=first, submitted_seq__lt=seq).values_list("node_id", "period", "pk")}
        self._write_values(plans, created)
        audit.record_many(
            ({"action": "import-" + ("create" if p.target is None else "update"), "object_type": "report",
              "object_id": (p.target.pk if p.target is not None else p.payload["node"].pk), "label": p.key,
              "plan_code": ctx.plan.code, "changes": p.changes} for p in plans),
            services.actor_name(ctx.user),
        )
        services.bump_revision(ctx.plan)

    @staticmethod
    def _write_values(plans: list[RowPlan], created: dict[tuple[int, str], int]) -> None:
        """The rows' indicator values (指标值), replacing what the reports had for those indicators."""
        value_rows = []
        touched = []
        for p in plans:
            if not p.payload["values"]:
                continue
            # one look-up a row, never a search of the batch
            report_id = p.target.pk if p.target is not None else created[(p.payload["node"].pk, p.payload["period"])]
            touched.append(report_id)
            value_rows += [(report_id, i, val) for i, val in p.payload["values"].items()]
        if touched:
            ReportValue.objects.filter(report_id__in=touched, indicator_id__in={i for _, i, _ in value_rows}).delete()
            bulk.insert_rows(ReportValue, ("report_id", "indicator_id", "value"), value_rows)

    def export_rows(self, plan: Any, user: Any, filters: Mapping[str, Any] | None = None) -> Iterable[dict[str, Any]]:
        qs = Report.objects.filter(node__plan=plan, status__in=COUNTING)
        if user is not None:
            qs = qs.for_user(user, "view")
        if filters and filters.get("period"):
            qs = qs.filter(period=filters["period"])
        latest: dict[tuple[int, str], Report] = {}
        for report in qs.select_related("node").prefetch_related("values__indicator").order_by(
            "node__sort_key", "period", "submitted_seq", "id"
        ):
            latest[(report.node_id, report.period)] = report
        for report in latest.values():
            row: dict[str, Any] = {
                "编号": report.node.code, "填报月份": report.period, "进度": report.progress,
                "本月进展": report.narrative or None, "存在问题": report.problems or None,
                "下步计划": report.next_steps or None,
            }
            for rv in report.values.all():
                row[rv.indicator.name] = rv.value
            yield row


KIND = ReportsKind()


def _reportable_node(ctx: ImportContext, code: str | None, v: Mapping[str, Any], errs: cells.RowErrors) -> Node | None:
    """The task a report row names by 编号, if it exists, is not cancelled and the importer may report on it."""
    plan = ctx.plan
    nodes: dict[str, Node] = ctx.state["nodes"]
    cancelled: set[str] = ctx.state["cancelled"]
    reportable: set[str] | None = ctx.state["reportable"]
    if code is None:
        errs.add("编号", v.get("编号"), "必填：编号", en="required: code")
        return None
    if code not in nodes:
        errs.add("编号", code, f"施工图 {plan.code} 中没有编号为 {code} 的任务",
                 en=f"plan {plan.code} has no task with code {code}")
        return None
    parts = code.split(".")
    if any(".".join(parts[:i]) in cancelled for i in range(1, len(parts) + 1)):
        errs.add("编号", code, f"任务 {code} 已取消，不能填报",
                 en=f"task {code} is cancelled and takes no reports")
    elif reportable is not None and code not in reportable:
        errs.add("编号", code, f"您没有任务 {code} 的填报权限",
                 en=f"you may not report on task {code}")
    return nodes[code]


def _progress(ctx: ImportContext, code: str | None, row: RawRow, errs: cells.RowErrors) -> Decimal | None:
    """The row's 进度 (0–100); a parent's row that only reports indicator values needs none."""
    v = row.values
    if not cells.blank(v.get("进度")):
        try:
            return fields.read_progress(v.get("进度"))
        except ValueProblem as exc:
            errs.add_problem("进度", v.get("进度"), exc)
            return None
    if code in ctx.state["parents"] and row.extras:
        # its own progress never enters the roll-up (parents are rolled up from their children)
        return Decimal(0)
    errs.add("进度", v.get("进度"), "必填：进度（0–100）", en="required: progress (0–100)")
    return None


def _indicator_values(columns: dict[str, Indicator], row: RawRow, errs: cells.RowErrors) -> dict[int, Decimal]:
    """The indicator values (指标值) in the row's extra columns, by indicator id; blank cells are skipped."""
    values: dict[int, Decimal] = {}
    for header, indicator in columns.items():
        raw = row.extras.get(header)
        if cells.blank(raw):
            continue
        cell_errs = cells.RowErrors(row.number, {header: header})
        value = cells.amount_cell({header: raw}, header, cell_errs, unit=indicator.unit or "个",
                                  header_unit=cells.header_unit(header))
        errs.errors.extend(cell_errs.errors)
        if value is not None:
            values[indicator.pk] = value
    return values
