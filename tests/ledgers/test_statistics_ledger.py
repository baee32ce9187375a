"""The statistics ledger (统计数据, contract §3): the bureau's 1–N月累计 figures by indicator and month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shigongtu.audit.models import AuditEntry
from shigongtu.ledgers.engine import export_ledger, import_ledger
from shigongtu.plans import services
from shigongtu.plans.documents import tree_document
from shigongtu.plans.models import StatisticValue
from tests.ledgers.helpers import xlsx

HEADER = ["指标名称", "统计期", "本期值（亿元）", "同比增长"]


@pytest.fixture
def fai(cast):
    """固定资产投资: a cumulative flow, as the bureau publishes it."""
    return services.save_indicator(cast.node("1.2"), {"name": "固定资产投资", "unit": "亿元", "target": "222.5",
                                                      "cumulative": True})


def run(cast, data, **kw):
    return import_ledger(data, "统计数据.xlsx", "statistics", cast.plan, None, **kw)


def test_the_bureaus_months_in_every_form_import_as_one_series(cast, fai):
    data = xlsx([["2023年净月高新区主要经济指标"], HEADER,
                 ["固定资产投资", "2023-04", 60.2, "5.0%"],
                 ["固定资产投资", "2023年1-5月", "85.1亿元", 5.5],
                 ["固定资产投资", "1-6月", "1105000万", "6.1"]])
    result = run(cast, data)
    assert result.ok, result.errors
    assert result.created == 3
    figures = {s.period: (s.value, s.yoy) for s in StatisticValue.objects.all()}
    assert figures == {"2023-04": (Decimal("60.2"), Decimal("5.0")), "2023-05": (Decimal("85.1"), Decimal("5.5")),
                       "2023-06": (Decimal("110.5"), Decimal("6.1"))}
    judged = tree_document(cast.plan, dt.date(2023, 6, 30))["nodes"][2]["indicators"][0]
    assert judged["actual"] == 110.5  # the latest 1–N月累计, not their sum
    assert AuditEntry.objects.filter(object_type="statistic").count() == 3


def test_a_decreasing_cumulative_series_is_a_warning_not_an_error(cast, fai):
    result = run(cast, xlsx([HEADER, ["固定资产投资", "2023-05", 90, None], ["固定资产投资", "2023-06", 88, None]]))
    assert result.ok
    assert any("核减" in w and "6月" in w for w in result.warnings)
    assert StatisticValue.objects.count() == 2


@pytest.mark.parametrize(("row", "column"), [
    (["地区生产总值", "2023-06", 10, None], "指标名称"),
    (["固定资产投资", "2022-12", 10, None], "统计期"),
    (["固定资产投资", "2023年1-6月", "很多", None], "本期值（亿元）"),
    (["固定资产投资", "2023-06", 10, "大约"], "同比增长"),
])
def test_a_bad_row_names_row_and_column_and_nothing_is_written(cast, fai, row, column):
    before = AuditEntry.objects.count()
    result = run(cast, xlsx([HEADER, ["固定资产投资", "2023-05", 90, None], row]))
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert not StatisticValue.objects.exists()
    assert AuditEntry.objects.count() == before


def test_the_node_code_picks_between_indicators_of_the_same_name(cast, fai):
    result = run(cast, xlsx([["编号", *HEADER], ["1.1", "固定资产投资", "2023-06", 1, None]]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "指标名称")]
    assert run(cast, xlsx([["编号", *HEADER], ["1.2", "固定资产投资", "2023-06", 1, None]])).ok


def test_the_export_reimports_unchanged(cast, fai):
    run(cast, xlsx([HEADER, ["固定资产投资", "2023-05", 85.1, 5.5], ["固定资产投资", "2023-06", 110.5, None]]))
    result = run(cast, export_ledger("statistics", cast.plan))
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


def test_a_sheet_without_a_period_column_takes_the_month_from_its_title(cast, fai):
    result = run(cast, xlsx([["2023年1-6月主要经济指标"], ["指标名称", "本期值", "同比增长"],
                             ["固定资产投资", 110.5, 6.1]]))
    assert result.ok, result.errors
    assert StatisticValue.objects.get().period == "2023-06"
