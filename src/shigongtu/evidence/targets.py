"""The record types that take attachments: one explicit tuple, one entry per type.

Each entry says how to fetch a record of its type within a user's scope (its own ``for_user``
rules: a reporter reaches what their unit leads, outsiders nothing), which plan and key project
it belongs to, its reporting month (for the photo's time check) and the site its photos are
compared with (for the place check).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet

from shigongtu.lib.geo import Point
from shigongtu.orgs.access import Scope
from shigongtu.plans.models import Report
from shigongtu.projects.models import ApprovalItem, BondExpenditure, InvestmentReport, Project, ProjectProblem
from shigongtu.supervision.models import ItemEvent


def _point(obj: Any) -> Point | None:
    if obj is None or obj.lng is None or obj.lat is None:
        return None
    return float(obj.lng), float(obj.lat)


@dataclass(frozen=True)
class Target:
    """One record type that takes attachments (its URL slug is ``kind``)."""

    kind: str
    label_zh: str
    label_en: str
    queryset: Callable[[Any, str], QuerySet[Any]]   # (user, action) → the records in reach
    plan_id: Callable[[Any], int]
    project: Callable[[Any], Project | None]
    period: Callable[[Any], str | None]
    label: Callable[[Any], str]

    def site(self, obj: Any) -> Point | None:
        """Where the record's photos should have been taken (WGS84), or None when unknown."""
        if isinstance(obj, ItemEvent):
            return _point(obj.item) or _point(obj.item.project)
        project = self.project(obj)
        return _point(project)

    def get(self, user: Any, action: str, object_id: int) -> Model | None:
        return self.queryset(user, action).filter(pk=object_id).first()


def _reach(qs: QuerySet[Any], user: Any, action: str, prefix: str | None = None) -> QuerySet[Any]:
    """``qs`` narrowed to the user's reach; ``user`` None is a system job (full rights, as in ``require``)."""
    if user is None:
        return qs
    if prefix is None:
        return qs.for_user(user, action)  # type: ignore[attr-defined]
    return qs.filter(Scope.of(user).node_q(action, prefix=prefix))


def _node_report_project(report: Report) -> Project | None:
    return Project.objects.filter(nodes=report.node_id, lng__isnull=False).order_by("code").first()


TARGETS: tuple[Target, ...] = (
    Target("investment", "月度投资", "monthly investment report",
           lambda u, a: _reach(InvestmentReport.objects.select_related("project", "plan"), u, a),
           lambda o: o.plan_id, lambda o: o.project, lambda o: o.period,
           lambda o: f"{o.project.code} {o.project.name} · {o.period}"),
    Target("node-report", "节点月报", "node report",
           lambda u, a: _reach(Report.objects.select_related("node"), u, a),
           lambda o: o.node.plan_id, _node_report_project, lambda o: o.period,
           lambda o: f"{o.node.code} {o.node.title} · {o.period}"),
    Target("approval", "前期手续", "approval",
           lambda u, a: _reach(ApprovalItem.objects.select_related("project"), u, a),
           lambda o: o.project.plan_id, lambda o: o.project, lambda o: None,
           lambda o: f"{o.project.code} {o.project.name} · {o.kind}"),
    Target("problem", "项目问题", "project problem",
           lambda u, a: _reach(ProjectProblem.objects.select_related("project"), u, a),
           lambda o: o.project.plan_id, lambda o: o.project, lambda o: None,
           lambda o: f"{o.project.code} {o.project.name} · {o.title}"),
    Target("supervision-step", "督办办理记录", "supervision step",
           lambda u, a: _reach(ItemEvent.objects.select_related("item", "item__project"), u, a, "item__"),
           lambda o: o.item.plan_id, lambda o: o.item.project, lambda o: None,
           lambda o: f"{o.item.code} {o.item.title} · {o.get_kind_display()} {o.on.isoformat()}"),
    Target("bond-expenditure", "专项债支出", "bond expenditure",
           lambda u, a: _reach(BondExpenditure.objects.select_related("bond__project"), u, a),
           lambda o: o.bond.project.plan_id, lambda o: o.bond.project, lambda o: None,
           lambda o: f"{o.bond.project.code} {o.bond.project.name} · {o.date.isoformat()} {o.amount}万元"),
)
BY_KIND: dict[str, Target] = {t.kind: t for t in TARGETS}
