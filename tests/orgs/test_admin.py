"""The back office registers what an operator needs and shows a staff member only what their roles reach."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client

from shigongtu.attraction.models import Lead, LeadSettings
from shigongtu.audit.models import AuditEntry
from shigongtu.bulletins.models import Bulletin
from shigongtu.enterprises.models import Enterprise
from shigongtu.ledgers.models import ColumnMapping, ImportRecord
from shigongtu.orgs.models import ApiToken, Membership, OrgUnit
from shigongtu.plans import services
from shigongtu.plans.models import Plan, StatisticValue
from shigongtu.projects.models import BondDisbursement, ProjectSettings
from shigongtu.supervision.models import SupervisionItem, SupervisionSettings
from tests.projects.conftest import make_project

OPERATOR_MODELS = (OrgUnit, Membership, ApiToken, Plan, StatisticValue, AuditEntry, ProjectSettings, Enterprise,
                   SupervisionItem, SupervisionSettings, Lead, LeadSettings, ImportRecord, ColumnMapping, Bulletin)
SETTINGS = (ProjectSettings, SupervisionSettings, LeadSettings)


def staff_client(user) -> Client:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", OPERATOR_MODELS, ids=lambda m: m.__name__)
def test_every_model_an_operator_needs_is_registered(model):
    assert model in admin.site._registry


@pytest.mark.parametrize("model", (*SETTINGS, BondDisbursement, Enterprise, SupervisionItem, Lead),
                         ids=lambda m: m.__name__)
def test_audited_figures_and_settings_cannot_be_written_in_the_back_office(rf, model):
    request = rf.get("/admin/")
    model_admin = admin.site._registry.get(model)
    if model_admin is None:  # shown only as an inline of its parent
        return
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_a_staff_coordinator_sees_their_zone_and_not_another(cast):
    make_project(cast)
    services.create_plan("SY-T", "双阳测试施工图", 2023, unit=cast.other_zone)
    client = staff_client(cast.coordinator)
    plans = client.get("/admin/plans/plan/").content.decode()
    assert "JY-T" in plans and "SY-T" not in plans
    assert "P-001" in client.get("/admin/projects/project/").content.decode()
    units = client.get("/admin/orgs/orgunit/").content.decode()
    assert "项目服务中心" in units and "双阳区" not in units


def test_an_outsider_on_staff_cannot_open_the_zones_plan(cast):
    client = staff_client(cast.outsider)
    assert "JY-T" not in client.get("/admin/plans/plan/").content.decode()
    response = client.get(f"/admin/plans/plan/{cast.plan.pk}/change/")
    assert response.status_code in (302, 403, 404)
    assert "测试施工图" not in client.get(response.url if response.status_code == 302 else "/admin/").content.decode()
    assert "P-001" not in client.get("/admin/projects/project/").content.decode()


def test_the_history_is_narrowed_to_visible_plans(cast):
    services.create_plan("SY-T", "双阳测试施工图", 2023, unit=cast.other_zone)
    AuditEntry.objects.filter(plan_code="SY-T").exists() or pytest.skip("plan creation not audited")
    page = staff_client(cast.coordinator).get("/admin/audit/auditentry/").content.decode()
    assert "JY-T" in page and "SY-T" not in page


def test_a_staff_member_without_a_role_sees_no_lists(cast, django_user_model):
    client = staff_client(django_user_model.objects.create_user("clerk", password="x-correct-horse"))
    assert client.get("/admin/plans/plan/").status_code == 403


def test_a_superuser_sees_everything(cast, django_user_model):
    services.create_plan("SY-T", "双阳测试施工图", 2023, unit=cast.other_zone)
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.invalid", "x-correct-horse"))
    page = client.get("/admin/plans/plan/").content.decode()
    assert "JY-T" in page and "SY-T" in page
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m.__name__)
def test_every_back_office_list_opens(cast, django_user_model, model):
    make_project(cast)
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.invalid", "x-correct-horse"))
    meta = model._meta
    assert client.get(f"/admin/{meta.app_label}/{meta.model_name}/").status_code == 200
