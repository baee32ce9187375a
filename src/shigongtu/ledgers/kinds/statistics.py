"""The statistics ledger (统计数据): the statistics bureau's monthly figures for the plan's
indicators — 1–N月累计 values with their 同比 — keyed by indicator and month (contract §3).

A figure replaces a reported value of the same indicator and month in every judgement
(:func:`shigongtu.plans.selectors.indicator_values`). A cumulative series that goes down from one
month to the next (核减) is imported with a warning: revisions happen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.ledgers import cells
from shigongtu.ledgers.io import Column, LedgerSpec, RawRow
from shigongtu.ledgers.kinds.base import CREATE, UNCHANGED, UPDATE, ImportContext, LedgerKind, RowPlan
from shigongtu.ledgers.labels import Said
from shigongtu.lib.errors import ValueProblem
from shigongtu.plans import fields, services
from shigongtu.plans.models import Indicator, StatisticValue
from shigongtu.plans.rules.indicators import decreasing_months
from shigongtu.utilities import bulk

SPEC = LedgerSpec(
    kind="statistics",
    title_zh="统计数据台账",
    columns=(
        Column("编号", ("code", "任务编号"), help_zh="可选：指标所在任务的编号（两个任务有同名指标时必填）", width=10),
        Column("指标名称", ("indicator", "指标"), required=True, help_zh="本施工图中已有的指标", width=24),
        Column("统计期", ("period", "统计月份", "月份"), required=True, width=12,
               help_zh="如 2023-06、2023年6月、2023年1-6月 或 1-6月；须在施工图年度内"),
        Column("本期值", ("value", "累计值", "本年累计", "1-N月累计"), required=True, number_format="#,##0.####",
               help_zh="按指标的单位填写；累计指标填1至本月累计数；金额可写 110.5亿元", width=14),
        Column("同比增长", ("yoy", "同比增速", "同比", "增速"), help_zh="百分数，如 6.1 或 6.1%", number_format="0.0#",
               width=10),
    ),
    period_column="统计期",
)


class StatisticsKind(LedgerKind):
    name = "statistics"
    title_zh = "统计数据台账"
    title_en = "Statistics"
    spec = SPEC
    field_headers = {"value": "本期值", "yoy": "同比增长"}  # the changes' field names → the ledger's headers
    notes = ("每行一个指标一个月份的统计局数据；同一指标同一月份再次导入会替换原值，原值保留在变更记录中。",
             "统计数据优先于月报中填报的同期指标值。累计数比上月减少（核减）时照常导入，并给出提示。")

    def prepare(self, ctx: ImportContext, rows: list[RawRow]) -> None:
        by_name: dict[str, list[Indicator]] = defaultdict(list)
        for ind in Indicator.objects.filter(plan=ctx.plan).select_related("node"):
            by_name[ind.name].append(ind)
        ctx.state["indicators"] = by_name
        ctx.state["existing"] = {(s.indicator_id, s.period): s for s in StatisticValue.objects.filter(plan=ctx.plan)}

    def _indicator(self, ctx: ImportContext, v: Mapping[str, Any], errs: cells.RowErrors) -> Indicator | None:
        name = cells.text(v, "指标名称")
        if name is None:
            errs.add("指标名称", v.get("指标名称"), "必填：指标名称", en="required: indicator name")
            return None
        found: list[Indicator] = ctx.state["indicators"].get(name, [])
        code = cells.text(v, "编号")
        if code is not None:
            found = [ind for ind in found if ind.node.code == code]
        if not found:
            where = f"任务 {code} 下" if code else f"施工图 {ctx.plan.code} 中"
            errs.add("指标名称", name, f"{where}没有名为「{name}」的指标",
                     en=f"no indicator called {name}" + (f" on task {code}" if code else f" in plan {ctx.plan.code}"))
            return None
        if len(found) > 1:
            errs.add("指标名称", name, f"有多个名为「{name}」的指标，请填写“编号”列指明任务",
                     en=f"several indicators are called {name}; give the task in the 编号 column")
            return None
        return found[0]

    def check(self, ctx: ImportContext, rows: list[RawRow]) -> Iterator[RowPlan]:
        existing: dict[tuple[int, str], StatisticValue] = ctx.state["existing"]
        seen: dict[tuple[int, str], int] = ctx.state.setdefault("seen", {})
        for row in rows:
            v = row.values
            errs = ctx.row_errors(row)
            ind = self._indicator(ctx, v, errs)
            period = None
            raw_period = v.get("统计期")
            if cells.blank(raw_period):
                errs.add("统计期", raw_period, "必填：统计期，如 2023-06 或 2023年1-6月",
                         en="required: the month, such as 2023-06")
            else:
                try:
                    period = fields.read_statistic_period(raw_period, ctx.plan.year)
                except ValueProblem as exc:
                    errs.add_problem("统计期", raw_period, exc)
            unit = ind.unit if ind is not None and ind.unit else "个"
            value = cells.amount_cell(v, "本期值", errs, unit=unit,
                                      header_unit=cells.header_unit(ctx.headers.get("本期值")))
            if value is None and cells.blank(v.get("本期值")):
                errs.add("本期值", v.get("本期值"), "必填：本期值", en="required: value")
            yoy = None
            try:
                yoy = fields.read_yoy(v.get("同比增长"))
            except ValueProblem as exc:
                errs.add_problem("同比增长", v.get("同比增长"), exc)
            if ind is not None and period is not None:
                key = (ind.pk, period.key)
                if key in seen:
                    errs.add("统计期", raw_period, f"「{ind.name}」{period.key} 在本表中重复（第 {seen[key]} 行已有）",
                             en=f"{ind.name} {period.key} appears twice in this file (already on row {seen[key]})")
                seen[key] = row.number
            if not ctx.keep(errs) or ind is None or period is None or value is None:
                continue
            ctx.state.setdefault("series", {}).setdefault(ind, {})[period.month] = float(value)
            yield self._plan_row(row.number, ind, period.key, value, yoy, existing.get((ind.pk, period.key)))
        self._warn_decreases(ctx)

    def _plan_row(self, number: int, ind: Indicator, period: str, value: Decimal, yoy: Decimal | None,
                  current: StatisticValue | None) -> RowPlan:
        old = None if current is None else {"value": current.value, "yoy": current.yoy}
        changes = audit.diff(old, {"value": value, "yoy": yoy})
        action = CREATE if current is None else (UPDATE if changes else UNCHANGED)
        payload = {"indicator": ind, "period": period, "value": value, "yoy": yoy}
        return RowPlan(number, f"{ind.name} {period}", action, changes, payload, current)

    def apply(self, ctx: ImportContext, plans: list[RowPlan]) -> None:
        """Write the figures through the bulk path (one prepared statement, COPY on PostgreSQL)."""
        now = timezone.now()
        creates, updates = [], []
        for p in plans:
            if p.action == UNCHANGED:
                continue
            data = p.payload
            if p.target is None:
                creates.append((ctx.plan.pk, data["indicator"].pk, data["period"], data["value"], data["yoy"], 1, now))
            else:
                updates.append((data["value"], data["yoy"], p.target.version + 1, now, p.target.pk))
        bulk.insert_rows(StatisticValue, ("plan_id", "indicator_id", "period", "value", "yoy", "version", "updated_at"),
                         creates)
        bulk.update_rows(StatisticValue, ("value", "yoy", "version", "updated_at"), updates)
        ids = {(ind, period): pk for ind, period, pk in StatisticValue.objects.filter(plan=ctx.plan).values_list(
            "indicator_id", "period", "pk")}
        audit.record_many(
            ({"action": "import-" + p.action, "object_type": "statistic",
              "object_id": ids[(p.payload["indicator"].pk, p.payload["period"])], "label": p.key,
              "plan_code": ctx.plan.code, "changes": p.changes} for p in plans if p.action != UNCHANGED),
            services.actor_name(ctx.user),
        )
        services.bump_revision(ctx.plan)

    def _warn_decreases(self, ctx: ImportContext) -> None:
        """A cumulative series that goes down (核减) is kept, with a warning naming the months."""
        year = f"{ctx.plan.year:04d}-"
        recorded: dict[int, dict[int, float]] = defaultdict(dict)  # by indicator: one pass, not one a series
        for (ind_id, period), s in ctx.state["existing"].items():
            if period.startswith(year):
                recorded[ind_id][int(period[5:7])] = float(s.value)
        for ind, months in ctx.state.get("series", {}).items():
            if not ind.cumulative:
                continue
            merged = dict(recorded.get(ind.pk, {}))
            merged.update(months)
            down = decreasing_months(merged)
            if down:
                months = "、".join(f"{m}月" for m in down)
                ctx.warnings.append(Said(
                    f"「{ind.name}」的累计数在{months}比上月减少（核减），已照常导入，请核对",
                    f"The year-to-date figure of {ind.name} falls in month " + ", ".join(str(m) for m in down)
                    + " (a downward revision); imported as it is, please check"))

    def export_rows(self, plan: Any, user: Any, filters: Mapping[str, Any] | None = None) -> Iterable[dict[str, Any]]:
        qs = StatisticValue.objects.filter(plan=plan).select_related("indicator__node").order_by(
            "indicator__node__sort_key", "indicator_id", "period")
        for figure in qs.iterator(2000):
            yield {"编号": figure.indicator.node.code, "指标名称": figure.indicator.name, "统计期": figure.period,
                   "本期值": figure.value, "同比增长": figure.yoy}


KIND = StatisticsKind()
