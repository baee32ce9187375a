"""The demo's supervision items: every source and the four site types, a mix of lights, an
extension, an escalation, illustrative labels, and the tasks judged by 销号率."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from shigongtu.demo.build import build
from shigongtu.lib import geo
from shigongtu.plans.models import Indicator, Plan
from shigongtu.plans.selectors import compute_indicators
from shigongtu.supervision.documents import supervision_document
from shigongtu.supervision.models import ItemEvent, SupervisionItem

D = dt.date(2023, 6, 30)


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            build("demo-pass-1")
            yield Plan.objects.get(code="JY-2023")
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_demo_has_a_realistic_mix(demo: Plan) -> None:
    doc = supervision_document(demo, D)
    lights = Counter(i["light"] for i in doc["items"])
    assert all(lights[k] for k in ("red", "yellow", "green", "done"))
    sources = {i["source"] for i in doc["items"]}
    assert {"督察反馈", "信访", "遥感图斑", "领导批示", "会议议定"} <= sources
    types = set(SupervisionItem.objects.filter(plan=demo, source="遥感图斑").values_list("finding_type", flat=True))
    assert types == {"建筑工地", "拆迁现场", "物料堆场", "裸露地面"}
    assert all("示例" in i["title"] for i in doc["items"])
    assert 0 < doc["summary"]["closure_rate"] < 1
    for i in doc["items"]:
        if i["longitude"] is not None:
            assert geo.in_china(i["longitude"], i["latitude"])
            assert abs(i["longitude"] - 125.452) < 0.06 and abs(i["latitude"] - 43.792) < 0.05


@pytest.mark.django_db
def test_the_demo_has_an_extension_an_escalation_and_tasks_judged_by_closure(demo: Plan) -> None:
    assert ItemEvent.objects.filter(item__plan=demo, kind="extension_decided", decision="approved").exists()
    assert SupervisionItem.objects.filter(plan=demo, escalation="督办函").exists()
    inds = list(Indicator.objects.filter(plan=demo, source="supervision.closure_rate").order_by("name"))
    assert [i.name for i in inds] == ["卫片图斑销号率", "督察反馈问题销号率"]
    judged = {out.name: out.actual for out in compute_indicators(demo, D, inds)}
    inspection = SupervisionItem.objects.filter(plan=demo, campaign="第二轮中央生态环境保护督察")
    closed = inspection.filter(closed_on__lte=D).count()
    assert judged["督察反馈问题销号率"] == pytest.approx(100 * closed / inspection.count())


def test_the_inspection_and_satellite_tasks_take_their_progress_from_the_items(demo: Plan) -> None:
    from shigongtu.plans.models import Node

    sources = dict(Node.objects.filter(plan=demo, code__in=("6.1", "6.2")).values_list("code", "progress_source"))
    assert sources == {"6.1": "indicator", "6.2": "indicator"}
