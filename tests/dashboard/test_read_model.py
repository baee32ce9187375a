"""The incremental read model equals a fresh build after any sequence of writes.

Random sequences of reports filed and reviewed, investment filed and reviewed, projects edited
(stage, annual plan, starts, 总投资, coordinates, statistics, fronts), bonds and approvals
recorded, nodes added or moved, and 督办 items assigned (an indicator counts them) are applied to the
dashboard's plan; after each batch the figures the dashboard and the bulletin print — read through the
read model, brought forward from the journal — are compared with the same figures built from scratch
(every cache and memo forgotten, and the kept monthly investment sums counted again)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shigongtu.dashboard.data import build_dashboard
from shigongtu.lib.errors import InputRejected
from shigongtu.lib.periods import Period
from shigongtu.plans import services
from shigongtu.plans.figures import latest_reported_period, review_waiting
from shigongtu.plans.models import Indicator, Node, Report
from shigongtu.plans.selectors import clear_cache, month_figures, reporting_record
from shigongtu.projects.models import InvestmentReport, InvestmentTotal
from shigongtu.projects.selectors import project_light_counts
from shigongtu.projects.services.approvals import save_approval
from shigongtu.projects.services.bonds import add_movement, save_bond
from shigongtu.projects.services.investment import review_investment, submit_investment
from shigongtu.projects.services.projects import change_stage, save_project
from shigongtu.supervision.models import SupervisionItem
from shigongtu.supervision.services import save_item
from tests.dashboard.conftest import AS_OF, add_dashboard_data

TODAY = dt.date(2023, 7, 10)
PERIODS = ("2023-04", "2023-05", "2023-06")
STAGES = ("前期", "具备开工条件", "在建", "停缓建", "调出", "竣工")

# what a project edit changes, each with four values: the tally's counts, sums, sets and the map
EDITS: dict[str, tuple[Any, ...]] = {
    "actual_start": (None, dt.date(2022, 11, 5), dt.date(2023, 4, 10), dt.date(2023, 6, 20)),
    "planned_start": (None, dt.date(2023, 1, 15), dt.date(2023, 4, 1), dt.date(2023, 9, 1)),
    "total_investment": (Decimal(300), Decimal(4999), Decimal(5000), Decimal(80000)),
    "lng": (None, Decimal("125.40"), Decimal("125.45"), Decimal("126.10")),
    "in_statistics": (False, True, False, True),
    "nodes": ([], ["1.2"], ["2.1"], ["1.1", "2.1"]),
}

writes = st.one_of(
    st.tuples(st.just("report"), st.integers(0, 50), st.sampled_from(PERIODS), st.integers(0, 100)),
    st.tuples(st.just("review"), st.booleans()),
    st.tuples(st.just("investment"), st.sampled_from(("P-1", "P-2", "P-3")), st.sampled_from(PERIODS),
              st.integers(0, 2000)),
    st.tuples(st.just("stage"), st.sampled_from(("P-1", "P-2", "P-3")), st.sampled_from(STAGES)),
    st.tuples(st.just("annual"), st.sampled_from(("P-1", "P-2", "P-3")), st.integers(0, 9000)),
    st.tuples(st.just("edit"), st.sampled_from(("P-1", "P-2", "P-3")), st.sampled_from(tuple(EDITS)),
              st.integers(0, 3)),
    st.tuples(st.just("inv_review"), st.booleans()),
    st.tuples(st.just("bond"), st.sampled_from(("P-1", "P-2", "P-3")), st.integers(1, 5000)),
    st.tuples(st.just("approval"), st.sampled_from(("P-1", "P-2", "P-3")), st.sampled_from(("已取得", "办理中"))),
    st.tuples(st.just("add_node"), st.sampled_from(("1", "1.2", "2", "2.1"))),
    st.tuples(st.just("move"), st.integers(0, 50), st.sampled_from(("1", "2"))),
    st.tuples(st.just("supervision"), st.integers(1, 6), st.booleans()),
)


@pytest.fixture
def dash(cast: Any) -> Any:
    """The dashboard's plan with an indicator drawn from its 督办 items (销号率)."""
    add_dashboard_data(cast)
    ind = services.save_indicator(cast.node("2.1"), {"name": "督办销号率", "unit": "%", "kind": "stock", "target": 90})
    Indicator.objects.filter(pk=ind.pk).update(source="supervision.closure_rate")
    services.bump_revision(cast.plan)
    cast.plan.refresh_from_db()
    return cast


def leaves(plan: Any) -> list[Node]:
    return list(Node.objects.filter(plan=plan, children__isnull=True).order_by("sort_key"))


