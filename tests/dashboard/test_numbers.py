"""What the dashboard shows equals what the plan's own rules compute for the same as-of date."""

from __future__ import annotations

import datetime as dt

import pytest

from shigongtu.dashboard.cards.reporting import reporting_period
from shigongtu.dashboard.data import build_dashboard, dashboard_default_as_of, previous_as_of
from shigongtu.plans.models import Plan
from shigongtu.plans.selectors import compute_indicators, compute_warnings, get_rollup, judge_indicators
from tests.dashboard.conftest import AS_OF


def plan(cast):
    return Plan.objects.select_related("unit").get(pk=cast.plan.pk)


def test_the_dashboard_opens_on_the_latest_complete_month(dash):
    response = dash.client("viewer").get("/plans/JY-T/dashboard/")
    assert response.context["d"].as_of == AS_OF
    assert dashboard_default_as_of(plan(dash), dt.date(2023, 7, 10)) == dt.date(2023, 6, 30)
    assert dashboard_default_as_of(plan(dash), dt.date(2023, 6, 30)) == dt.date(2023, 6, 30)
    assert dashboard_default_as_of(plan(dash), dt.date(2023, 1, 10)) == dt.date(2023, 1, 10)  # no month yet


def test_a_month_is_read_as_its_last_day(dash):
    response = dash.client("viewer").get("/plans/JY-T/dashboard/?as_of=2023-05")
    assert response.context["d"].as_of == dt.date(2023, 5, 31)


def test_the_kpi_cards_equal_compute_indicators(dash):
    d = build_dashboard(plan(dash), AS_OF)
    expected = {o.name: o for o in compute_indicators(plan(dash), AS_OF)}
    assert [k.name for k in d.kpis] == ["固定资产投资", "高新技术企业"]  # headline ones only
    for k in d.kpis:
        o = expected[k.name]
        assert (k.target, k.actual, k.completion, k.expected_share, k.light, k.month) == (
            o.target, o.actual, o.completion, o.expected_share, o.light, o.month)
    fai = d.kpis[0]
    assert fai.actual == pytest.approx(29)
    assert fai.vs_linear == pytest.approx(100 * (0.29 - 6 / 12))
    assert fai.vs_curve == pytest.approx(100 * (0.29 - 0.365))
    assert fai.series == pytest.approx([0, 0, 0, 0.08, 0.17, 0.29])


def test_judging_every_indicator_agrees_with_compute_indicators(dash):
    _, outs, _ = judge_indicators(plan(dash), AS_OF)
    assert outs == compute_indicators(plan(dash), AS_OF)


def test_the_fronts_carry_the_rollup_progress_and_lights(dash):
    p = plan(dash)
    d = build_dashboard(p, AS_OF)
    rollup = get_rollup(p, AS_OF)
    for front in d.fronts:
        res = rollup.by_code(front.code)
        assert (front.progress, front.expected, front.light) == (res.progress, res.expected, res.light)
    first = d.fronts[0]
    assert (first.code, first.tasks, first.red, first.yellow) == ("1", 2, 1, 0)
    assert (first.projects, first.projects_red) == (0, 0)  # no project serves a node yet


def test_the_light_counts_are_those_of_the_tree(dash):
    p = plan(dash)
    d = build_dashboard(p, AS_OF)
    rollup = get_rollup(p, AS_OF)
    assert d.total_nodes == len(rollup.results)
    assert sum(d.counts.values()) == len(rollup.results)
    assert d.counts["red"] == sum(1 for r in rollup.results.values() if r.light == "red")


def test_the_warnings_are_those_of_compute_warnings_red_first(dash):
    p = plan(dash)
    d = build_dashboard(p, AS_OF)
    found = compute_warnings(p, AS_OF)
    assert sorted((w.kind, w.code, w.indicator) for w in d.warnings) == sorted(
        (w.kind, w.code, w.indicator) for w in found)
    assert [w.light for w in d.warnings] == sorted((w.light for w in d.warnings), key=lambda x: x != "red")
    assert d.warnings[0].code == "1.1" and d.warnings[0].lead_unit == "项目服务中心"


def test_a_unit_sees_only_what_it_leads(dash):
    p = plan(dash)
    d = build_dashboard(p, AS_OF, dash.other_dept.pk)
    assert d.scope.name == "科技创新局"
    assert [f.code for f in d.fronts] == ["2"]
    assert {w.code for w in d.warnings} <= {"2", "2.1"}
    assert [r.name for r in d.ranking] == ["科技创新局"]
    assert [k.name for k in d.kpis] == ["高新技术企业"]
    assert d.projects is not None and d.projects.total == 1   # P-3 only
    assert d.total_nodes == 2


