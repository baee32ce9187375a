"""What the 督办 and 招商 rules raise (the rest of :mod:`shigongtu.notifications.sources`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shigongtu.attraction.models import Lead
from shigongtu.attraction.selectors import leads_at
from shigongtu.lib.periods import format_date_zh
from shigongtu.notifications.rules import kinds as K
from shigongtu.notifications.rules.events import Event, days_overdue, escalates
from shigongtu.notifications.sources import Sources
from shigongtu.supervision import selectors as supervision
from shigongtu.supervision.models import SupervisionItem
from shigongtu.supervision.rules import lights as item_lights

ITEM_FIELDS = ("code", "title", "deadline", "leader", "lead_unit__path", "lead_unit__name")


def _items(src: Sources, light: str) -> list[dict[str, Any]]:
    """The plan's items lit ``light`` at as-of, by the supervision list's own rule (``light_q``)."""
    days = supervision.yellow_days(src.plan)
    qs = SupervisionItem.objects.filter(supervision.light_q(light, src.as_of, days), plan=src.plan)
    return list(qs.values(*ITEM_FIELDS).order_by("code"))


def _item_event(src: Sources, kind: str, row: dict[str, Any], period: str, zh: str, en: str, **extra: Any) -> Event:
    unit = src.plan.unit
    return Event(kind, "supervision", row["code"], period, f"{row['code']} {row['title']}：{zh}",
                 f"{row['code']} {row['title']}: {en}", unit_path=row["lead_unit__path"] or unit.path,
                 unit_name=row["lead_unit__name"] or unit.name, leader=row["leader"],
                 page=("supervision_web:detail", row["code"]), **extra)


def supervision_due(src: Sources, rule: Any) -> list[Event]:
    """Items lit yellow: the deadline is at most the plan's 临期 days away (default 3)."""
    out = []
    for row in _items(src, item_lights.YELLOW):
        due = row["deadline"]
        left = (due - src.as_of).days if due else 0
        out.append(_item_event(src, K.SUPERVISION_DUE, row, f"near:{due}",
                               f"距整改时限（{format_date_zh(due)}）还有{left}天" if due else "临近办理时限",
                               f"{left} days to its deadline ({due})" if due else "near its deadline"))
    return out


def supervision_overdue(src: Sources, rule: Any) -> list[Event]:
    """Items lit red (past their deadline): to the lead unit; ``escalate_after`` days on, also up to
    the responsible leader (责任领导) as an escalated notice."""
    out = []
    for row in _items(src, item_lights.RED):
        due = row["deadline"]
        late = days_overdue(due, src.as_of)
        zh = f"已超过整改时限{late}天" if due and late else "已逾期（未按期反馈）"
        en = f"{late} days past its deadline" if due and late else "overdue (feedback missed)"
        out.append(_item_event(src, K.SUPERVISION_OVERDUE, row, f"over:{due}", zh, en))
        if escalates(due, src.as_of, rule.escalate_after):
            out.append(_item_event(src, K.SUPERVISION_OVERDUE, row, f"over:{due}",
                                   f"{zh}，提请责任领导督办", f"{en}; escalated to the responsible leader",
                                   escalated=True))
    return out


def lead_sla(src: Sources, rule: Any) -> list[Event]:
    """Leads whose SLA timer (答复/研判/反馈/进展, 签约未开工) has run out, or will within ``rule.days``
    days: the lead's warnings at as-of + days, by the attraction rules the board shows."""
    day = src.as_of + dt.timedelta(days=rule.days)
    units = {pk: (path, name) for pk, path, name in
             Lead.objects.filter(plan=src.plan).values_list("pk", "lead_unit__path", "lead_unit__name")}
    unit = src.plan.unit
    out = []
    for lead in leads_at(src.plan, day):
        path, name = units.get(lead.pk, (None, None))
        for w in lead.warnings:
            out.append(Event(K.LEAD_SLA, "lead", lead.code, f"{w.kind}:{w.due}",
                             f"{lead.code} {lead.name}：{w.message}", f"{lead.code} {lead.name}: {w.message_en}",
                             unit_path=path or unit.path, unit_name=name or unit.name,
                             page=("attraction_web:detail", lead.code)))
    return out
