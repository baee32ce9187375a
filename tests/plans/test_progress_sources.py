"""Leaf progress sources (进度来源), indicator fields and statistics figures, through the services
and the cached roll-up (contract §2, §4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shigongtu.audit.models import AuditEntry
from shigongtu.lib.errors import InputRejected
from shigongtu.plans import services
from shigongtu.plans.documents import tree_document
from shigongtu.plans.models import Indicator, Node, Plan, StatisticValue
from shigongtu.plans.selectors import compute_fresh, default_as_of, get_rollup
from shigongtu.projects.services.investment import submit_investment
from tests.projects.conftest import make_project

JUNE_30 = dt.date(2023, 6, 30)


def same(a, b) -> bool:
    return {k: (v.progress, v.expected, v.light) for k, v in a.results.items()} == {
        k: (v.progress, v.expected, v.light) for k, v in b.results.items()}


def high_tech(cast) -> Indicator:
    """高企: a stock from last year's 402 to 500 this year."""
    return services.save_indicator(cast.node("2.1"), {"name": "高新技术企业", "unit": "家", "kind": "stock",
                                                      "target": "500", "baseline": "402"})


def test_a_stock_is_judged_from_its_baseline_in_the_tree(cast):
    high_tech(cast)
    services.file_report(cast.node("2.1"), "2023-06", {"progress": 40, "values": {"高新技术企业": 452}})
    ind = tree_document(cast.plan, JUNE_30)["nodes"][-1]["indicators"][0]
    assert ind["baseline"] == 402
    assert ind["completion"] == pytest.approx(50 / 98)
    assert ind["expected_share"] == ind["time_share"] == 0.5


def test_a_leaf_whose_source_is_its_indicator_takes_p_e_and_light_from_it(cast):
    high_tech(cast)
    services.file_report(cast.node("2.1"), "2023-06", {"progress": 5, "values": {"高新技术企业": 452}})
    services.save_node(cast.plan, "2.1", {"progress_source": "indicator"})
    leaf = get_rollup(cast.plan, JUNE_30).by_code("2.1")
    assert leaf.progress == pytest.approx(100 * 50 / 98)  # not the reported 5
    assert leaf.expected == 50.0
    assert leaf.light == "green"


def test_the_cached_rollup_of_an_indicator_leaf_equals_a_fresh_one_after_reports(cast):
    high_tech(cast)
    services.save_node(cast.plan, "2.1", {"progress_source": "indicator"})
    get_rollup(cast.plan, JUNE_30)
    services.file_report(cast.node("2.1"), "2023-06", {"progress": 90})  # no values: an incremental delta
    assert same(get_rollup(cast.plan, JUNE_30), compute_fresh(cast.plan, JUNE_30))
    services.file_report(cast.node("2.1"), "2023-06", {"progress": 90, "values": {"高新技术企业": 480}})
    cached = get_rollup(cast.plan, JUNE_30)
    assert same(cached, compute_fresh(cast.plan, JUNE_30))
    assert cached.by_code("2.1").progress == pytest.approx(100 * 78 / 98)


def test_a_leaf_whose_source_is_its_projects_takes_their_year_to_date_investment(cast):
    project = make_project(cast, annual_plan=Decimal(4000), nodes=["1.2"])
    make_project(cast, "P-002", annual_plan=Decimal(0), nodes=["1.2"])  # no annual plan: left out
    services.save_node(cast.plan, "1.2", {"progress_source": "projects"})
    get_rollup(cast.plan, JUNE_30)
    for period, amount in (("2023-03", 600), ("2023-06", 400), ("2023-07", 900)):
        submit_investment(project, {"period": period, "amount": amount}, today=dt.date(2023, 8, 1))
        assert same(get_rollup(cast.plan, JUNE_30), compute_fresh(cast.plan, JUNE_30))
    leaf = get_rollup(cast.plan, JUNE_30).by_code("1.2")
    assert leaf.progress == pytest.approx(25.0)  # (600 + 400) / 4000; July is after d's month
    assert leaf.expected == 50.0
    assert leaf.light == "red"  # lag 25 ≥ 20, by the node rules