def apply(dash: Any, write: tuple[Any, ...]) -> None:
    plan, kind = dash.plan, write[0]
    try:
        if kind == "report":
            nodes = leaves(plan)
            services.file_report(nodes[write[1] % len(nodes)], write[2], {"progress": write[3]})
        elif kind == "review":
            waiting = Report.objects.filter(node__plan=plan, status=Report.Status.SUBMITTED).order_by("-pk").first()
            if waiting is not None:
                services.review_report(waiting, write[1], reason="" if write[1] else "请补充材料")
        elif kind == "investment":
            project = plan.projects.get(code=write[1])
            submit_investment(project, {"period": write[2], "amount": write[3]}, today=TODAY)
        elif kind == "stage":
            change_stage(plan.projects.get(code=write[1]), write[2], on=TODAY)
        elif kind == "annual":
            project = plan.projects.get(code=write[1])
            save_project(plan, {"annual_plan": Decimal(write[2])}, project=project, today=TODAY)
        elif kind == "edit":
            project = plan.projects.get(code=write[1])
            value = EDITS[write[2]][write[3]]
            data = {write[2]: value, **({"lat": Decimal("43.80")} if write[2] == "lng" and value else {})}
            save_project(plan, data, project=project, today=TODAY)
        elif kind == "inv_review":
            waiting = InvestmentReport.objects.filter(plan=plan, status__in=(
                InvestmentReport.Status.SUBMITTED, InvestmentReport.Status.UNIT_APPROVED))
            report = waiting.order_by("-pk").first()
            if report is not None:
                review_investment(report, write[1], reason="" if write[1] else "请补充")
        elif kind == "bond":
            bond = save_bond(plan.projects.get(code=write[1]), {"requested_amount": str(write[2])}, today=TODAY)
            add_movement(bond, "quota", {"amount": str(write[2]), "date": "2023-05-10"}, today=TODAY)
        elif kind == "approval":
            project = plan.projects.get(code=write[1])
            item = project.approvals.filter(kind="环评").first()
            save_approval(project, {"kind": "环评", "status": write[2], "required": True}, item=item, today=TODAY)
        elif kind == "add_node":
            taken = set(Node.objects.filter(plan=plan).values_list("code", flat=True))
            code = next(f"{write[1]}.{i}" for i in range(1, 99) if f"{write[1]}.{i}" not in taken)
            services.save_node(plan, code, {"title": f"新增{code}", "lead_unit": dash.dept,
                                            "start": dt.date(2023, 2, 1), "due": dt.date(2023, 11, 30)})
        elif kind == "supervision":
            item = SupervisionItem.objects.filter(plan=plan, code=f"S-{write[1]}").first()
            data = {"code": f"S-{write[1]}", "title": f"督办{write[1]}", "source": "审计",
                    "assigned_on": dt.date(2023, write[1], 1), "deadline": dt.date(2023, 9, 30)}
            if item is None:
                save_item(plan, data)
            else:
                save_item(plan, {**data, "assigned_on": dt.date(2023, 7 - write[1], 1) if write[2] else
                                 data["assigned_on"]}, item=item)
        elif kind == "move":
            nodes = [n for n in leaves(plan) if "." in n.code and n.code.count(".") > 1]
            if nodes:
                services.move_node(nodes[write[1] % len(nodes)], write[2])
    except InputRejected:
        pass  # refused: nothing was written


def picture(dash: Any) -> dict[str, Any]:
    """What the dashboard and the bulletin read, as the read model answers now."""
    plan = dash.plan
    plan.refresh_from_db()
    figures = month_figures(plan, AS_OF)
    return {
        "results": dict(figures.rollup.results),
        "judged": figures.judged,
        "warnings": figures.warnings,
        "task_lights": figures.task_lights,
        "june": reporting_record(plan, Period(2023, 6)),
        "may": reporting_record(plan, Period(2023, 5)),
        "dashboard": dataclasses.replace(build_dashboard(plan, AS_OF), built_ms=0.0),
        "unit": dataclasses.replace(build_dashboard(plan, AS_OF, dash.dept.pk), built_ms=0.0),
        "project_lights": project_light_counts(plan, AS_OF),
        "unit_project_lights": project_light_counts(plan, AS_OF, dash.dept.path),
        "waiting": review_waiting(plan),
        "latest": latest_reported_period(plan),
    }


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(batches=st.lists(st.lists(writes, min_size=1, max_size=3), min_size=1, max_size=4))
def test_the_read_model_brought_forward_equals_a_fresh_build(dash: Any, batches: list[list[tuple[Any, ...]]]) -> None:
    picture(dash)  # the read model holds the current picture
    for batch in batches:
        for write in batch:
            apply(dash, write)
        kept = picture(dash)
        clear_cache()
        InvestmentTotal.objects.update(stale=True)  # the month sums counted again from the reports
        assert kept == picture(dash), batch


