"""The assembled dashboard is cached per plan revision: reused while nothing changes, never stale."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from shigongtu.dashboard import data as dashboard_data
from shigongtu.dashboard.data import cache_key, get_dashboard
from shigongtu.plans import services
from shigongtu.plans.models import Plan
from tests.dashboard.conftest import AS_OF


def fresh(cast):
    return Plan.objects.select_related("unit").get(pk=cast.plan.pk)


def test_a_dashboard_is_built_once_per_revision(dash, monkeypatch):
    calls = []
    real = dashboard_data.build_dashboard
    monkeypatch.setattr(dashboard_data, "build_dashboard", lambda *a, **k: calls.append(a) or real(*a, **k))
    client = dash.client("viewer")
    client.get("/plans/JY-T/dashboard/")
    client.get("/plans/JY-T/dashboard/")
    client.get("/plans/JY-T/dashboard/charts/investment.json")
    client.get("/plans/JY-T/bigscreen/")
    assert len(calls) == 1
    client.get(f"/plans/JY-T/dashboard/?unit={dash.dept.pk}")
    assert len(calls) == 2   # another unit is another entry


def test_the_cache_is_never_stale_after_a_new_report(dash):
    client = dash.client("viewer")
    before = client.get("/plans/JY-T/dashboard/").context["d"]
    red_before = before.counts.get("red", 0)
    services.file_report(dash.node("1.1"), "2023-06", {"progress": 100})   # the overdue task is done now
    after = client.get("/plans/JY-T/dashboard/").context["d"]
    assert after.revision == before.revision + 1
    assert after.counts.get("red", 0) == red_before - 1
    assert "1.1" not in {w.code for w in after.warnings}


def test_a_new_project_report_refreshes_the_investment_curve(dash):
    from shigongtu.projects.services.investment import submit_investment

    client = dash.client("viewer")
    assert client.get("/plans/JY-T/dashboard/").context["d"].investment.cumulative[-1] == pytest.approx(0.15)
    project = dash.plan.projects.get(code="P-1")
    submit_investment(project, {"period": "2023-03", "amount": 100})
    assert client.get("/plans/JY-T/dashboard/").context["d"].investment.cumulative[-1] == pytest.approx(0.16)


def test_the_key_names_plan_revision_date_and_unit(dash):
    plan = fresh(dash)
    key = cache_key(plan, AS_OF, dash.dept.pk)
    assert f":{plan.pk}:" in key and f":{plan.revision}:" in key and key.endswith(f":2023-06-30:{dash.dept.pk}")
    get_dashboard(plan, AS_OF, dash.dept.pk)
    assert cache.get(key) is not None
