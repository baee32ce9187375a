"""The shared cast: a zone coordinator, a front's reporter, a viewer and an outsider from another zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from shigongtu.orgs.models import OrgUnit
from shigongtu.orgs.services import grant_role
from shigongtu.plans import services
from shigongtu.plans.models import Node, Plan
from shigongtu.plans.selectors import clear_cache

PASSWORD = "correct-horse-battery"

# Examples are judged by what they assert, not by how fast a shared machine runs them: a
# per-example deadline only made the suite flaky under load (speed lives in `shigongtu bench`).
hypothesis_settings.register_profile("shigongtu", deadline=None)
hypothesis_settings.load_profile("shigongtu")


@dataclass
class Cast:
    city: OrgUnit
    zone: OrgUnit
    dept: OrgUnit
    other_dept: OrgUnit
    other_zone: OrgUnit
    plan: Plan
    coordinator: Any
    reporter: Any
    viewer: Any
    outsider: Any

    def client(self, who: str) -> Client:
        client = Client()
        client.force_login(getattr(self, who))
        return client

    def node(self, code: str) -> Node:
        return Node.objects.get(plan=self.plan, code=code)


ROLES = ("coordinator", "reporter", "viewer", "outsider")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # The production hasher is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _background_tasks_run_at_once(settings: Any) -> None:
    # As under SHIGONGTU_ENV=test (.ci/run): a queued task runs in the request that enqueued it,
    # and a job's live progress stays in this process, whatever environment the suite runs in.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.CACHES = {**settings.CACHES, "jobs": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                                   "LOCATION": "jobs"}}


@pytest.fixture(autouse=True)
def _chinese_until_switched() -> Any:
    # The language middleware leaves the chosen language active on the thread after a request;
    # a test that switched to English must not leave the next test's messages in English.
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_rollup_cache() -> Any:
    clear_cache()
    yield
    clear_cache()


def make_user(username: str, unit: OrgUnit, role: str) -> Any:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    grant_role(user, unit, role)  # through the service, so the role is in the history as in real use
    return user


def build_cast() -> Cast:
    city = services.ensure_unit("长春市", None, OrgUnit.Kind.CITY)
    zone = services.ensure_unit("净月高新区", city, OrgUnit.Kind.DISTRICT)
    dept = services.ensure_unit("项目服务中心", zone, OrgUnit.Kind.DEPARTMENT)
    other_dept = services.ensure_unit("科技创新局", zone, OrgUnit.Kind.DEPARTMENT)
    other_zone = services.ensure_unit("双阳区", city, OrgUnit.Kind.DISTRICT)
    plan = services.create_plan("JY-T", "测试施工图", 2023, unit=zone)
    services.save_node(plan, "1", {"title": "项目建设", "lead_unit": dept})
    services.save_node(plan, "1.1", {"title": "春季开工", "lead_unit": dept, "start": dt.date(2023, 3, 1),
                                     "due": dt.date(2023, 5, 31), "weight": Decimal(2)})
    services.save_node(plan, "1.2", {"title": "重点项目开工", "lead_unit": dept})
    services.save_node(plan, "2", {"title": "创新", "lead_unit": other_dept})
    services.save_node(plan, "2.1", {"title": "企业梯度培育", "lead_unit": other_dept})
    return Cast(
        city=city, zone=zone, dept=dept, other_dept=other_dept, other_zone=other_zone, plan=plan,
        coordinator=make_user("coord", zone, "coordinator"),
        reporter=make_user("reporter", dept, "reporter"),
        viewer=make_user("viewer", zone, "viewer"),
        outsider=make_user("outsider", other_zone, "coordinator"),
    )


@pytest.fixture
def cast(db: Any) -> Cast:
    return build_cast()