def test_a_filed_report_brings_the_picture_forward_without_rebuilding_it(dash: Any) -> None:
    plan = dash.plan
    before = month_figures(plan, AS_OF)
    services.file_report(dash.node("1.2"), "2023-06", {"progress": 95})
    plan.refresh_from_db()
    after = month_figures(plan, AS_OF)
    assert after.rollup is before.rollup                   # patched in place, not rebuilt
    assert after.rollup.changed_since(before.rollup.revision - 1) is not None
    assert after.rollup.by_code("1.2").progress == 95


def test_a_project_change_leaves_the_plan_side_as_it_was(dash: Any) -> None:
    from shigongtu.plans.figures import INDICATORS

    plan = dash.plan
    plan.refresh_from_db()
    judged = INDICATORS.get(plan, AS_OF)
    save_project(plan, {"annual_plan": Decimal(4000)}, project=plan.projects.get(code="P-3"), today=TODAY)
    plan.refresh_from_db()
    assert INDICATORS.get(plan, AS_OF) is judged   # no indicator of this plan is computed from projects


def test_a_project_edit_patches_the_tally_to_what_a_fresh_build_counts(dash: Any) -> None:
    from shigongtu.dashboard.cards.project_tally import TALLIES

    plan = dash.plan
    p1 = plan.projects.get(code="P-1")
    steps = ({"actual_start": dt.date(2022, 11, 5), "total_investment": Decimal(80000)},  # 开工未入库
             {"in_statistics": True}, {"in_statistics": False, "lng": Decimal("126.10")},
             {"nodes": ["2.1"]}, {"lng": None, "lat": None}, {"stage": "调出"})
    picture(dash)
    for data in steps:
        before = {slot: entry.value for slot, entry in TALLIES._entries.items()}
        save_project(plan, data, project=p1, today=TODAY)
        kept = picture(dash)
        assert all(TALLIES._entries[slot].value is value for slot, value in before.items())  # patched, not rebuilt
        clear_cache()
        assert kept == picture(dash), data


def test_investment_alone_moves_the_fronts_project_lights_without_building_the_cards_again(
        dash: Any, monkeypatch: Any) -> None:
    from shigongtu.dashboard.cards import project_side

    plan, p1 = dash.plan, dash.plan.projects.get(code="P-1")
    save_project(plan, {"nodes": ["1.2"], "in_statistics": True}, project=p1, today=TODAY)  # no 开工未入库
    submit_investment(p1, {"period": "2023-05", "amount": 0}, today=TODAY)
    plan.refresh_from_db()
    built = []
    real = project_side._cards
    monkeypatch.setattr(project_side.PICTURES, "_build", lambda *a: built.append(1) or real(*a))
    build_dashboard(plan, AS_OF)
    seen = set()
    for amount in (0, 2500, 0, 2500):
        built.clear()
        submit_investment(p1, {"period": "2023-06", "amount": amount}, today=TODAY)
        plan.refresh_from_db()
        kept = dataclasses.replace(build_dashboard(plan, AS_OF), built_ms=0.0)
        assert not built  # brought forward: all but the bonds built again, the fronts' counts moved
        seen.add(tuple((f.code, f.projects_red, f.projects_yellow) for f in kept.fronts))
        clear_cache()
        InvestmentTotal.objects.update(stale=True)
        assert kept == dataclasses.replace(build_dashboard(plan, AS_OF), built_ms=0.0)
    assert len(seen) == 2  # P-1's light moved with its investment, and back


def test_an_indicator_warning_leaves_the_list_when_its_source_catches_up(dash: Any) -> None:
    plan, p1 = dash.plan, dash.plan.projects.get(code="P-1")
    ind = services.save_indicator(dash.node("1.1"), {"name": "项目投资", "unit": "万元", "kind": "flow",
                                                     "target": 6000})
    Indicator.objects.filter(pk=ind.pk).update(source="projects.investment")
    services.bump_revision(plan)
    plan.refresh_from_db()

    def listed() -> list[Any]:
        plan.refresh_from_db()
        return [w for w in month_figures(plan, AS_OF).warnings if w.indicator == "项目投资"]

    assert listed()  # 1,500 of 6,000 by June: behind
    for amount in (4000, 0):
        submit_investment(p1, {"period": "2023-06", "amount": amount}, today=TODAY)
        kept = listed()
        clear_cache()
        InvestmentTotal.objects.update(stale=True)
        assert kept == listed()
        assert bool(kept) == (amount == 0)  # caught up with 4,000 in June, behind again without
