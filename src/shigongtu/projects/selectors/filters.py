"""Finding projects: the list's filters, text search, sorting and the warning-light filter.

The light filter puts :mod:`shigongtu.projects.rules`' light rules into SQL so that a page of
50 red projects out of 100,000 is one indexed query; :func:`attach_lights` then computes the
same lights in Python for the rows shown, and the tests check the two agree. Lists use the
stored year-to-date investment (the months reported so far).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField as DecimalOut
from django.db.models import F, Q, QuerySet, Value
from django.utils import timezone

from shigongtu.lib.errors import FieldError
from shigongtu.plans.models import Node, Plan
from shigongtu.plans.rules.lights import GREEN, RED, YELLOW
from shigongtu.plans.selectors import default_as_of
from shigongtu.projects.models import Project, ProjectSettings
from shigongtu.projects.models.project import LEVELS, NATURES
from shigongtu.projects.rules.dates import add_months, latest_start
from shigongtu.projects.rules.lights import Rules, lag_limit, project_lights, share_since, worst
from shigongtu.projects.rules.stages import CLOSED, STAGES, read_stage
from shigongtu.projects.selectors import lit_projects
from shigongtu.projects.selectors.warnings import lights_by_project, project_warnings

SORTS = {
    "code": "项目编号", "name": "项目名称", "total_investment": "总投资", "annual_plan": "年度计划投资",
    "ytd_investment": "本年完成投资", "planned_start": "计划开工", "actual_start": "实际开工", "stage": "阶段",
}
LIGHTS = (RED, YELLOW, GREEN)
PAGE_SIZE = 50


@dataclass
class ProjectFilter:
    """The list's query: filters, search, sort (a field, ``-`` for descending) and page."""

    q: str = ""
    stage: str = ""
    industry: str = ""
    level: str = ""
    nature: str = ""
    lead_unit: int | None = None
    node: str = ""
    light: str = ""
    sort: str = "code"
    problems: list[FieldError] = field(default_factory=list)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ProjectFilter:
        """Read query parameters; values that are not valid are dropped and listed in ``problems``."""
        f = cls()
        f.q = str(params.get("q") or "").strip()[:100]
        f.industry = str(params.get("industry") or "").strip()
        f.node = str(params.get("node") or "").strip()
        for name, choices in (("stage", STAGES), ("level", LEVELS), ("nature", NATURES), ("light", LIGHTS)):
            raw = str(params.get(name) or "").strip()
            value = (read_stage(raw) or raw) if name == "stage" and raw else raw
            if value and value not in choices:
                f.problems.append(FieldError(f"应为{'、'.join(choices)}之一", field=name, value=raw))
            else:
                setattr(f, name, value)
        unit = str(params.get("lead_unit") or "").strip()
        if unit:
            if unit.isdigit():
                f.lead_unit = int(unit)
            else:
                f.problems.append(FieldError("单位应为编号", field="lead_unit", value=unit))
        sort = str(params.get("sort") or "code").strip()
        if sort.lstrip("-") in SORTS:
            f.sort = sort
        else:
            f.problems.append(FieldError(f"排序字段应为{'、'.join(SORTS)}之一", field="sort", value=sort))
        return f

    def apply(self, qs: QuerySet[Project], plan: Plan, as_of: dt.date, project_rules: Rules) -> QuerySet[Project]:
        qs = qs.filter(plan=plan)
        if self.q:
            qs = qs.filter(Q(name__icontains=self.q) | Q(code__icontains=self.q) | Q(owner__icontains=self.q))
        for name in ("stage", "industry", "level", "nature"):
            if getattr(self, name):
                qs = qs.filter(**{name: getattr(self, name)})
        if self.lead_unit:
            qs = qs.filter(lead_unit_id=self.lead_unit)
        if self.node:
            nodes = Node.objects.filter(plan=plan).filter(Q(code=self.node) | Q(code__startswith=self.node + "."))
            qs = qs.filter(pk__in=Project.nodes.through.objects.filter(node__in=nodes).values("project_id"))
        if self.light:  # the light shown: the worst of the project's warnings (contract §4)
            lit = lit_projects(plan, as_of)  # kept by the read model: the dashboard's and bulletin's lights
            if self.light == GREEN:
                qs = qs.exclude(pk__in=sorted(lit[RED] | lit[YELLOW]))
            else:
                qs = qs.filter(pk__in=sorted(lit[self.light]))
        desc = self.sort.startswith("-")
        key = self.sort.lstrip("-")
        return qs.order_by(f"{'-' if desc else ''}{key}", f"{'-' if desc else ''}pk")

    def params(self, **changes: Any) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in ("q", "stage", "industry", "level", "nature", "lead_unit", "node",
                                              "light", "sort")}
        out.update(changes)
        return {k: v for k, v in out.items() if v not in (None, "") and not (k == "sort" and v == "code")}


