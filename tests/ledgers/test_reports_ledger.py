"""The reports ledger: progress and indicator values by code and month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from shigongtu.ledgers.engine import export_ledger, import_ledger
from shigongtu.plans import services
from shigongtu.plans.models import Report, ReportValue
from shigongtu.plans.selectors import compute_indicators, get_rollup
from tests.ledgers.helpers import xlsx

HEADER = ["编号", "填报月份", "进度", "本月进展", "存在问题", "下步计划"]


def run(cast, data, **kw):
    return import_ledger(data, "月报.xlsx", "reports", cast.plan, None, **kw)


def test_imported_reports_count_as_submitted_and_roll_up(cast):
    data = xlsx([HEADER, ["1.1", "2023年4月", "60%", "完成主体", None, None], ["1.2", "2023-04", 30, None, None, None]])
    result = run(cast, data)
    assert result.ok and result.created == 2
    assert set(Report.objects.values_list("status", flat=True)) == {"submitted"}
    assert get_rollup(cast.plan, dt.date(2023, 4, 30)).by_code("1").progress == (2 * 60 + 30) / 3


def test_indicator_columns_are_read_by_their_name(cast):
    services.save_indicator(cast.node("1.1"), {"name": "固定资产投资", "unit": "亿元", "target": 222.5})
    data = xlsx([[*HEADER[:3], "固定资产投资"], ["1.1", "2023-03", 10, "3500万"], ["1.1", "2023-04", 20, 4.5]])
    result = run(cast, data)
    assert result.ok, result.errors
    assert sorted(ReportValue.objects.values_list("value", flat=True)) == [Decimal("0.35"), Decimal("4.5")]
    out = compute_indicators(cast.plan, dt.date(2023, 4, 30))[0]
    assert out.actual == 4.85


def test_a_second_import_of_a_period_replaces_it_and_keeps_the_history(cast):
    run(cast, xlsx([HEADER, ["1.1", "2023-04", 40, None, None, None]]))
    result = run(cast, xlsx([HEADER, ["1.1", "2023-04", 55, None, None, None]]))
    assert result.updated == 1
    assert Report.objects.get().progress == 55
    from shigongtu.audit.models import AuditEntry

    assert AuditEntry.objects.filter(object_type="report", changes__has_key="进度").count() >= 1


def test_bad_rows_are_named_and_nothing_is_written(cast):
    services.save_node(cast.plan, "2", {"cancelled": True})
    data = xlsx([HEADER,
                 ["1.1", "2023-04", 140, None, None, None],
                 ["9.9", "2023-04", 10, None, None, None],
                 ["1.2", "2024-01", 10, None, None, None],
                 ["2.1", "2023-04", 10, None, None, None],
                 ["1.2", "四月", 10, None, None, None],
                 ["1.2", "2023-05", "abc", None, None, None],
                 ["1.2", "2023-06", 10, None, None, None],
                 ["1.2", "2023-06", 20, None, None, None]])
    result = run(cast, data)
    assert not result.ok
    assert {(e.row, e.column) for e in result.errors} == {
        (2, "进度"), (3, "编号"), (4, "填报月份"), (5, "编号"), (6, "填报月份"), (7, "进度"), (9, "填报月份")
    }
    assert not Report.objects.exists()


def test_a_reporter_may_only_import_for_their_own_nodes(cast):
    data = xlsx([HEADER, ["1.1", "2023-04", 10, None, None, None], ["2.1", "2023-04", 10, None, None, None]])
    cast.reporter.is_superuser = False
    from shigongtu.lib.errors import NotAllowed

    try:
        import_ledger(data, "x.xlsx", "reports", cast.plan, cast.reporter)
    except NotAllowed:
        pass  # importing is a coordinator's task
    else:
        raise AssertionError("a reporter must not import ledgers")


def test_the_reports_export_reimports_unchanged(cast):
    services.save_indicator(cast.node("1.1"), {"name": "开工项目", "unit": "个", "target": 30})
    services.file_report(cast.node("1.1"), "2023-03", {"progress": 20, "narrative": "=SUM(A1)", "values": {"开工项目": 3}})
    services.file_report(cast.node("1.2"), "2023-03", {"progress": 5})
    data = export_ledger("reports", cast.plan)
    result = run(cast, data)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


def test_a_parent_row_may_carry_only_indicator_values(cast):
    services.save_indicator(cast.node("1"), {"name": "开工项目", "unit": "个", "target": 30})
    data = xlsx([[*HEADER[:3], "开工项目"], ["1", "2023-04", None, 7], ["1.1", "2023-04", None, 3]])
    result = run(cast, data)
    assert [(e.row, e.column) for e in result.errors] == [(3, "进度")]
    result = run(cast, xlsx([[*HEADER[:3], "开工项目"], ["1", "2023-04", None, 7]]))
    assert result.ok and ReportValue.objects.get().value == 7
