"""Monthly investment: filing, checks, the review chain, year-to-date totals and the ledger rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from shigongtu.audit.models import AuditEntry
from shigongtu.lib.errors import Conflict, InputRejected, NotAllowed
from shigongtu.projects.bulk.investment import apply_investment_rows, validate_investment_rows
from shigongtu.projects.bulk.projects import apply_project_rows, validate_project_row, validate_project_rows
from shigongtu.projects.models import InvestmentReport, Project
from shigongtu.projects.services.investment import review_investment, submit_investment
from tests.conftest import make_user

from .conftest import make_project

JULY = time_machine.travel(dt.datetime(2023, 7, 10, 10, tzinfo=dt.UTC))


@JULY
def test_a_report_counts_in_the_projects_year_to_date(cast, project):
    submit_investment(project, {"period": "2023-05", "amount": "1,200", "stats_amount": "1000"}, cast.reporter)
    submit_investment(project, {"period": "2023-06", "amount": "0.08亿"}, cast.reporter)
    project.refresh_from_db()
    assert project.ytd_investment == Decimal(2000)
    assert project.ytd_stats_investment == Decimal(1000)
    assert project.last_period == "2023-06"


@JULY
def test_a_month_that_has_not_come_is_refused(cast, project):
    with pytest.raises(InputRejected) as exc:
        submit_investment(project, {"period": "2023-08", "amount": "10"}, cast.reporter)
    assert exc.value.problems[0].field == "period"
    assert not InvestmentReport.objects.exists()


@JULY
def test_a_month_outside_the_plan_year_is_refused(cast, project):
    with pytest.raises(InputRejected) as exc:
        submit_investment(project, {"period": "2022-12", "amount": "10"}, cast.reporter)
    assert "不在施工图年度" in exc.value.problems[0].message


@JULY
@pytest.mark.parametrize(("data", "field"), [
    ({"amount": "-3"}, "amount"), ({"amount": "abc"}, "amount"), ({"amount": ""}, "amount"),
    ({"amount": "5", "progress_pct": "120%"}, "progress_pct"), ({"amount": "5", "funds_arrived": "-1"}, "funds_arrived"),
])
def test_bad_figures_name_their_field_and_write_nothing(cast, project, data, field):
    with pytest.raises(InputRejected) as exc:
        submit_investment(project, {"period": "2023-06", **data}, cast.reporter)
    assert [p.field for p in exc.value.problems] == [field]
    assert not InvestmentReport.objects.exists()


@JULY
def test_a_year_to_date_figure_must_equal_the_sum_of_the_months(cast, project):
    submit_investment(project, {"period": "2023-05", "amount": "1200"}, cast.reporter)
    with pytest.raises(InputRejected) as exc:
        submit_investment(project, {"period": "2023-06", "amount": "800", "ytd": "2500"}, cast.reporter)
    assert exc.value.problems[0].field == "ytd"
    assert "2000" in exc.value.problems[0].message
    report = submit_investment(project, {"period": "2023-06", "amount": "800", "ytd": "2000"}, cast.reporter)
    assert report.amount == Decimal(800)


@JULY
def test_the_review_goes_from_the_lead_unit_to_the_coordination_office(cast, project):
    owner = make_user("owner", cast.dept, "reporter")  # 业主 files; the lead unit's reporter reviews
    report = submit_investment(project, {"period": "2023-06", "amount": "800"}, owner)
    report = review_investment(report, True, cast.reporter)
    assert report.status == "unit_approved" and report.unit_reviewed_by == cast.reporter
    with pytest.raises(NotAllowed):
        review_investment(report, True, cast.reporter)
    report = review_investment(report, True, cast.coordinator)
    assert report.status == "accepted"
    assert list(AuditEntry.objects.filter(object_type="investment").values_list("action", flat=True)) == [
        "submit", "approve", "approve"]


@JULY
def test_a_coordinator_accepts_a_reported_month_at_once(cast, project):
    report = submit_investment(project, {"period": "2023-06", "amount": "800"}, cast.reporter)
    assert review_investment(report, True, cast.coordinator).status == "accepted"


@JULY
def test_a_returned_report_leaves_the_totals_and_needs_a_reason(cast, project):
    report = submit_investment(project, {"period": "2023-06", "amount": "800"}, cast.reporter)
    with pytest.raises(InputRejected):
        review_investment(report, False, cast.coordinator)
    report = review_investment(report, False, cast.coordinator, reason="请补充凭证")
    project.refresh_from_db()
    assert report.status == "returned" and project.ytd_investment == 0
    report = submit_investment(project, {"period": "2023-06", "amount": "820"}, cast.reporter)
    assert report.status == "submitted" and report.return_reason == ""


@JULY
def test_a_reviewed_report_is_changed_only_by_a_coordinator(cast, project):
    report = submit_investment(project, {"period": "2023-06", "amount": "800"}, make_user("owner", cast.dept, "reporter"))
    review_investment(report, True, cast.reporter)
    with pytest.raises(InputRejected):
        submit_investment(project, {"period": "2023-06", "amount": "900"}, cast.reporter)
    assert submit_investment(project, {"period": "2023-06", "amount": "900"}, cast.coordinator).amount == 900


@JULY
def test_a_stale_version_conflicts(cast, project):
    submit_investment(project, {"period": "2023-06", "amount": "800"}, cast.reporter)
    with pytest.raises(Conflict):
        submit_investment(project, {"period": "2023-06", "amount": "900"}, cast.reporter, expected_version=7)


@JULY
def test_reporters_report_only_on_projects_their_unit_leads(cast):
    other = make_project(cast, "P-OTHER", lead_unit=cast.other_dept)
    with pytest.raises(NotAllowed):
        submit_investment(other, {"period": "2023-06", "amount": "1"}, cast.reporter)
    with pytest.raises(NotAllowed):
        submit_investment(other, {"period": "2023-06", "amount": "1"}, cast.viewer)


# -- the investment ledger's rows -----------------------------------------------------------

@JULY
def test_investment_rows_are_checked_and_applied_as_reported(cast, project):
    rows = [{"项目编号": "P-001", "填报月份": "2023年5月", "本月完成投资": "1,000", "形象进度": "主体施工"},
            {"项目编号": "P-001", "填报月份": "2023-06", "本月完成投资": "0.05亿", "本年累计完成投资": "1500"}]
    checked = validate_investment_rows(cast.plan, rows)
    assert [ps for _, ps in checked] == [[], []]
    counts = apply_investment_rows(cast.plan, [c for c, _ in checked], cast.coordinator)
    assert counts == {"created": 2, "updated": 0, "unchanged": 0}
    project.refresh_from_db()
    assert project.ytd_investment == Decimal(1500)
    again = apply_investment_rows(cast.plan, [c for c, _ in checked], cast.coordinator)
    assert again == {"created": 0, "updated": 0, "unchanged": 2}


@JULY
def test_investment_rows_name_the_column_of_each_problem(cast, project):
    rows = [{"项目编号": "NOPE", "填报月份": "2023-05", "本月完成投资": "1"},
            {"项目编号": "P-001", "填报月份": "2023-09", "本月完成投资": "1"},
            {"项目编号": "P-001", "填报月份": "2023-05", "本月完成投资": "100", "本年累计完成投资": "90"},
            {"项目编号": "P-001", "填报月份": "2023-05", "本月完成投资": "1"}]
    checked = validate_investment_rows(cast.plan, rows)
    columns = [[p.column for p in ps] for _, ps in checked]
    assert columns == [["项目编号"], ["填报月份"], ["本年累计完成投资"], ["填报月份"]]


@JULY
def test_only_managers_import_investment(cast, project):
    checked = validate_investment_rows(cast.plan, [{"项目编号": "P-001", "填报月份": "2023-05",
                                                    "本月完成投资": "1"}])
    with pytest.raises(NotAllowed):
        apply_investment_rows(cast.plan, [c for c, _ in checked], cast.reporter)
    assert not InvestmentReport.objects.exists()


def test_project_rows_create_then_update_by_code(cast):
    rows = [{"项目编号": "L-1", "项目名称": "台账项目", "总投资": "2.5亿", "年度计划投资": "8000", "项目阶段": "前期",
             "责任单位": "项目服务中心", "计划开工时间": "2023年4月", "是否入统": "否", "服务节点": "1.1"}]
    checked = validate_project_rows(cast.plan, rows)
    assert checked[0][1] == []
    assert apply_project_rows(cast.plan, [checked[0][0]]) == {"created": 1, "updated": 0, "unchanged": 0}
    p = Project.objects.get(code="L-1")
    assert p.total_investment == Decimal(25000) and p.planned_start == dt.date(2023, 4, 1)
    rows[0]["项目阶段"] = "具备开工条件"
    checked = validate_project_rows(cast.plan, rows)
    assert apply_project_rows(cast.plan, [checked[0][0]]) == {"created": 0, "updated": 1, "unchanged": 0}
    assert Project.objects.get(code="L-1").stage == "具备开工条件"


def test_project_rows_report_repeats_and_bad_cells_by_column(cast):
    rows = [{"项目编号": "L-1", "项目名称": "甲", "统一社会信用代码": "123"},
            {"项目编号": "L-1", "项目名称": "乙", "经度": "200", "纬度": "43"},
            {"项目编号": "L-2", "项目名称": "丙", "实际开工时间": "2023-05-01", "实际竣工时间": "2023-04-01",
             "项目阶段": "在建"}]
    checked = validate_project_rows(cast.plan, rows)
    assert [[p.column for p in ps] for _, ps in checked] == [["统一社会信用代码"], ["经度", "项目编号"],
                                                             ["实际竣工时间"]]
    assert not Project.objects.exists()


def test_unknown_units_are_created_only_when_asked(cast):
    row = {"项目编号": "L-9", "项目名称": "新单位项目", "责任单位": "新区建设办"}
    assert validate_project_row(cast.plan, row)[1][0].column == "责任单位"
    clean, problems = validate_project_row(cast.plan, row, create_units=True)
    assert problems == []
    apply_project_rows(cast.plan, [clean])
    assert Project.objects.get(code="L-9").lead_unit.parent == cast.zone
