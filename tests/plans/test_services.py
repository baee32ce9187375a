"""Blueprint write services: validation, concurrency, workflow and history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shigongtu.audit.models import AuditEntry
from shigongtu.lib.errors import Conflict, InputRejected, NotAllowed
from shigongtu.plans import services
from shigongtu.plans.models import Node, Plan, Report
from shigongtu.plans.selectors import compute_fresh, get_rollup


def test_a_node_needs_an_existing_parent(cast):
    with pytest.raises(InputRejected) as exc:
        services.save_node(cast.plan, "9.1", {"title": "孤儿"})
    assert exc.value.problems[0].field == "code"
    assert not Node.objects.filter(code="9.1").exists()


def test_due_before_start_is_rejected_with_the_field_named(cast):
    with pytest.raises(InputRejected) as exc:
        services.save_node(cast.plan, "1.3", {"title": "x", "start": dt.date(2023, 5, 1), "due": dt.date(2023, 4, 1)})
    assert exc.value.problems[0].field == "due"


def test_a_badly_shaped_code_is_rejected(cast):
    with pytest.raises(InputRejected):
        services.save_node(cast.plan, "1..2", {"title": "x"})


def test_moving_a_node_under_its_own_descendant_is_rejected(cast):
    with pytest.raises(InputRejected) as exc:
        services.move_node(cast.node("1"), "1.1")
    assert "下级" in exc.value.problems[0].message
    assert cast.node("1").code == "1"


def test_moving_a_node_renumbers_its_subtree(cast):
    services.save_node(cast.plan, "1.2.1", {"title": "子任务"})
    services.move_node(cast.node("1.2"), "2")
    codes = set(Node.objects.filter(plan=cast.plan).values_list("code", flat=True))
    assert codes == {"1", "1.1", "2", "2.1", "2.2", "2.2.1"}
    assert cast.node("2.2.1").parent_id == cast.node("2.2").pk


def test_moving_onto_a_taken_code_is_rejected(cast):
    with pytest.raises(InputRejected):
        services.move_node(cast.node("1.1"), "2")  # 2.1 exists


def test_duplicate_indicator_names_in_a_plan_are_rejected(cast):
    services.save_indicator(cast.node("1.1"), {"name": "春季开工项目", "target": 30, "unit": "个"})
    with pytest.raises(InputRejected) as exc:
        services.save_indicator(cast.node("1.2"), {"name": "春季开工项目", "target": 5})
    assert exc.value.problems[0].field == "name"


def test_a_bad_plan_curve_is_rejected(cast):
    with pytest.raises(InputRejected) as exc:
        services.save_indicator(cast.node("1.1"), {"name": "x", "target": 1, "curve": [0.5] * 12})
    assert exc.value.problems[0].field == "curve"


@pytest.mark.parametrize("bad", ["abc", "101", "-1", "", None, "NaN"])
def test_progress_outside_0_to_100_or_not_a_number_is_rejected(cast, bad):
    with pytest.raises(InputRejected) as exc:
        services.file_report(cast.node("1.1"), "2023-03", {"progress": bad})
    assert exc.value.problems[0].field == "progress"
    assert not Report.objects.exists()


def test_progress_accepts_a_percent_sign(cast):
    report = services.file_report(cast.node("1.1"), "2023-03", {"progress": "65%"})
    assert report.progress == Decimal("65")


def test_a_period_outside_the_plan_year_is_rejected(cast):
    with pytest.raises(InputRejected) as exc:
        services.file_report(cast.node("1.1"), "2024-01", {"progress": 10})
    assert exc.value.problems[0].field == "period"


def test_reports_on_cancelled_nodes_are_rejected(cast):
    services.save_node(cast.plan, "1", {"cancelled": True})
    with pytest.raises(InputRejected) as exc:
        services.file_report(cast.node("1.1"), "2023-03", {"progress": 10})
    assert "取消" in exc.value.problems[0].message


def test_reports_on_closed_plans_are_rejected(cast):
    services.set_plan_status(cast.plan, Plan.Status.CLOSED)
    with pytest.raises(InputRejected):
        services.file_report(cast.node("1.1"), "2023-03", {"progress": 10})


def test_an_unknown_indicator_in_a_report_is_named(cast):
    with pytest.raises(InputRejected) as exc:
        services.file_report(cast.node("1.1"), "2023-03", {"progress": 10, "values": {"不存在": 1}})
    assert exc.value.problems[0].field == "values.不存在"


def test_a_stale_node_edit_gets_a_conflict_not_an_overwrite(cast):
    node = cast.node("1.1")
    services.save_node(cast.plan, "1.1", {"title": "甲的修改"}, expected_version=node.version)
    with pytest.raises(Conflict):
        services.save_node(cast.plan, "1.1", {"title": "乙的修改"}, expected_version=node.version)
    assert cast.node("1.1").title == "甲的修改"


def test_a_stale_report_edit_gets_a_conflict(cast):
    draft = services.file_report(cast.node("1.1"), "2023-03", {"progress": 10}, submit=False)
    services.file_report(cast.node("1.1"), "2023-03", {"progress": 20}, submit=False, report=draft,
                         expected_version=draft.version)
    with pytest.raises(Conflict):
        services.file_report(cast.node("1.1"), "2023-03", {"progress": 30}, submit=False, report=draft,
                             expected_version=draft.version)


def test_a_submitted_report_cannot_be_edited_in_place(cast):
    report = services.file_report(cast.node("1.1"), "2023-03", {"progress": 10})
    with pytest.raises(InputRejected):
        services.file_report(cast.node("1.1"), "2023-03", {"progress": 30}, report=report)


def test_returning_needs_a_reason_and_removes_the_report_from_the_rollup(cast):
    report = services.file_report(cast.node("1.1"), "2023-03", {"progress": 40})
    as_of = dt.date(2023, 3, 31)
    assert get_rollup(cast.plan, as_of).by_code("1.1").progress == 40
    with pytest.raises(InputRejected):
        services.review_report(report, False, user=cast.coordinator, reason=" ")
    services.review_report(report, False, user=cast.coordinator, reason="请补充佐证")
    assert get_rollup(cast.plan, as_of).by_code("1.1").progress == 0
    assert Report.objects.get(pk=report.pk).return_reason == "请补充佐证"


def test_a_reporter_cannot_review(cast):
    report = services.file_report(cast.node("1.1"), "2023-03", {"progress": 40}, user=cast.reporter)
    with pytest.raises(NotAllowed):
        services.review_report(report, True, user=cast.reporter)


def test_a_reporter_cannot_report_for_another_units_node(cast):
    with pytest.raises(NotAllowed):
        services.file_report(cast.node("2.1"), "2023-03", {"progress": 40}, user=cast.reporter)


def test_every_change_appends_to_the_history_with_old_and_new(cast):
    before = AuditEntry.objects.count()
    services.save_node(cast.plan, "1.1", {"title": "新标题"})
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry.changes["title"] == ["春季开工", "新标题"]
    assert entry.object_type == "node"


def test_the_cached_rollup_equals_a_fresh_computation_after_each_report(cast):
    as_of = dt.date(2023, 4, 30)
    get_rollup(cast.plan, as_of)
    for code, progress in (("1.1", 30), ("1.2", 55), ("2.1", 10), ("1.1", 70)):
        services.file_report(cast.node(code), "2023-04", {"progress": progress})
        cached = get_rollup(cast.plan, as_of)
        fresh = compute_fresh(cast.plan, as_of)
        assert {k: (v.progress, v.light) for k, v in cached.results.items()} == {
            k: (v.progress, v.light) for k, v in fresh.results.items()
        }
    assert get_rollup(cast.plan, as_of).by_code("1").progress == pytest.approx((2 * 70 + 55) / 3)