def test_the_ranking_counts_reports_like_the_missing_report_warnings(dash):
    p = plan(dash)
    day = dt.date(2023, 7, 10)
    d = build_dashboard(p, day)
    assert reporting_period(p, day).key == "2023-06"
    missing = {w.code for w in compute_warnings(p, day) if w.kind == "missing_report"}
    assert missing == {"1.1", "2.1"}
    rows = {r.name: r for r in d.ranking}
    assert rows["科技创新局"].on_time == 0
    assert rows["项目服务中心"].expected_reports == 2 and rows["项目服务中心"].reported == 1  # 1.1 stopped in May
    assert rows["项目服务中心"].completion == pytest.approx((60 + 60) / 2)
    assert rows["项目服务中心"].reds == 1


def test_the_ranking_compares_with_the_month_before(dash):
    d = build_dashboard(plan(dash), AS_OF)
    assert previous_as_of(plan(dash), AS_OF) == dt.date(2023, 5, 31)
    row = next(r for r in d.ranking if r.name == "项目服务中心")
    assert row.prev is not None
    assert row.completion_change == pytest.approx(60 - 55)   # 1.2 went from 50 to 60, 1.1 stayed at 60


def test_investment_curve_uses_the_investment_reports_in_yi(dash):
    d = build_dashboard(plan(dash), AS_OF)
    s = d.investment
    assert s.monthly == pytest.approx([None, None, None, 0.03, 0.05, 0.07])
    assert s.cumulative[-1] == pytest.approx(0.15)
    assert s.target == pytest.approx(0.63)  # no investment indicator from projects: Σ annual plans
    assert s.stats_monthly is None


def test_the_project_panels_follow_the_project_library(dash):
    d = build_dashboard(plan(dash), AS_OF)
    p = d.projects
    assert p.total == 3
    assert {s.stage: s.count for s in p.funnel} == {"谋划": 1, "前期": 1, "具备开工条件": 0, "在建": 1, "竣工": 0, "投产": 0}
    assert (p.starts.due, p.starts.due_started, p.starts.started, p.starts.big_started) == (2, 1, 1, 1)
    assert [r.code for r in p.not_in_stats] == ["P-1"] and p.not_in_stats_red == 1
    assert p.red == 2   # P-1 not in statistics after two months, P-2 three months past its planned start
    assert p.bonds is None
    assert {pt.code: pt.light for pt in d.map.points} == {"P-1": "red", "P-2": "red"}


def test_the_dashboard_renders_for_a_plan_without_projects_or_indicators(cast):
    response = cast.client("coordinator").get("/plans/JY-T/dashboard/")
    assert response.status_code == 200
    d = response.context["d"]
    assert d.projects is None and d.investment is None and d.map is None and d.kpis == []
    body = response.content.decode()
    assert "本施工图尚无重点项目" in body
    assert cast.client("coordinator").get("/plans/JY-T/dashboard/charts/map.json").json()["series"] == []
    assert cast.client("coordinator").get("/plans/JY-T/bigscreen/").status_code == 200


def test_a_lagging_task_is_one_click_from_the_dashboard(dash):
    body = dash.client("viewer").get("/plans/JY-T/dashboard/").content.decode()
    assert 'href="/plans/JY-T/nodes/1.1/"' in body                 # the red task, from the warnings
    assert 'href="/plans/JY-T/?q=1.&amp;light=red"' in body       # the front's red tasks in the tree


def test_the_charts_draw_the_dashboard_numbers(dash):
    client = dash.client("viewer")
    option = client.get("/plans/JY-T/dashboard/charts/investment.json").json()
    names = [s["name"] for s in option["series"]]
    assert names == ["当月完成", "累计完成（调度口径）", "计划曲线", "序时进度"]
    assert option["series"][1]["data"][:6] == [0.0, 0.0, 0.0, 0.03, 0.08, 0.15]
    points = client.get("/plans/JY-T/dashboard/charts/map.json").json()
    assert points["series"][0]["data"][0]["url"].startswith("/plans/JY-T/projects/")
    assert "sgtAspect" in points and "sgtTiles" not in points


def test_a_tile_server_adds_a_tile_layer_to_the_map(dash, settings):
    settings.MAP_TILE_URL = "http://tiles.example/{z}/{x}/{y}.png"
    option = dash.client("viewer").get("/plans/JY-T/dashboard/charts/map.json").json()
    tiles = option["sgtTiles"]
    assert tiles["url"] == settings.MAP_TILE_URL
    assert (tiles["x1"] - tiles["x0"] + 1) * (tiles["y1"] - tiles["y0"] + 1) <= 48
    assert option["yAxis"]["inverse"] is True


def test_english_labels_the_charts_in_english(dash):
    client = dash.client("viewer")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    option = client.get("/plans/JY-T/dashboard/charts/lights.json").json()
    assert option["series"][0]["data"]
