"""The settings page also sets the indicators' plan curves (分月计划), the supervision warning days and the
招商 timers: checked before anything is written, each change in the history, the plan's revision bumped."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from shigongtu.attraction.models import LeadSettings
from shigongtu.audit.models import AuditEntry
from shigongtu.plans import services
from shigongtu.plans.models import Indicator, Plan
from shigongtu.projects.services.settings import current_settings
from shigongtu.supervision.models import SupervisionSettings
from shigongtu.supervision.selectors import yellow_days

CURVE = "5%,10%,20%,30%,40%,50%,60%,70%,80%,90%,95%,100%"


@pytest.fixture
def indicator(cast: Any) -> Indicator:
    return services.save_indicator(cast.node("2.1"), {"name": "高新技术企业", "unit": "家", "kind": "stock",
                                                      "target": Decimal(120)})


def form_data(plan: Plan, **changes: Any) -> dict[str, Any]:
    plan.refresh_from_db()
    values = {k: ("" if v is None else v) for k, v in current_settings(plan).items()}
    values["curve"] = ""
    return {**values, "version": plan.version, **changes}


def post(cast: Any, **changes: Any) -> Any:
    return cast.client("coordinator").post("/plans/JY-T/settings/", form_data(cast.plan, **changes))


def test_the_page_shows_each_indicator_with_its_curve_and_the_record_type_settings(cast: Any, indicator: Any) -> None:
    body = cast.client("coordinator").get("/plans/JY-T/settings/").content.decode()
    assert f'name="curve_{indicator.pk}"' in body and "2.1 高新技术企业" in body
    assert 'name="yellow_days"' in body and 'name="stall_months"' in body


def test_a_plan_curve_is_saved_recorded_and_recomputes(cast: Any, indicator: Any) -> None:
    revision, version = cast.plan.revision, cast.plan.version
    response = post(cast, **{f"curve_{indicator.pk}": CURVE})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.curve[0] == pytest.approx(0.05) and indicator.curve[-1] == 1
    entry = AuditEntry.objects.filter(object_type="indicator", object_id=str(indicator.pk), action="update").get()
    assert "curve" in entry.changes and entry.actor == "coord"
    plan = Plan.objects.get(pk=cast.plan.pk)
    assert plan.revision > revision and plan.version > version


def test_a_bad_curve_names_its_indicator_and_writes_nothing(cast: Any, indicator: Any) -> None:
    before = AuditEntry.objects.count()
    response = post(cast, yellow_threshold="5", stall_months="9", **{f"curve_{indicator.pk}": "0.5,0.4,1"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "分月计划无效" in body
    indicator.refresh_from_db()
    assert indicator.curve is None and AuditEntry.objects.count() == before
    assert Plan.objects.get(pk=cast.plan.pk).yellow_threshold == 10 and not LeadSettings.objects.exists()


def test_a_decreasing_curve_is_refused(cast: Any, indicator: Any) -> None:
    response = post(cast, **{f"curve_{indicator.pk}": "0.1,0.2,0.3,0.2,0.5,0.6,0.7,0.8,0.9,0.95,0.98,1"})
    assert response.status_code == 422 and indicator.curve is None


def test_supervision_warning_days_are_saved_recorded_and_used(cast: Any) -> None:
    revision = cast.plan.revision
    assert post(cast, yellow_days="7").status_code == 302
    assert SupervisionSettings.objects.get(plan=cast.plan).yellow_days == 7 and yellow_days(cast.plan) == 7
    entry = AuditEntry.objects.get(object_type="supervision_settings")
    assert entry.changes["yellow_days"] == [3, 7] and entry.action == "settings"
    assert Plan.objects.get(pk=cast.plan.pk).revision > revision


def test_lead_timers_are_saved_and_recorded(cast: Any) -> None:
    assert post(cast, stall_months="9", answer_days="2").status_code == 302
    rules = LeadSettings.rules_for(cast.plan)
    assert (rules.stall_months, rules.answer_days) == (9, 2)
    assert AuditEntry.objects.get(object_type="lead_settings").changes["stall_months"] == [6, 9]


@pytest.mark.parametrize("field, value", [("yellow_days", "-1"), ("yellow_days", "2.5"), ("stall_months", "abc"),
                                          ("feedback_days", "0")])
def test_bad_record_type_settings_name_the_field_and_write_nothing(cast: Any, field: str, value: str) -> None:
    response = post(cast, **{field: value})
    assert response.status_code == 422
    assert f'id="id_{field}"' in response.content.decode()
    assert not SupervisionSettings.objects.exists() and not LeadSettings.objects.exists()
    assert not AuditEntry.objects.filter(action="settings").exists()


def test_a_stale_version_writes_no_curve(cast: Any, indicator: Any) -> None:
    stale = form_data(cast.plan, **{f"curve_{indicator.pk}": CURVE})
    assert post(cast, yellow_days="5").status_code == 302
    response = cast.client("coordinator").post("/plans/JY-T/settings/", stale)
    assert response.status_code == 409
    indicator.refresh_from_db()
    assert indicator.curve is None


def test_unchanged_settings_write_no_history(cast: Any, indicator: Any) -> None:
    assert post(cast).status_code == 302
    assert not AuditEntry.objects.filter(action="settings").exists()


def test_a_viewer_cannot_change_settings(cast: Any) -> None:
    data = form_data(cast.plan, yellow_days="9")
    assert cast.client("viewer").post("/plans/JY-T/settings/", data).status_code == 403
    assert cast.client("outsider").post("/plans/JY-T/settings/", data).status_code == 404
    assert not SupervisionSettings.objects.exists()
