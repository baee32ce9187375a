"""Evaluate a plan's rules at a date: every event each rule raises, with its recipients.

Pure of writes: the bench calls it for a province; :func:`shigongtu.notifications.runs.run`
turns its answer into notices and deliveries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from shigongtu.notifications import sources, sources_more
from shigongtu.notifications.models import NotificationRule
from shigongtu.notifications.rules import kinds as K
from shigongtu.notifications.rules.events import Event
from shigongtu.notifications.rules.recipients import Directory, Holder, normalise
from shigongtu.orgs.models import Membership
from shigongtu.plans.models import Plan

Evaluator = Callable[[sources.Sources, NotificationRule], list[Event]]

# Each kind of rule and the function that reads its events; one explicit table.
EVALUATORS: dict[str, Evaluator] = {
    K.REPORT_DUE: sources.report_due,
    K.REPORT_OVERDUE: sources.report_overdue,
    K.REPORT_RETURNED: sources.reports_returned,
    K.NODE_RED: sources.node_red,
    K.PROJECT_RED: sources.project_red,
    K.SUPERVISION_DUE: sources_more.supervision_due,
    K.SUPERVISION_OVERDUE: sources_more.supervision_overdue,
    K.APPROVAL_EXPIRING: sources.approval_expiring,
    K.BOND_IDLE: sources.bond_idle,
    K.LEAD_SLA: sources_more.lead_sla,
}
LEADERSHIP_ROLES = ("viewer", "coordinator")  # who hears an escalation when the 责任领导 has no account


@dataclass(frozen=True)
class Addressed:
    """One event of one rule and the people it goes to."""

    rule: NotificationRule
    event: Event
    users: tuple[int, ...]


def directory() -> Directory:
    """Every membership and every person's name, read once per run (two queries)."""
    holders = [Holder(u, p, r) for u, p, r in Membership.objects.values_list("user_id", "unit__path", "role")]
    names: dict[str, int] = {}
    for pk, username, first, last in get_user_model().objects.filter(is_active=True).values_list(
            "pk", "username", "first_name", "last_name"):
        for name in (username, f"{last}{first}", first):
            key = normalise(name)
            if key:
                names.setdefault(key, pk)
    return Directory(holders, names)


def recipients(rule: NotificationRule, event: Event, people: Directory, plan: Plan) -> tuple[int, ...]:
    """Who hears ``event``: the rule's roles on the rule's unit (or the object's responsible unit),
    plus the people the event names (a returned report's submitter). An escalated event goes to
    the 责任领导 named on the item, or, when no account bears that name, the plan unit's leadership."""
    if event.escalated:
        return people.named(event.leader) or people.on_unit(plan.unit.path, LEADERSHIP_ROLES)
    path = rule.unit.path if rule.unit_id and rule.unit is not None else event.unit_path
    found = set(people.covering(path, rule.roles or ())) | set(event.users)
    return tuple(sorted(found))


def evaluate_each(plan: Plan, as_of: dt.date, rules: Iterable[NotificationRule] | None = None,
                  people: Directory | None = None) -> Iterator[list[Addressed]]:
    """Rule by rule, the events the plan's enabled rules raise at ``as_of`` with their recipients
    (one rule's events at a time in memory; the reads behind them are shared by all the rules)."""
    rules = list(rules) if rules is not None else list(
        NotificationRule.objects.filter(plan=plan, enabled=True).select_related("unit").order_by("id"))
    people = people or directory()
    src = sources.Sources(plan, as_of)
    for rule in rules:
        batch = []
        for event in EVALUATORS[rule.kind](src, rule):
            users = recipients(rule, event, people, plan)
            if users:
                batch.append(Addressed(rule, event, users))
        yield batch


def evaluate(plan: Plan, as_of: dt.date, rules: Iterable[NotificationRule] | None = None,
             people: Directory | None = None) -> list[Addressed]:
    """Every event the plan's enabled rules raise at ``as_of``, each with its recipients."""
    return [a for batch in evaluate_each(plan, as_of, rules, people) for a in batch]


def summary(found: Iterable[Addressed], into: dict[str, dict[str, int]] | None = None) -> dict[str, Any]:
    """Events and notices per kind, for the command's JSON (added to ``into`` when given)."""
    by_kind: dict[str, dict[str, int]] = {} if into is None else into
    for a in found:
        row = by_kind.setdefault(a.rule.kind, {"events": 0, "notices": 0})
        row["events"] += 1
        row["notices"] += len(a.users)
    return by_kind
