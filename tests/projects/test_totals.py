"""The maintained month totals always equal the sums straight from the reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine

from shigongtu.projects import totals
from shigongtu.projects.models import InvestmentReport, InvestmentTotal
from shigongtu.projects.services.investment import review_investment, submit_investment
from shigongtu.projects.services.projects import change_stage

from .conftest import make_project

JULY = time_machine.travel(dt.datetime(2023, 7, 10, 10, tzinfo=dt.UTC))
YEAR = [f"2023-{m:02d}" for m in range(1, 13)]


def _fresh(cast):
    return {p: v for p, v in totals.compute(cast.plan.pk, YEAR).items()}


def _cached(cast):
    return {p: v for p, v in totals.month_totals(cast.plan.pk, YEAR).items() if v != (None, None)}


@JULY
def test_totals_follow_filing_review_removal_and_direct_saves(cast):
    a = make_project(cast, "A", actual_start="2023-03-01", stage="在建")
    b = make_project(cast, "B", actual_start="2023-03-01", stage="在建")
    submit_investment(a, {"period": "2023-05", "amount": "100", "stats_amount": "90"})
    assert _cached(cast) == _fresh(cast) == {"2023-05": (Decimal(100), Decimal(90))}
    report = submit_investment(b, {"period": "2023-05", "amount": "50"})
    assert _cached(cast)["2023-05"][0] == 150
    review_investment(report, False, reason="退回")
    assert _cached(cast)["2023-05"][0] == 100
    change_stage(a, "调出")
    assert _cached(cast) == _fresh(cast) == {}
    r = InvestmentReport.objects.get(pk=report.pk)
    r.status, r.amount = "submitted", Decimal(70)
    r.save()  # a save outside the services still marks the month stale
    assert _cached(cast) == _fresh(cast) == {"2023-05": (Decimal(70), None)}


@JULY
def test_a_sum_computed_before_a_write_is_not_stored_after_it(cast, monkeypatch):
    a = make_project(cast, "A", actual_start="2023-03-01", stage="在建")
    submit_investment(a, {"period": "2023-05", "amount": "100"})
    real = totals._counted

    def racing(plan_id, periods):
        result = real(plan_id, periods)  # the old sum …
        totals.invalidate(plan_id, ["2023-05"])  # … while a writer changes the month
        return result

    monkeypatch.setattr(totals, "_counted", racing)
    totals.month_totals(cast.plan.pk, ["2023-05"])
    assert InvestmentTotal.objects.get(plan=cast.plan, period="2023-05").stale


@JULY
def test_one_report_moves_its_kept_month_by_its_difference_without_a_recount(cast, monkeypatch):
    a = make_project(cast, "A", actual_start="2023-03-01", stage="在建")
    b = make_project(cast, "B", actual_start="2023-03-01", stage="在建")
    submit_investment(a, {"period": "2023-05", "amount": "100", "stats_amount": "90"})
    assert _cached(cast) == _fresh(cast)  # the month is kept, not stale, from here on

    def no_recount(plan_id, periods):
        raise AssertionError(f"recounted {periods}")

    monkeypatch.setattr(totals, "_counted", no_recount)
    report = submit_investment(b, {"period": "2023-05", "amount": "50.5"})
    assert _cached(cast)["2023-05"] == (Decimal("150.5"), Decimal(90))
    submit_investment(b, {"period": "2023-05", "amount": "20", "stats_amount": "10"})
    assert _cached(cast)["2023-05"] == (Decimal(120), Decimal(100))
    review_investment(InvestmentReport.objects.get(pk=report.pk), False, reason="退回")
    assert _cached(cast)["2023-05"] == (Decimal(100), Decimal(90))
    review_investment(InvestmentReport.objects.get(project=a), False, reason="退回")
    # no counting report left: an empty sum, not 0
    assert totals.month_totals(cast.plan.pk, ["2023-05"]) == {"2023-05": (None, None)}
    row = InvestmentTotal.objects.get(plan=cast.plan, period="2023-05")
    assert (row.stale, row.reports, row.stats_reports) == (False, 0, 0)
    monkeypatch.undo()
    assert _cached(cast) == _fresh(cast) == {}


@JULY
def test_a_month_left_stale_by_an_import_is_recounted_not_adjusted(cast):
    a = make_project(cast, "A", actual_start="2023-03-01", stage="在建")
    submit_investment(a, {"period": "2023-05", "amount": "100"})
    totals.invalidate(cast.plan.pk, ["2023-05"])
    submit_investment(a, {"period": "2023-05", "amount": "40"})
    assert InvestmentTotal.objects.get(plan=cast.plan, period="2023-05").stale
    assert _cached(cast) == _fresh(cast) == {"2023-05": (Decimal(40), None)}
