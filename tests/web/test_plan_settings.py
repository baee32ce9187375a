"""The plan's settings on a page: coordinators only, recorded, lights recomputed, stale saves refused."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from shigongtu.audit.models import AuditEntry
from shigongtu.lib.errors import Conflict, InputRejected
from shigongtu.plans.models import Plan
from shigongtu.projects.models import ProjectSettings
from shigongtu.projects.services.settings import current_settings, save_settings


def form_data(plan: Plan, **changes: Any) -> dict[str, Any]:
    values = {k: ("" if v is None else v) for k, v in current_settings(plan).items()}
    values["curve"] = ""
    return {**values, "version": plan.version, **changes}


def test_a_coordinator_changes_the_thresholds_and_the_change_is_recorded(cast: Any) -> None:
    revision = cast.plan.revision
    response = cast.client("coordinator").post("/plans/JY-T/settings/",
                                               form_data(cast.plan, yellow_threshold="5", red_threshold="15"))
    assert response.status_code == 302
    plan = Plan.objects.get(pk=cast.plan.pk)
    assert (plan.yellow_threshold, plan.red_threshold) == (Decimal(5), Decimal(15))
    assert plan.revision > revision and plan.version == cast.plan.version + 1
    entry = AuditEntry.objects.filter(object_type="plan", action="settings").get()
    assert entry.changes["yellow_threshold"] == ["10", "5"] and entry.actor == "coord"


def test_project_warning_rules_and_the_investment_curve_are_saved(cast: Any) -> None:
    curve = "0.05,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,0.95,1"
    cast.client("coordinator").post("/plans/JY-T/settings/", form_data(cast.plan, invest_red="25", curve=curve))
    row = ProjectSettings.objects.get(plan=cast.plan)
    assert row.invest_red == Decimal(25) and row.curve[0] == 0.05
    assert AuditEntry.objects.filter(object_type="project_settings").exists()


def test_a_stale_version_is_refused_with_409(cast: Any) -> None:
    client = cast.client("coordinator")
    stale = form_data(cast.plan, report_deadline_day="8")
    save_settings(cast.plan, {"report_deadline_day": 7}, user=cast.coordinator)
    response = client.post("/plans/JY-T/settings/", stale)
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    assert Plan.objects.get(pk=cast.plan.pk).report_deadline_day == 7
    with pytest.raises(Conflict):
        save_settings(cast.plan, {"report_deadline_day": 9}, user=cast.coordinator, expected_version=1)


@pytest.mark.parametrize("field, value", [("report_deadline_day", "31"), ("yellow_threshold", "30"),
                                          ("default_as_of", "2022-06-30"), ("curve", "0.5,1"),
                                          ("idle_red_days", "abc")])
def test_bad_settings_name_the_field_and_write_nothing(cast: Any, field: str, value: str) -> None:
    with pytest.raises(InputRejected) as exc:
        save_settings(cast.plan, {field: value}, user=cast.coordinator)
    assert exc.value.problems[0].field == field
    assert not AuditEntry.objects.filter(action="settings").exists()
    response = cast.client("coordinator").post("/plans/JY-T/settings/", form_data(cast.plan, **{field: value}))
    assert response.status_code == 422


@pytest.mark.parametrize("role, status", [("reporter", 403), ("viewer", 403), ("outsider", 404)])
def test_only_coordinators_see_and_save_the_settings(cast: Any, role: str, status: int) -> None:
    client = cast.client(role)
    assert client.get("/plans/JY-T/settings/").status_code == status
    assert client.post("/plans/JY-T/settings/", form_data(cast.plan, yellow_threshold="1")).status_code == status
    assert Plan.objects.get(pk=cast.plan.pk).yellow_threshold == Decimal(10)


def test_the_settings_page_is_whole_in_english(cast: Any) -> None:
    client = cast.client("coordinator")
    client.cookies["django_language"] = "en"
    body = client.get("/plans/JY-T/settings/").content.decode()
    assert "Plan settings" in body and "Project warning rules" in body
    assert "保存设置" not in body and "项目预警规则" not in body
