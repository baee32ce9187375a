"""The demo's project library: seed projects, targets computed from projects, bonds, a mix of lights."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from shigongtu.demo.build import build
from shigongtu.plans.models import Indicator, Plan, ReportValue, StatisticValue
from shigongtu.plans.selectors import compute_indicators
from shigongtu.projects.documents import projects_document
from shigongtu.projects.models import BondProject, Project


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            build("demo-pass-1")
            yield Plan.objects.get(code="JY-2023")
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_demo_has_the_seeds_projects_and_illustrative_ones(demo):
    names = set(Project.objects.filter(plan=demo).values_list("name", flat=True))
    for name in ("东部新城汽车综合服务产业园", "长春市算力中心", "泰康之家长春寿区", "大陆汽车电子二期扩能项目",
                 "伊通河南段数字场景科创小镇", "慢山里研学营地扩建", "长春联塑新建生产车间（8000平方米）"):
        assert name in names
    assert 120 <= len(names) <= 140
    assert all(n.endswith("（示例）") for n in names if n not in {s[0] for s in __import__(
        "shigongtu.demo.projects_data", fromlist=["SEED_PROJECTS"]).SEED_PROJECTS})
    assert Project.objects.filter(name="裴家村特色民宿及游客服务中心", total_investment=441).exists()
    assert BondProject.objects.filter(project__plan=demo).count() == 24


@pytest.mark.django_db
def test_the_demo_targets_are_computed_from_projects_with_a_mix_of_lights(demo):
    sources = dict(Indicator.objects.filter(plan=demo).values_list("name", "source"))
    assert sources["固定资产投资"] == "reports"  # the statistics bureau's figure, from the statistics ledger
    assert StatisticValue.objects.filter(indicator__name="固定资产投资").count() == 6
    assert sources["重点项目完成投资（调度口径）"] == "projects.investment"
    assert sources["春季开工项目"] == sources["5000万元以上重点项目开工"] == "projects.started"
    assert sources["专项债项目"] == "projects.bond_count"
    assert not ReportValue.objects.filter(indicator__source__startswith="projects.").exists()
    outs = {o.name: o for o in compute_indicators(demo, dt.date(2023, 6, 30))}
    assert outs["固定资产投资"].actual == 106.9  # 亿元, 1–6月累计 (统计口径), against 222.5 for the year
    key = outs["重点项目完成投资（调度口径）"]
    assert key.target < 0.6 * 222.5  # the key projects' annual plans are well below the zone's FAI target
    assert 20 <= key.actual <= 60
    assert 20 <= outs["春季开工项目"].actual <= 30
    assert 35 <= outs["5000万元以上重点项目开工"].actual <= 60
    lights = Counter(p["light"] for p in projects_document(demo, dt.date(2023, 6, 30))["projects"])
    assert lights["green"] and lights["yellow"] and lights["red"]
