"""Reads of notifications every face shares: the inbox, the unread count, the send log, the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone, translation

from shigongtu.lib.periods import format_datetime
from shigongtu.notifications.models import Delivery, Notice, NotificationRule
from shigongtu.notifications.rules import kinds as K
from shigongtu.plans.models import Plan

PAGE_SIZE = 50


def inbox(user: Any) -> QuerySet[Notice]:
    """The person's own notices, newest first."""
    return Notice.objects.filter(recipient_id=user.pk).select_related("plan").order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    """The bell's number: the person's unread notices (one indexed count)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notice.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def send_log(plan: Plan, status: str = "", channel: str = "") -> QuerySet[Delivery]:
    """Every delivery of the plan's notices (发送记录), newest first, optionally by status and channel."""
    qs = Delivery.objects.filter(notice__plan=plan).select_related("notice", "notice__recipient", "notice__rule")
    if status in K.STATUS_LABELS:
        qs = qs.filter(status=status)
    if channel in K.CHANNELS:
        qs = qs.filter(channel=channel)
    return qs.order_by("-id")


def rules(plan: Plan) -> QuerySet[NotificationRule]:
    return NotificationRule.objects.filter(plan=plan).select_related("unit").order_by("id")


def when(moment: dt.datetime | None) -> str:
    """A notice's time as every face shows it, in local time and the active language (2023年6月10日
    09:30 / 10 Jun 2023 09:30); empty when there is none (not sent yet, unread)."""
    if moment is None:
        return ""
    return format_datetime(timezone.localtime(moment), (translation.get_language() or "").startswith("en"))


def delivery_dict(d: Delivery) -> dict[str, Any]:
    """A send-log row as the API and the command print it."""
    n = d.notice
    return {"id": d.pk, "notice": n.pk, "rule": n.rule_id, "kind": n.kind, "object_type": n.object_type,
            "object": n.object_id, "title": n.title, "recipient": n.recipient.get_username(), "channel": d.channel,
            "target": d.target, "status": d.status, "attempts": d.attempts,
            "created_at": n.created_at.isoformat(), "created_at_text": when(n.created_at),
            "sent_at": d.sent_at.isoformat() if d.sent_at else None, "sent_at_text": when(d.sent_at), "error": d.error,
            "read_at": n.read_at.isoformat() if n.read_at else None, "escalated": n.escalated}


def notice_dict(n: Notice) -> dict[str, Any]:
    return {"id": n.pk, "plan": n.plan.code, "kind": n.kind, "title": n.title, "title_en": n.title_en,
            "body": n.body, "link": n.link, "escalated": n.escalated, "as_of": n.as_of.isoformat(),
            "created_at": n.created_at.isoformat(), "created_at_text": when(n.created_at),
            "read_at": n.read_at.isoformat() if n.read_at else None}


def rule_dict(r: NotificationRule) -> dict[str, Any]:
    return {"id": r.pk, "kind": r.kind, "label": K.LABELS[r.kind], "days": r.days,
            "escalate_after": r.escalate_after, "roles": list(r.roles), "unit": r.unit.name if r.unit else None,
            "channels": list(r.channels), "enabled": r.enabled, "version": r.version}
