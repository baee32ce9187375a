"""The content builder: every figure equals the API's, rounded once; sections per the issue."""

from __future__ import annotations

import re

from shigongtu.bulletins import numbers as N
from shigongtu.bulletins.content import BulletinContent, build_content
from shigongtu.plans.documents import tree_document
from shigongtu.plans.selectors import compute_indicators

from .conftest import JUNE


def test_it_has_the_sections_of_a_dispatch_bulletin(june_plan):
    content = build_content(june_plan, JUNE)
    assert [s.heading for s in content.sections] == [
        "一、总体情况", "二、各战线推进情况", "三、存在问题", "四、月报报送情况", "五、下步工作安排"]
    assert [a.heading for a in content.annexes] == ["附件1"]
    assert content.title == "关于2023年6月份测试施工图推进情况的通报"
    assert content.as_of == "2023-06-30"


def test_the_task_annex_holds_every_node_with_the_trees_figures(june_plan):
    content = build_content(june_plan, JUNE)
    tree = tree_document(june_plan, JUNE.last_day)
    table = content.table("tasks")
    assert [row[0] for row in table.rows] == [n["code"] for n in tree["nodes"]]
    for row, node in zip(table.rows, tree["nodes"], strict=True):
        assert row[5] == N.text(N.pct(node["progress"]))
        assert row[6] == N.text(N.pct(node["expected"]))


def test_the_headline_sentence_reads_like_the_bulletin_and_matches_the_indicator(june_plan):
    content = build_content(june_plan, JUNE)
    invest = next(i for i in compute_indicators(june_plan, JUNE.last_day) if i.name == "固定资产投资")
    completion = N.percent(invest.completion)
    text = " ".join(content.paragraphs())
    expected = (f"截至6月底，固定资产投资完成{N.text(N.rounded(invest.actual, 1))}亿元，占年度目标80.0亿元的"
                f"{N.text(completion)}%，低于序时进度{N.text(N.percent(0.5) - completion)}个百分点，"
                f"低于计划进度{N.text(N.percent(0.365) - completion)}个百分点")
    assert expected in text


def test_text_and_table_give_the_same_rounded_figures(june_plan):
    content = build_content(june_plan, JUNE)
    table = content.table("indicators")
    text = " ".join(content.paragraphs())
    for row in table.rows:
        name, kind, unit, _base, target, actual, completion, linear, _curve, gap = row[:10]
        assert f"{name}" in text
        assert f"{actual}{unit}" in text
        assert f"的{completion}%" in text
        if kind == "流量":
            assert f"{target}{unit}" in text
            assert N.points(N.to_decimal(completion), N.to_decimal(linear)) == N.to_decimal(gap)
        else:  # 序时 only where it applies
            assert linear == gap == N.DASH


def test_fronts_count_their_leaves_by_light_and_name_the_lead_unit(june_plan):
    content = build_content(june_plan, JUNE)
    tree = {n["code"]: n for n in tree_document(june_plan, JUNE.last_day)["nodes"]}
    rows = content.table("fronts").rows
    assert [r[0] for r in rows] == ["项目建设", "创新"]
    assert rows[0][1] == "项目服务中心"
    assert rows[0][3] == N.text(N.pct(tree["1"]["progress"]))
    assert rows[1][7] == "2"  # 2.1 and 2.2; the cancelled 2.3 is not counted


def test_problems_name_red_and_yellow_tasks_with_unit_and_leader_and_the_reported_problems(june_plan):
    content = build_content(june_plan, JUNE)
    lagging = content.table("lagging")
    assert lagging is not None
    assert all(row[-1] in ("红灯", "黄灯") for row in lagging.rows)
    assert any(row[2] and row[3] for row in lagging.rows)
    assert any("用地手续办理滞后（涉及1.1、2.1共2项任务）" in p for p in content.paragraphs())


def test_reporting_counts_on_time_late_and_missing_and_names_the_missing(june_plan):
    content = build_content(june_plan, JUNE)
    assert content.figures["reporting"] == {
        "expected": 5, "on_time": 3, "late": 1, "missing": 1, "rate": "60.0", "deadline": "2023-07-05"}
    text = " ".join(content.paragraphs())
    assert "科技创新局（未报送1项：2.2）" in text
    assert "项目服务中心（逾期报送1项）" in text


def test_next_steps_list_the_tasks_due_next_month(june_plan):
    content = build_content(june_plan, JUNE)
    assert [row[0] for row in content.table("next").rows] == ["1.2"]


def test_content_survives_a_round_trip_through_json(june_plan):
    content = build_content(june_plan, JUNE)
    again = BulletinContent.from_dict(content.to_dict())
    assert again == content


def test_without_projects_there_is_no_project_section(june_plan):
    content = build_content(june_plan, JUNE)
    assert not content.has_projects
    assert content.section("projects") is None


def test_no_figure_in_the_text_has_more_than_one_or_two_decimals(june_plan):
    text = " ".join(build_content(june_plan, JUNE).paragraphs())
    assert not re.search(r"\d\.\d{3,}", text)
