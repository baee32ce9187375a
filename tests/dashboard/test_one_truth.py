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
