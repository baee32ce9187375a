"""The back office shows audited figures but cannot change them around the history; it is branded 施工图."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client

from shigongtu.audit.models import AuditEntry
from shigongtu.orgs.models import Membership
from shigongtu.plans.models import Indicator, Node, Plan, Report, ReportValue
from shigongtu.projects.models import BondProject, InvestmentReport, Project
from tests.projects.conftest import make_project

AUDITED = (Plan, Node, Indicator, Report, Project, InvestmentReport, BondProject, Membership, AuditEntry)


@pytest.fixture
def staff(cast) -> Client:
    user = get_user_model().objects.create_superuser("root", "root@example.invalid", "correct-horse-battery")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", AUDITED, ids=lambda m: m.__name__)
def test_audited_models_are_read_only_in_the_back_office(rf, model):
    model_admin = admin.site._registry[model]
    request = rf.get("/admin/")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_report_values_are_not_registered_for_editing():
    assert ReportValue not in admin.site._registry or not admin.site._registry[ReportValue].has_change_permission(None)


def test_a_superuser_cannot_post_a_change_to_a_project(cast, staff):
    project = make_project(cast)
    before = AuditEntry.objects.count()
    response = staff.post(f"/admin/projects/project/{project.pk}/change/", {"total_investment": "1"})
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.total_investment == 10000 and AuditEntry.objects.count() == before
    assert staff.get(f"/admin/projects/project/{project.pk}/change/").status_code == 200  # still visible
    assert staff.get("/admin/projects/project/add/").status_code == 403


def test_the_back_office_is_branded(staff):
    page = staff.get("/admin/").content.decode()
    assert "施工图 管理后台" in page and "只读" in page
    staff.cookies["django_language"] = "en"
    assert "Shigongtu back office" in staff.get("/admin/").content.decode()
