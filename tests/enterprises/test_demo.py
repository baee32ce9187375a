"""The demo's registry: 402 高企 at the 2022 year-end, the 2023 batches, pools, expiring certificates,
and the seed's 500 / 100 / 12 targets judged from it."""

from __future__ import annotations

import datetime as dt

import pytest

from shigongtu.demo.build import build
from shigongtu.enterprises import selectors
from shigongtu.enterprises.models import Enterprise, YearFigures
from shigongtu.plans.models import Plan, ReportValue

D = dt.date(2023, 6, 30)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            build("demo-pass-1")
            yield Plan.objects.select_related("unit").get(code="JY-2023")
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_registry_starts_from_402_high_tech_firms(demo):
    assert selectors.baseline(demo.unit, 2023, ["高新技术企业"]) == 402
    assert selectors.valid_at(demo.unit, D, ["高新技术企业"]) == 450
    assert all(n.endswith("（示例）") for n in Enterprise.objects.values_list("name", flat=True))


@pytest.mark.django_db
def test_the_seed_targets_are_judged_from_the_registry(demo):
    targets = {t.name: t for t in selectors.targets(demo, D)}
    assert {n: (t.target, t.baseline, t.actual) for n, t in targets.items()} == {
        "高新技术企业": (500, 402, 450), "专精特新企业": (100, 61, 71), "高成长企业": (12, 3, 5)}
    assert not ReportValue.objects.filter(indicator__source=selectors.SOURCE).exists()


@pytest.mark.django_db
def test_the_demo_warns_about_expiring_certificates_and_has_pools_with_figures(demo):
    soon = selectors.expiring(demo.unit, D, unrenewed_only=True, limit=None)
    assert len(soon) == 50 and all(x.expires == dt.date(2023, 11, 19) for x in soon)
    pool = selectors.pool(demo.unit, "高新技术企业")
    assert len(pool) == 170 and pool[0].closeness >= pool[-1].closeness
    assert YearFigures.objects.count() > 300
