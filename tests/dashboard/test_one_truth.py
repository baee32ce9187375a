"""The dashboard and the bulletin print the same figures for the demo's June 2023.

Each figure is read from what each face shows (the dashboard's picture, the bulletin's content
snapshot), not from the shared function: the point is that the faces agree.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest

from shigongtu.bulletins.content import build_content
from shigongtu.dashboard.data import build_dashboard
from shigongtu.demo.build import build
from shigongtu.lib.periods import Period
from shigongtu.plans.models import Plan

JUNE = Period(2023, 6)
AS_OF = dt.date(2023, 6, 30)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            build("demo-pass-1")
            plan = Plan.objects.select_related("unit").get(code="JY-2023")
            yield plan, build_content(plan, JUNE), build_dashboard(plan, AS_OF)
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_it_prints_the_same_task_light_counts(demo):
    _, bulletin, dashboard = demo
    tasks = bulletin.figures["tasks"]
    assert tasks["leaves"] == sum(dashboard.task_lights.values()) > 0
    for light in ("done", "green", "yellow", "red", "pending"):
        assert tasks[light] == dashboard.task_lights.get(light, 0), light


@pytest.mark.django_db
def test_it_prints_the_same_warning_counts(demo):
    _, bulletin, dashboard = demo
    assert bulletin.figures["warnings"] == dashboard.warning_kinds
    assert dashboard.warning_counts["total"] == sum(sum(k.values()) for k in bulletin.figures["warnings"].values())
    lagging_red = sum(dashboard.warning_kinds.get(k, {}).get("red", 0) for k in ("lag", "overdue"))
    assert any(f"亮红灯任务{lagging_red}项" in p for p in bulletin.paragraphs())


@pytest.mark.django_db
def test_it_prints_the_same_project_light_counts(demo):
    _, bulletin, dashboard = demo
    assert dashboard.projects is not None
    lights = bulletin.figures["projects"]["lights"]
    assert (lights["red"], lights["yellow"]) == (dashboard.projects.red, dashboard.projects.yellow)
    assert any(f"亮红灯项目{dashboard.projects.red}个" in p for p in bulletin.paragraphs()) or not dashboard.projects.red


@pytest.mark.django_db
def test_it_prints_the_same_on_time_reporting_rate(demo):
    """June's 按时报送率: the June bulletin against the dashboard that ranks June's reporting (opened
    once June's reports were due, 5 July, here at July's end); each lead unit's rate alike."""
    plan, bulletin, _ = demo
    dashboard = build_dashboard(plan, dt.date(2023, 7, 31))
    assert dashboard.ranking_period == JUNE.key
    table = bulletin.table("reporting")
    assert table is not None
    printed = {row[0]: (int(row[1]), int(row[2]), row[5]) for row in table.rows}
    ranked = {r.name: r for r in dashboard.ranking if r.expected_reports}
    assert ranked and set(ranked) <= set(printed)
    for name, row in ranked.items():
        expected, on_time, rate = printed[name]
        assert (row.expected_reports, row.on_time_reports) == (expected, on_time), name
        assert Decimal(str(row.on_time)).quantize(Decimal("0.1"), ROUND_HALF_UP) == Decimal(rate), name
    totals = bulletin.figures["reporting"]
    assert sum(r.expected_reports for r in ranked.values()) == totals["expected"]
    assert sum(r.on_time_reports for r in ranked.values()) == totals["on_time"]


@pytest.mark.django_db
def test_the_bulletin_prints_the_leads_summary_the_cli_prints(demo):
    from shigongtu.attraction.documents import leads_document

    plan, bulletin, _ = demo
    summary = leads_document(plan, AS_OF)["summary"]
    printed = bulletin.figures["attraction"]
    assert printed["signed"] == summary["signed"] > 0
    assert printed["started"] == summary["started"]
    assert Decimal(printed["signed_investment"]) == Decimal(str(summary["signed_investment"]))
    assert any(s.key == "attraction" for s in bulletin.sections)


@pytest.mark.django_db
def test_the_bulletin_prints_the_tier_counts_the_cli_prints(demo):
    from shigongtu.enterprises.documents import enterprises_document

    plan, bulletin, _ = demo
    valid = {t["tier"]: t["valid"] for t in enterprises_document(plan, AS_OF)["tiers"]}
    printed = bulletin.figures["enterprises"]
    assert printed["高新技术企业"]["actual"] == valid["高新技术企业"] > 402  # from the 2022 year-end's 402
    assert printed["高新技术企业"]["baseline"] == 402


@pytest.mark.django_db
def test_dashboard_bulletin_and_cli_print_the_same_supervision_summary(demo):
    from shigongtu.supervision.documents import supervision_document

    plan, bulletin, dashboard = demo
    summary = supervision_document(plan, AS_OF)["summary"]
    printed = bulletin.figures["supervision"]
    assert printed["total"] == summary["total"] == dashboard.supervision.summary.total > 0
    assert printed["closed"] == summary["closed"] == dashboard.supervision.summary.closed
    assert printed["overdue"] == summary["overdue"] == dashboard.supervision.summary.overdue


# -- the API against the dashboard and the bulletin (issue #11: one truth on every screen) ----------

