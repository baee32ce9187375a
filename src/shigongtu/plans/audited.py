"""The blueprint's figures that ``audit verify`` replays against the history: a report's progress
(进度) and indicator values (指标值), an indicator's target (目标值) and the statistics figures (统计数据).

Where the history records them: the services write ``progress`` and ``target`` on the report and
the indicator; the ledgers write ``进度`` / ``指标:名称`` on the report (a new report's entry names
the task and ``code period``) and ``指标:名称:target`` on the task.
"""

from __future__ import annotations

from collections.abc import Iterator

from shigongtu.audit.replay import Figure, History, Mismatch, compare, register
from shigongtu.plans.models import Indicator, Report, ReportValue, StatisticValue


def report_progress(history: History) -> Iterator[Mismatch]:
    rows = Report.objects.values_list("pk", "node__code", "period", "node__plan__code", "progress")
    for pk, code, period, plan_code, progress in rows.iterator(chunk_size=5000):
        label = f"{code} {period}"
        found = history.latest([(("report", str(pk)), ("progress", "进度"))], (("report", plan_code, label), ("进度",)))
        mismatch = compare("月报进度 report progress", f"{plan_code} {label}", progress, found)
        if mismatch is not None:
            yield mismatch


def report_values(history: History) -> Iterator[Mismatch]:
    rows = ReportValue.objects.values_list("report_id", "report__node__code", "report__period",
                                           "report__node__plan__code", "indicator__name", "value")
    for report_id, code, period, plan_code, name, value in rows.iterator(chunk_size=5000):
        label = f"{code} {period}"
        keys = (f"指标:{name}",)
        found = history.latest([(("report", str(report_id)), keys)], (("report", plan_code, label), keys))
        mismatch = compare("月报指标值 report value", f"{plan_code} {label} {name}", value, found)
        if mismatch is not None:
            yield mismatch


def indicator_targets(history: History) -> Iterator[Mismatch]:
    rows = Indicator.objects.values_list("pk", "node_id", "node__code", "node__plan__code", "name", "target")
    for pk, node_id, code, plan_code, name, target in rows.iterator(chunk_size=5000):
        found = history.latest([(("indicator", str(pk)), ("target",)),
                                (("node", str(node_id)), (f"指标:{name}:target",))])
        mismatch = compare("指标目标值 indicator target", f"{plan_code} {code} {name}", target, found)
        if mismatch is not None:
            yield mismatch


def statistic_values(history: History) -> Iterator[Mismatch]:
    rows = StatisticValue.objects.values_list("pk", "plan__code", "indicator__name", "period", "value")
    for pk, plan_code, name, period, value in rows.iterator(chunk_size=5000):
        found = history.latest([(("statistic", str(pk)), ("value",))])
        mismatch = compare("统计数据 statistic value", f"{plan_code} {name} {period}", value, found)
        if mismatch is not None:
            yield mismatch


def register_figures() -> None:
    """Called from ``PlansConfig.ready()``."""
    register(Figure("月报进度 report progress", report_progress))
    register(Figure("月报指标值 report value", report_values))
    register(Figure("指标目标值 indicator target", indicator_targets))
    register(Figure("统计数据 statistic value", statistic_values))