def _not_started_by(as_of: dt.date) -> Q:
    return Q(actual_start__isnull=True) | Q(actual_start__gt=as_of)


def _parts(as_of: dt.date, month: int, r: Rules, year: int) -> dict[str, Q]:
    """SQL for each yellow/red rule of :func:`project_lights` (same inequalities)."""
    open_ = ~Q(stage__in=CLOSED)
    red_start = latest_start(as_of, r.unstarted_red_months)
    start = open_ & Q(planned_start__isnull=False) & _not_started_by(as_of)
    stats = (open_ & Q(actual_start__isnull=False, actual_start__lte=as_of, total_investment__gte=r.stats_threshold)
             & ~(Q(in_statistics=True) & (Q(statistics_date__isnull=True) | Q(statistics_date__lte=as_of))))
    stats_red = latest_start(as_of, r.stats_red_months)
    stats_yellow = latest_start(as_of, r.stats_yellow_months)
    parts = {
        "start_red": start & Q(planned_start__lte=red_start),
        "start_yellow": start & Q(planned_start__lt=as_of, planned_start__gt=red_start),
        "stats_red": stats & Q(actual_start__lte=stats_red),
        "stats_yellow": stats & Q(actual_start__lte=stats_yellow, actual_start__gt=stats_red),
    }
    if month > 0:
        invest = open_ & Q(actual_start__isnull=False, actual_start__lte=as_of, annual_plan__gt=0)
        decimal = DecimalOut(max_digits=12, decimal_places=6)

        def behind(points: float) -> Q:
            """ytd ≤ plan × (share due since the start month − points/100), per start month."""
            q = Q(pk__in=[])
            for first in range(1, month + 1):
                share = share_since(r.curve, first, month)
                started = (Q(actual_start__lt=dt.date(year, 2, 1)) if first == 1 else
                           Q(actual_start__gte=dt.date(year, first, 1), actual_start__lt=add_months(
                               dt.date(year, first, 1), 1)))
                limit = Value(lag_limit(share, points), output_field=decimal)
                q |= started & Q(ytd_investment__lte=F("annual_plan") * limit)
            return q

        parts["invest_red"] = invest & behind(r.invest_red)
        parts["invest_yellow"] = invest & behind(r.invest_yellow) & ~behind(r.invest_red)
    return parts


def light_q(light: str, as_of: dt.date, month: int, r: Rules, year: int) -> Q:
    """Projects whose overall light (the worst of start, stats, investment; green when none is
    yellow or red) is ``light``."""
    parts = _parts(as_of, month, r, year)
    red = Q(pk__in=[])
    yellow = Q(pk__in=[])
    for name, q in parts.items():
        if name.endswith("_red"):
            red |= q
        else:
            yellow |= q
    if light == RED:
        return red
    if light == YELLOW:
        return yellow & ~red
    return ~red & ~yellow


def attach_lights(projects: Iterable[Project], as_of: dt.date, month: int, r: Rules, year: int,
                  ytd: Mapping[int, Decimal] | None = None, *, plan: Plan | None = None,
                  warned: Mapping[str, str] | None = None) -> None:
    """Set ``lights`` (start, statistics, investment → light or None) and ``light``: the worst light
    among the project's warnings (``warned``, by code, or read for ``plan``), green when none —
    contract §4. Without either, the worst of ``lights``."""
    projects = list(projects)
    if warned is None and plan is not None:
        warned = lights_by_project(project_warnings(plan, as_of, [p.pk for p in projects]))
    for p in projects:
        value = ytd.get(p.pk, Decimal(0)) if ytd is not None else p.ytd_investment
        lights = project_lights(p, value, as_of, month, r, year)
        p.lights = lights  # type: ignore[attr-defined]
        own = warned.get(p.code) if warned is not None else worst(lights.values())
        p.light = own or GREEN  # type: ignore[attr-defined]


FILTER_PARAMS = ("q", "stage", "industry", "level", "nature", "lead_unit", "node", "light", "as_of")


def export_filter(qs: QuerySet[Any], filters: Mapping[str, Any] | None, plan: Plan,
                  to_project: str = "project__") -> QuerySet[Any]:
    """The project list's own filters (:class:`ProjectFilter`: text, stage, industry, level,
    nature, lead unit, front, light at ``as_of``) for an export, on projects (``to_project=""``)
    or on a child of a project. Values the list would drop are dropped here too."""
    flt = ProjectFilter.from_params(filters or {})
    if not any(v for k, v in flt.params().items() if k != "sort"):
        return qs
    try:
        as_of = dt.date.fromisoformat(str((filters or {}).get("as_of") or ""))
    except ValueError:
        as_of = default_as_of(plan, timezone.localdate())
    chosen = flt.apply(Project.objects.all(), plan, as_of, ProjectSettings.rules_for(plan)).order_by().values("pk")
    return qs.filter(**{f"{to_project}pk__in": chosen})
