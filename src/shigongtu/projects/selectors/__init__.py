"""The project library's read model: the month's project figures every face prints.

The dashboard, the big screen and the bulletin read project lights and special-bond money
here, so they cannot disagree. The reads behind them are this package's modules: the list's
filters and lights (:mod:`.filters`), the projects' warnings (:mod:`.warnings`) and the
indicator sources computed from projects (:mod:`.indicators`). The month sums maintained on
every investment write stay with the writes (``projects.totals``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from shigongtu.plans.models import Plan
from shigongtu.plans.readmodel import Changes, Memo
from shigongtu.plans.rules.lights import RED, YELLOW
from shigongtu.projects.models import (
    BondDisbursement,
    BondExpenditure,
    BondProject,
    BondQuota,
    Project,
)
from shigongtu.projects.rules.bonds import BOND_DECLARED_STATES
from shigongtu.projects.selectors.warnings import lights_by_project, project_warnings


def unit_q(path: str | None, prefix: str = "") -> Q:
    """Projects whose lead unit is within the org unit at ``path`` (everything when None)."""
    return Q(**{f"{prefix}lead_unit__path__startswith": path}) if path else Q()


def lit_projects(plan: Plan, as_of: dt.date, path: str | None = None,
                 base: QuerySet[Project] | None = None) -> dict[str, set[int]]:
    """The ids of the plan's red and yellow projects at ``as_of`` (项目灯色: the worst light among a
    project's warnings, contract §4), within ``path`` or ``base`` when given. The plan's (or a
    unit's) answer is kept by the read model: a change of some projects re-judges only those."""
    if base is not None:
        return compute_lit_projects(plan, as_of, path, base)
    return LIT.get(plan, (as_of, path))


def _bring_lit(plan: Plan, key: Any, value: dict[str, set[int]], changes: Changes) -> dict[str, set[int]] | None:
    if not changes.project_side:
        return value  # the blueprint's reports do not light projects
    if changes.any_project or not changes.projects:
        return None
    as_of, path = key
    ids = set(changes.projects)
    now = compute_lit_projects(plan, as_of, path, Project.objects.filter(plan=plan, pk__in=ids).filter(unit_q(path)))
    return {light: (found - ids) | now[light] for light, found in value.items()}


LIT: Memo[dict[str, set[int]]] = Memo(
    "projects.lit", lambda plan, key: compute_lit_projects(plan, key[0], key[1]), patch=_bring_lit)


def compute_lit_projects(plan: Plan, as_of: dt.date, path: str | None = None,
                         base: QuerySet[Project] | None = None) -> dict[str, set[int]]:
    """:func:`lit_projects` computed from scratch."""
    whole = base is None and not path
    base = base if base is not None else Project.objects.filter(plan=plan).filter(unit_q(path))
    ids = dict(base.values_list("code", "pk"))
    warned = lights_by_project(project_warnings(plan, as_of, None if whole else list(ids.values())))
    return {light: {ids[code] for code, lit in warned.items() if lit == light and code in ids}
            for light in (RED, YELLOW)}


def project_light_counts(plan: Plan, as_of: dt.date, path: str | None = None) -> dict[str, int]:
    """How many of the plan's projects are red and yellow at ``as_of`` (closed ones never are)."""
    return {light: len(ids) for light, ids in lit_projects(plan, as_of, path).items()}


@dataclass(frozen=True)
class BondMoney:
    """专项债 at as-of: the bond projects and their money (万元) dated up to it."""

    projects: int
    declared: int
    quota: Decimal
    disbursed: Decimal
    spent: Decimal

    @property
    def progress(self) -> Decimal | None:
        """支出进度 = spent / quota (a share), None without a quota."""
        return self.spent / self.quota if self.quota else None


def bond_money(plan: Plan, as_of: dt.date, path: str | None = None) -> BondMoney | None:
    """The plan's (or unit's) special-bond projects and money at ``as_of``; None without any."""
    bonds = BondProject.objects.filter(project__plan=plan).filter(unit_q(path, "project__"))
    counts = bonds.aggregate(n=Count("pk"), declared=Count("pk", filter=Q(
        state__in=BOND_DECLARED_STATES) & (Q(declared_on__isnull=True) | Q(declared_on__lte=as_of))))
    if not counts["n"]:
        return None
    money = {}
    for name, model in (("quota", BondQuota), ("disbursed", BondDisbursement), ("spent", BondExpenditure)):
        total = model.objects.filter(bond__project__plan=plan, date__lte=as_of).filter(
            unit_q(path, "bond__project__")).aggregate(s=Sum("amount"))["s"]
        money[name] = total or Decimal(0)
    return BondMoney(projects=counts["n"], declared=counts["declared"], **money)


@dataclass
class ProjectFigures:
    """The plan's project figures at as-of (本月项目数据)."""

    lights: dict[str, int]
    bonds: BondMoney | None


def month_figures(plan: Plan, as_of: dt.date, path: str | None = None) -> ProjectFigures:
    """The project lights and the special-bond money of the plan (or unit) at ``as_of``."""
    return ProjectFigures(project_light_counts(plan, as_of, path), bond_money(plan, as_of, path))
