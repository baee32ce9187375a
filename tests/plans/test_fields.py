"""The blueprint's field table: each rule once, one Chinese wording with its English beside it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shigongtu.lib.errors import ValueProblem
from shigongtu.lib.periods import Period
from shigongtu.plans import fields


def refusal(read: object, *args: object) -> ValueProblem:
    with pytest.raises(ValueProblem) as info:
        read(*args)  # type: ignore[operator]
    assert info.value.message_en, "every refusal carries its English"
    return info.value


def test_it_reads_a_dotted_code() -> None:
    assert fields.read_code(" 1.2.3 ") == "1.2.3"
    assert str(refusal(fields.read_code, "1.a")) == "编号应为以点分隔的数字，如 1、1.2、1.2.3"


def test_it_requires_a_title() -> None:
    assert fields.read_title(" 春季开工 ") == "春季开工"
    assert str(refusal(fields.read_title, "  ")) == "任务名称不能为空"


def test_it_reads_dates_and_a_month_as_its_last_day_when_due() -> None:
    assert fields.read_date("2023-03-01") == dt.date(2023, 3, 1)
    assert fields.read_date("") is None
    assert fields.read_due("2023年6月") == dt.date(2023, 6, 30)
    refusal(fields.read_date, "不是日期")


def test_it_refuses_a_due_date_before_the_start() -> None:
    fields.check_dates(dt.date(2023, 3, 1), dt.date(2023, 3, 1))
    problem = refusal(fields.check_dates, dt.date(2023, 3, 1), dt.date(2023, 2, 1))
    assert str(problem) == "完成时限 2023-02-01 早于开始时间 2023-03-01"


def test_it_reads_a_weight_not_below_zero() -> None:
    assert fields.read_weight("2.5") == Decimal("2.5")
    assert fields.read_weight(0) == 0
    assert str(refusal(fields.read_weight, -1)) == "权重应为不小于0的数：-1"
    assert str(refusal(fields.read_weight, "很多")) == "权重应为不小于0的数：很多"


def test_it_requires_an_indicator_name() -> None:
    assert str(refusal(fields.read_indicator_name, "")) == "指标名称不能为空"


def test_it_reads_the_indicator_kind_in_either_language() -> None:
    assert fields.read_kind("流量") == "flow"
    assert fields.read_kind("Stock") == "stock"
    assert fields.read_kind("增速") == fields.read_kind("比率") == fields.read_kind("rate") == "rate"
    assert str(refusal(fields.read_kind, "增量")) == "指标类型应为“流量”“存量”或“增速/比率”"


def test_it_reads_a_target_as_a_number() -> None:
    assert fields.read_target("12") == Decimal(12)
    assert fields.read_target("-3") == Decimal(-3)  # a stock may aim below zero; the kind's rule decides
    assert str(refusal(fields.read_target, "很多")) == "目标值应为数字：很多"


def test_a_stock_target_equal_to_its_baseline_is_refused_on_the_baseline() -> None:
    field, problem = fields.check_indicator("stock", Decimal(500), Decimal(500))
    assert field == "baseline"
    assert "基数" in str(problem)
    assert fields.check_indicator("stock", Decimal(300), Decimal(402)) is None  # a reduction target


def test_a_rate_target_not_above_zero_is_refused() -> None:
    for bad in (Decimal(0), Decimal(-5)):
        field, problem = fields.check_indicator("rate", bad, Decimal(0))
        assert field == "target"
        assert "大于0" in str(problem)


def test_it_reads_baseline_due_cumulative_and_progress_source() -> None:
    assert fields.read_baseline("402") == Decimal(402)
    assert fields.read_baseline("") == Decimal(0)
    assert fields.read_indicator_due("2023-05") == dt.date(2023, 5, 31)
    assert fields.read_cumulative("是") is True
    assert fields.read_cumulative("否") is False
    assert str(refusal(fields.read_cumulative, "也许")).startswith("累计值只能填")
    assert fields.read_progress_source("指标") == "indicator"
    assert fields.read_progress_source("项目") == "projects"
    assert fields.read_progress_source("") == "reports"
    assert str(refusal(fields.read_progress_source, "领导")).startswith("进度来源应为")


def test_an_indicator_due_date_outside_the_plan_year_is_refused() -> None:
    fields.check_indicator_due(dt.date(2023, 12, 31), 2023)
    with pytest.raises(ValueProblem, match="不在施工图年度 2023 内"):
        fields.check_indicator_due(dt.date(2024, 1, 31), 2023)


def test_it_reads_a_statistics_month_in_the_forms_the_bureau_prints() -> None:
    for raw in ("2023-06", "2023年6月", "2023年1-6月", "1-6月", "1—6月"):
        assert fields.read_statistic_period(raw, 2023).key == "2023-06"
    with pytest.raises(ValueProblem, match="不在施工图年度"):
        fields.read_statistic_period("2022年1-6月", 2023)


def test_it_reads_a_curve_as_a_list_or_as_a_ledger_cell() -> None:
    shares = [round((m + 1) / 12, 6) for m in range(11)] + [1.0]
    assert fields.read_curve(shares) == pytest.approx(shares)
    assert fields.read_curve(fields.curve_text(shares)) == pytest.approx(shares)
    assert fields.read_curve("") is None
    assert str(refusal(fields.read_curve, "0.5,0.2")).startswith("分月计划无效：")


def test_it_reads_progress_from_0_to_100() -> None:
    assert fields.read_progress("65%") == Decimal(65)
    assert fields.read_progress(Decimal("40")) == Decimal(40)
    assert str(refusal(fields.read_progress, "150")) == "进度应为0到100之间的数：150"
    assert str(refusal(fields.read_progress, "abc")) == "进度应为0到100之间的数：abc"


def test_it_keeps_a_report_month_within_the_plan_year() -> None:
    assert fields.read_period("2023年3月", 2023) == Period(2023, 3)
    assert str(refusal(fields.read_period, "2024-01", 2023)) == "填报月份 2024-01 不在施工图年度 2023 内"


def test_it_reads_an_indicator_value_as_a_number() -> None:
    assert fields.read_value("开工项目", "1,200") == Decimal(1200)
    assert fields.read_value("开工项目", "") is None
    assert str(refusal(fields.read_value, "开工项目", "很多")) == "指标「开工项目」的值应为数字"


def test_it_cleans_a_record_and_names_each_bad_field() -> None:
    clean, problems = fields.clean(fields.NODE_FIELDS, {"title": "x", "weight": "-1", "start": "坏", "leader": "李"})
    assert clean["title"] == "x" and clean["leader"] == "李"
    assert {p.field for p in problems} == {"weight", "start"}
    assert all(p.column is None for p in problems)  # the API's error shape has no column