def test_a_projects_leaf_without_projects_is_at_zero(cast):
    services.save_node(cast.plan, "1.2", {"progress_source": "projects"})
    services.file_report(cast.node("1.2"), "2023-06", {"progress": 60})
    assert get_rollup(cast.plan, JUNE_30).by_code("1.2").progress == 0.0


def test_progress_source_indicator_on_a_node_without_one_is_refused(cast):
    with pytest.raises(InputRejected) as exc:
        services.save_node(cast.plan, "1.2", {"progress_source": "indicator"})
    assert exc.value.problems[0].field == "progress_source"
    assert Node.objects.get(plan=cast.plan, code="1.2").progress_source == "reports"


@pytest.mark.parametrize(("data", "field"), [
    ({"kind": "stock", "target": "500", "baseline": "500"}, "baseline"),
    ({"kind": "rate", "target": "0"}, "target"),
    ({"kind": "rate", "target": "-5"}, "target"),
    ({"kind": "flow", "target": "10", "due": dt.date(2024, 3, 31)}, "due"),
])
def test_bad_indicator_input_names_the_field_and_writes_nothing(cast, data, field):
    before = AuditEntry.objects.count()
    with pytest.raises(InputRejected) as exc:
        services.save_indicator(cast.node("2.1"), {"name": "坏指标", **data})
    assert [p.field for p in exc.value.problems] == [field]
    assert not Indicator.objects.filter(name="坏指标").exists()
    assert AuditEntry.objects.count() == before


def test_a_rate_and_a_due_date_are_stored_and_audited(cast):
    ind = services.save_indicator(cast.node("1.1"), {"name": "销售额同比增长", "unit": "%", "kind": "rate",
                                                     "target": "30", "due": "2023-05", "cumulative": "否"})
    ind.refresh_from_db()
    assert (ind.kind, ind.due, ind.cumulative) == ("rate", dt.date(2023, 5, 31), False)
    entry = AuditEntry.objects.filter(object_type="indicator").latest("seq")
    assert entry.changes["due"][1] == "2023-05-31"


def test_a_statistics_figure_replaces_the_reported_value_of_its_month(cast):
    ind = services.save_indicator(cast.node("1.2"), {"name": "固定资产投资", "unit": "亿元", "target": "222.5",
                                                     "cumulative": True})
    services.file_report(cast.node("1.2"), "2023-06", {"progress": 40, "values": {"固定资产投资": "90"}})
    figure, created = services.save_statistic(ind, "2023年1-6月", "110.5", "6.1%")
    assert created and figure.period == "2023-06" and figure.yoy == Decimal("6.1")
    judged = tree_document(cast.plan, JUNE_30)["nodes"][2]["indicators"][0]
    assert judged["actual"] == 110.5
    assert AuditEntry.objects.filter(object_type="statistic", object_id=str(figure.pk)).exists()


def test_a_statistics_month_outside_the_plan_year_is_refused(cast):
    ind = services.save_indicator(cast.node("1.2"), {"name": "固定资产投资", "unit": "亿元", "target": "222.5"})
    with pytest.raises(InputRejected) as exc:
        services.save_statistic(ind, "2022-12", "10")
    assert exc.value.problems[0].field == "period"
    assert not StatisticValue.objects.exists()


def test_the_default_as_of_is_the_plans_setting_else_the_latest_complete_month(cast):
    assert default_as_of(cast.plan, dt.date(2023, 7, 10)) == JUNE_30
    assert default_as_of(cast.plan, dt.date(2023, 7, 31)) == dt.date(2023, 7, 31)
    assert default_as_of(cast.plan, dt.date(2023, 1, 10)) == dt.date(2023, 1, 10)
    Plan.objects.filter(pk=cast.plan.pk).update(default_as_of=dt.date(2023, 6, 30))
    cast.plan.refresh_from_db()
    assert default_as_of(cast.plan, dt.date(2026, 12, 2)) == JUNE_30
