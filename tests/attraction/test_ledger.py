"""The leads ledger (招商项目台账): real-looking files, every bad input named, round trips."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine

from shigongtu.attraction.models import Lead, LeadEvent
from shigongtu.audit.models import AuditEntry
from shigongtu.ledgers.engine import export_ledger
from shigongtu.projects.services import projects as project_services
from tests.attraction.helpers import HEADER, credit, run, sample_rows
from tests.ledgers.helpers import csv_bytes, xlsx

TODAY = dt.datetime(2023, 7, 15, 10, tzinfo=dt.UTC)


@time_machine.travel(TODAY, tick=False)
def test_it_imports_a_ledger_with_a_title_row_and_yi_amounts(cast):
    result = run(cast, xlsx([["2023年招商项目台账"], HEADER, *sample_rows(), ["合计", None, None, None, None, 103000]]))
    assert result.ok, result.errors
    assert result.created == 4
    zs2 = Lead.objects.get(code="ZS-2")
    assert zs2.investment == Decimal("25000") and zs2.stage == "签约" and zs2.signed_on == dt.date(2023, 4, 8)
    zs1 = Lead.objects.get(code="ZS-1")
    assert zs1.lead_unit == cast.dept and zs1.funds == Decimal("12000")
    assert Lead.objects.get(code="ZS-3").stage == "洽谈"  # 在谈 is 洽谈
    assert AuditEntry.objects.filter(object_type="lead").count() == 4
    assert LeadEvent.objects.filter(kind="stage").count() == 4


@time_machine.travel(TODAY, tick=False)
def test_it_reads_the_contracts_alias_headers(cast):
    data = xlsx([
        ["线索编号", "project name", "签约主体", "招商类型", "投资金额（亿元）", "项目状态", "协议签订时间", "开工/业时间",
         "到资金额"],
        ["A-1", "示例：光电项目", "示例公司", "叩门招商", 1.5, "已开工", "2023-03-01", "2023-04-01", 500],
    ])
    result = run(cast, data)
    assert result.ok, result.errors
    lead = Lead.objects.get(code="A-1")
    assert lead.investment == Decimal("15000") and lead.started_on == dt.date(2023, 4, 1) and lead.stage == "开工"


@time_machine.travel(TODAY, tick=False)
def test_bad_rows_name_row_and_column_and_nothing_is_written(cast):
    data = xlsx([
        HEADER,
        ["B-1", "好项目", "甲", "叩门招商", None, 100, "签约", "2023-03-01", None, None, None, None, None, None, None],
        ["B-2", "日期倒序", "乙", "叩门招商", None, 100, "开工", "2023-05-01", None, "2023-04-01", None, None, None,
         None],
        ["B-3", "签约无日期", "丙", "叩门招商", None, 100, "签约", None, None, None, None, None, None, None, None],
        ["B-4", "负数", "丁", "叩门招商", None, -5, None, None, None, None, None, None, None, None],
        ["B-5", "方式未知", "戊", "网络招商", None, 100, None, None, None, None, None, None, None, None],
        ["B-6", "阶段未知", "己", "叩门招商", None, 100, "施工中", None, None, None, None, None, None, None, None],
        ["B-7", "开工无日期", "庚", "叩门招商", None, 100, "开工", "2023-03-01", None, None, None, None, None,
         None],
    ])
    result = run(cast, data)
    assert not result.ok
    by_row = {e.row: e for e in result.errors}
    assert set(by_row) >= {3, 4, 5, 6, 7, 8}
    assert by_row[3].column == "开工日期" and "早于" in by_row[3].message
    assert by_row[4].column == "阶段" and "签约日期" in by_row[4].message
    assert by_row[5].column == "协议投资额"
    assert by_row[6].column == "招商方式"
    assert by_row[7].column == "阶段"
    assert by_row[8].column == "阶段" and "开工日期" in by_row[8].message
    assert not Lead.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_fdi_given_in_wan_yuan_in_a_cell_is_refused(cast):
    data = xlsx([["编号", "项目名称", "外资金额"], ["F-1", "外资项目", "300万元"], ["F-2", "外资项目二", "300万美元"]])
    result = run(cast, data)
    assert [(e.row, e.column) for e in result.errors] == [(2, "外资金额")]
    header = run(cast, xlsx([["编号", "项目名称", "外资金额（万元）"], ["F-3", "外资项目三", 300]]))
    assert [(e.row, e.column) for e in header.errors] == [(2, "外资金额（万元）")]
    assert not Lead.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_the_same_signing_twice_is_refused_unless_marked_an_increase(cast):
    rows = [["编号", "项目名称", "投资方", "签约日期", "增资扩产"],
            ["D-1", "示例：光电项目", "示例公司", "2023-03-01", None],
            ["D-2", "示例：光 电项目", "示例公司", "2023-06-01", None]]
    result = run(cast, xlsx(rows))
    assert not result.ok and [(e.row, e.column) for e in result.errors] == [(3, "项目名称")]
    rows[2][4] = "是"
    assert run(cast, xlsx(rows)).ok
    again = run(cast, xlsx([["编号", "项目名称", "投资方", "签约日期"], ["D-9", "示例：光电项目", "示例公司", "2023-07-01"]]))
    assert not again.ok and "D-1" in again.errors[0].message  # against the leads already recorded


@time_machine.travel(TODAY, tick=False)
def test_linking_to_a_project_of_another_plan_is_refused(cast):
    from shigongtu.plans.services import create_plan

    other = create_plan("OTHER", "另一施工图", 2023, unit=cast.zone)
    project_services.save_project(other, {"code": "P-X", "name": "别人的项目"})
    project_services.save_project(cast.plan, {"code": "P-1", "name": "自己的项目"})
    result = run(cast, xlsx([["编号", "项目名称", "重点项目编号"], ["L-1", "甲", "P-X"], ["L-2", "乙", "P-1"]]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "重点项目编号")]
    assert "另一施工图" in result.errors[0].message


@time_machine.travel(TODAY, tick=False)
def test_a_started_lead_links_to_the_project_with_its_credit_code(cast):
    code = credit()
    project = project_services.save_project(cast.plan, {"code": "P-1", "name": "已入库项目", "owner_credit_code": code})
    data = xlsx([["编号", "项目名称", "统一社会信用代码", "签约日期", "开工日期"],
                 ["L-1", "示例：项目", code, "2023-02-01", "2023-05-01"]])
    assert run(cast, data).ok
    assert Lead.objects.get(code="L-1").project == project


@time_machine.travel(TODAY, tick=False)
def test_an_export_reimports_unchanged(cast):
    assert run(cast, xlsx([HEADER, *sample_rows()])).ok
    exported = export_ledger("leads", cast.plan, None)
    data = exported if isinstance(exported, bytes) else exported[0]
    again = run(cast, data)
    assert again.ok, again.errors
    assert again.created == 0 and again.updated == 0 and again.unchanged == 4


@time_machine.travel(TODAY, tick=False)
def test_a_csv_in_gb18030_imports(cast):
    result = run(cast, csv_bytes([HEADER, *sample_rows()], encoding="gb18030"), name="台账.csv")
    assert result.ok, result.errors
    assert Lead.objects.count() == 4


@time_machine.travel(TODAY, tick=False)
def test_a_dry_run_writes_nothing_and_previews_fields(cast):
    result = run(cast, xlsx([HEADER, *sample_rows()]), dry_run=True)
    assert result.ok and result.created == 4
    assert not Lead.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_a_reserved_code_is_refused_by_row_and_column(cast):
    result = run(cast, xlsx([["编号", "项目名称"], ["Z-1", "示例一"], ["new", "示例二"]]))
    assert [(e.row, e.column) for e in result.errors] == [(3, "编号")]
    assert not Lead.objects.exists()


def _arrivals(code):
    from shigongtu.attraction.models import FundArrival

    return [(f.date, f.amount) for f in FundArrival.objects.filter(lead__code=code).order_by("date", "pk")]


@time_machine.travel(TODAY, tick=False)
def test_funds_given_only_in_the_ledger_become_a_dated_arrival_at_the_month_end(cast):
    rows = [["编号", "项目名称", "签约日期", "到位资金"], ["FD-1", "示例：到位资金", "2023-03-01", 1200]]
    assert run(cast, xlsx(rows), period="2023-05").ok
    assert _arrivals("FD-1") == [(dt.date(2023, 5, 31), Decimal("1200"))]
    assert run(cast, xlsx(rows), period="2023-06").unchanged == 1  # the same figure again: nothing new
    rows[1][3] = 2000
    assert run(cast, xlsx([["2023年6月招商项目台账"], *rows])).ok  # the month from the title
    assert _arrivals("FD-1") == [(dt.date(2023, 5, 31), Decimal("1200")), (dt.date(2023, 6, 30), Decimal("800"))]


@time_machine.travel(TODAY, tick=False)
def test_a_rows_own_funds_date_dates_its_arrival_and_the_indicator_counts_it_by_month(cast):
    from shigongtu.plans import services as plan_services
    from shigongtu.plans.selectors import compute_indicators

    rows = [["编号", "项目名称", "签约日期", "到位资金", "资金到位时间"],
            ["FD-2", "示例：到位资金二", "2023-02-01", "0.5亿", "2023-04-20"], ["FD-3", "示例：三", None, None, None]]
    assert run(cast, xlsx(rows), period="2023-06").ok
    assert _arrivals("FD-2") == [(dt.date(2023, 4, 20), Decimal("5000"))] and _arrivals("FD-3") == []
    plan_services.save_indicator(cast.node("1.2"), {"name": "到位资金", "unit": "万元", "kind": "flow", "target": "9000",
                                                    "source": "attraction.funds"})
    by_date = {o.name: o.actual for o in compute_indicators(cast.plan, dt.date(2023, 3, 31))}
    assert by_date["到位资金"] == 0
    assert {o.name: o.actual for o in compute_indicators(cast.plan, dt.date(2023, 4, 30))}["到位资金"] == 5000


@time_machine.travel(TODAY, tick=False)
def test_a_bad_funds_date_is_named_by_row_and_column(cast):
    result = run(cast, xlsx([["编号", "项目名称", "到位资金", "到位日期"], ["FD-4", "示例", 100, "四月"]]), period="2023-06")
    assert [(e.row, e.column) for e in result.errors] == [(2, "到位日期")]
    assert not Lead.objects.exists()