def api(plan, path: str):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="jy_coord"))
    response = client.get(f"/api/v1/plans/{plan.code}/{path}")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_the_demo_opens_on_june_30_everywhere(demo):
    from shigongtu.dashboard.data import dashboard_default_as_of
    from shigongtu.plans.selectors import default_as_of

    plan, _, _ = demo
    today = dt.date(2026, 12, 2)
    assert default_as_of(plan, today) == dashboard_default_as_of(plan, today) == AS_OF
    assert api(plan, "tree")["as_of"] == api(plan, "warnings")["as_of"] == "2023-06-30"


@pytest.mark.django_db
def test_the_api_tree_counts_the_same_task_lights(demo):
    plan, bulletin, dashboard = demo
    nodes = api(plan, "tree?as_of=2023-06-30")["nodes"]
    lights: dict[str, int] = {}
    for node in nodes:
        if node["leaf"] and node["light"] != "cancelled":
            lights[node["light"]] = lights.get(node["light"], 0) + 1
    assert lights == {k: v for k, v in dashboard.task_lights.items() if v}
    assert sum(lights.values()) == bulletin.figures["tasks"]["leaves"]


@pytest.mark.django_db
def test_the_api_warnings_are_the_dashboards_and_the_bulletins(demo):
    plan, bulletin, dashboard = demo
    kinds: dict[str, dict[str, int]] = {}
    for w in api(plan, "warnings?as_of=2023-06-30")["warnings"]:
        kinds.setdefault(w["kind"], {}).setdefault(w["light"], 0)
        kinds[w["kind"]][w["light"]] += 1
    assert kinds == dashboard.warning_kinds == bulletin.figures["warnings"]


@pytest.mark.django_db
def test_each_indicator_prints_the_same_figures_in_the_api_the_dashboard_and_the_bulletin(demo):
    plan, bulletin, dashboard = demo
    tree = {i["name"]: i for n in api(plan, "tree?as_of=2023-06-30")["nodes"] for i in n["indicators"]}
    printed = {f["name"]: f for f in bulletin.figures["indicators"]}
    kpis = {k.name: k for k in dashboard.kpis}
    assert kpis and set(kpis) <= set(tree) and set(printed) <= set(tree)
    one_decimal = Decimal("0.1")
    for name, kpi in kpis.items():
        ind = tree[name]
        assert (kpi.actual, kpi.completion, kpi.light) == (ind["actual"], ind["completion"], ind["light"]), name
        assert kpi.linear_share == ind["time_share"], name  # 序时, by one function
    for name, fig in printed.items():
        ind = tree[name]
        assert fig["light"] == ind["light"], name
        assert Decimal(fig["completion"]) == Decimal(str(100 * ind["completion"])).quantize(one_decimal,
                                                                                          ROUND_HALF_UP), name
        assert Decimal(fig["linear"]) == Decimal(str(100 * ind["time_share"])).quantize(one_decimal, ROUND_HALF_UP)


@pytest.mark.django_db
def test_the_statistics_bureaus_investment_and_the_key_projects_are_told_apart(demo):
    plan, bulletin, _ = demo
    tree = {i["name"]: i for n in api(plan, "tree?as_of=2023-06-30")["nodes"] for i in n["indicators"]}
    fai, key = tree["固定资产投资"], tree["重点项目完成投资（调度口径）"]
    assert fai["actual"] == 106.9 and fai["target"] == 222.5  # 1–6月累计, from the statistics ledger
    assert key["target"] < fai["target"] * 0.6
    names = {f["name"] for f in bulletin.figures["indicators"]}
    assert {"固定资产投资", "重点项目完成投资（调度口径）"} <= names


@pytest.mark.django_db
def test_the_api_project_lights_are_the_worst_of_their_warnings_and_the_dashboards_count(demo):
    plan, bulletin, dashboard = demo
    rows = api(plan, "projects?as_of=2023-06-30&page_size=200")["results"]
    warned = api(plan, "projects/warnings?as_of=2023-06-30")
    warnings = warned["warnings"] if isinstance(warned, dict) else warned
    rank = {"green": 0, "yellow": 1, "red": 2}
    worst: dict[str, str] = {}
    for w in warnings:
        if rank[w["light"]] > rank[worst.get(w["project"], "green")]:
            worst[w["project"]] = w["light"]
    for row in rows:
        assert row["light"] == worst.get(row["code"], "green"), row["code"]
    counted = {light: sum(1 for r in rows if r["light"] == light) for light in ("red", "yellow")}
    assert (counted["red"], counted["yellow"]) == (dashboard.projects.red, dashboard.projects.yellow)
    lights = bulletin.figures["projects"]["lights"]
    assert (lights["red"], lights["yellow"]) == (counted["red"], counted["yellow"])


@pytest.mark.django_db
def test_the_demos_bond_projects_are_carried_by_public_owners(demo):
    from shigongtu.demo.projects_data import PUBLIC_OWNERS
    from shigongtu.projects.models import BondProject

    plan, _, _ = demo
    owners = set(BondProject.objects.filter(project__plan=plan).values_list("project__owner", flat=True))
    assert owners <= set(PUBLIC_OWNERS) | {"长春净月热力有限公司", "长春净月科技孵化器有限公司"}
    assert not any("大陆汽车电子" in o for o in owners)
