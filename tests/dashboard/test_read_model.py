"""The incremental read model equals a fresh build after any sequence of writes.

Random sequences of reports filed and reviewed, investment filed, projects changed and nodes
added or moved are applied to the dashboard's plan; after each batch the figures the dashboard
and the bulletin print — read through the read model, brought forward from the journal — are
compared with the same figures built from scratch (every cache and memo forgotten)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shigongtu.dashboard.data import build_dashboard
from shigongtu.lib.errors import InputRejected
from shigongtu.lib.periods import Period
from shigongtu.plans import services
from shigongtu.plans.figures import latest_reported_period, review_waiting
from shigongtu.plans.models import Node, Report
from shigongtu.plans.selectors import clear_cache, month_figures, reporting_record
from shigongtu.projects.selectors import project_light_counts
from shigongtu.projects.services.investment import submit_investment
from shigongtu.projects.services.projects import change_stage, save_project
from tests.dashboard.conftest import AS_OF

TODAY = dt.date(2023, 7, 10)
PERIODS = ("2023-04", "2023-05", "2023-06")
STAGES = ("前期", "具备开工条件", "在建", "停缓建", "调出", "竣工")

writes = st.one_of(
    st.tuples(st.just("report"), st.integers(0, 50), st.sampled_from(PERIODS), st.integers(0, 100)),
    st.tuples(st.just("review"), st.booleans()),
    st.tuples(st.just("investment"), st.sampled_from(("P-1", "P-2", "P-3")), st.sampled_from(PERIODS),
              st.integers(0, 2000)),
    st.tuples(st.just("stage"), st.sampled_from(("P-1", "P-2", "P-3")), st.sampled_from(STAGES)),
    st.tuples(st.just("annual"), st.sampled_from(("P-1", "P-2", "P-3")), st.integers(0, 9000)),
    st.tuples(st.just("add_node"), st.sampled_from(("1", "1.2", "2", "2.1"))),
    st.tuples(st.just("move"), st.integers(0, 50), st.sampled_from(("1", "2"))),
)


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
        elif kind == "add_node":
            taken = set(Node.objects.filter(plan=plan).values_list("code", flat=True))
            code = next(f"{write[1]}.{i}" for i in range(1, 99) if f"{write[1]}.{i}" not in taken)
            services.save_node(plan, code, {"title": f"新增{code}", "lead_unit": dash.dept,
                                            "start": dt.date(2023, 2, 1), "due": dt.date(2023, 11, 30)})
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
