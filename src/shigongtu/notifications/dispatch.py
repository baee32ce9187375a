"""Sending what is due (发送): outside channels, batched, capped, quiet at night, retried with back-off.

Deliveries due now are grouped by channel and target: several notices to one person (or one
group robot) go as one digest message (每日汇总); a group robot says each topic once however many
of its members a notice reached. Quiet hours hold everything until they end; beyond the daily cap
a notice stays in the inbox only. A failure is logged with its reason and retried after
1, 4, 16 … minutes, up to ``NOTIFY_MAX_ATTEMPTS``. Each outcome is entered in the history (留痕).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter, defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shigongtu.audit.services import record_many
from shigongtu.notifications.channels import CHANNELS, ChannelError, Message
from shigongtu.notifications.models import Delivery
from shigongtu.notifications.rules import delivery as rules
from shigongtu.notifications.rules import kinds as K

LEASE = dt.timedelta(minutes=10)  # how long a run holds the deliveries it is sending


def message_for(items: list[Delivery]) -> Message:
    """One notice as a message, or several as a digest; links made absolute with ``NOTIFY_SITE_URL``."""
    site = getattr(settings, "NOTIFY_SITE_URL", "").rstrip("/")
    if len(items) == 1:
        n = items[0].notice
        link = f"{site}{n.link}" if site and n.link else ""
        text = "\n".join(x for x in (n.title, n.body, link) if x)
        md = f"**{K.LABELS.get(n.kind, n.kind)}**\n> {n.title}" + (f"\n> {n.body}" if n.body else "") + (
            f"\n[查看]({link})" if link else "")
        return Message(n.title, text, md)
    heading = f"施工图提醒：今日 {len(items)} 条"
    titles = [i.notice.title for i in items]
    md = f"**{heading}**\n" + "\n".join(f"{i}. {t}" for i, t in enumerate(titles, 1))
    return Message(heading, rules.digest_text(titles, heading), md)


def _sent_today(channel: str, target: str, now: dt.datetime) -> int:
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return Delivery.objects.filter(channel=channel, target=target, status=K.SENT, sent_at__gte=start).count()


def _one_per_topic(channel: str, items: list[Delivery]) -> tuple[list[Delivery], list[Delivery]]:
    """(the deliveries that carry a message, their duplicates): a group robot says a topic once."""
    if channel not in K.GROUP_CHANNELS:
        return items, []
    first: dict[str, Delivery] = {}
    dupes = []
    for d in items:
        if d.notice.topic in first:
            dupes.append(d)
        else:
            first[d.notice.topic] = d
    return list(first.values()), dupes


def _send_batch(channel: str, target: str, items: list[Delivery], now: dt.datetime, counts: Counter[str]) -> None:
    carriers, dupes = _one_per_topic(channel, items)
    allowed = rules.within_cap(_sent_today(channel, target, now), len(carriers), settings.NOTIFY_DAILY_CAP)
    going, capped = carriers[:allowed], carriers[allowed:]
    for d in capped:
        d.status, d.error = K.CAPPED, f"超出每日上限 {settings.NOTIFY_DAILY_CAP} 条（daily cap）"
    error = ""
    if going:
        try:
            CHANNELS[channel].send(target, message_for(going))
        except ChannelError as exc:
            error = str(exc)[:500]
    for d in going + dupes:
        d.attempts += 1
        if not error:
            d.status, d.sent_at, d.error, d.digest = K.SENT, now, "", len(going) > 1
        elif d.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            d.status, d.error = K.FAILED, error
        else:
            d.status, d.error, d.next_attempt_at = K.RETRY, error, now + rules.backoff(d.attempts)
    for d in items:
        counts[d.status] += 1
    _save(items)


@transaction.atomic
def _save(items: list[Delivery]) -> None:
    Delivery.objects.bulk_update(items, ["status", "attempts", "sent_at", "error", "digest", "next_attempt_at"])
    record_many(({"action": "send", "object_type": "notice_delivery", "object_id": d.pk, "label": d.notice.title,
                  "plan_code": d.notice.plan.code,
                  "changes": {"notice": [None, d.notice_id], "channel": [None, d.channel], "target": [None, d.target],
                              "status": [None, d.status], "attempts": [None, d.attempts],
                              **({"error": [None, d.error]} if d.error else {})}} for d in items), "system:notify")


def dispatch(plan: Any = None, now: dt.datetime | None = None) -> dict[str, int]:
    """Send every outside delivery due at ``now`` (of ``plan``, or of every plan); counts by outcome."""
    now = now or timezone.now()
    qs = Delivery.objects.filter(status__in=(K.PENDING, K.RETRY), next_attempt_at__lte=now).exclude(channel=K.INBOX)
    if plan is not None:
        qs = qs.filter(notice__plan=plan)
    until = rules.quiet_until(timezone.localtime(now), rules.parse_quiet_hours(settings.NOTIFY_QUIET_HOURS))
    if until is not None:
        held = qs.update(next_attempt_at=until)
        return {"held": held} if held else {}
    # Claim what is due with one UPDATE (a lease that a crashed run lets lapse): two runs at once
    # never send the same delivery twice.
    lease = now + LEASE + dt.timedelta(microseconds=secrets.randbelow(10**6))
    if not qs.update(next_attempt_at=lease):
        return {}
    due = list(Delivery.objects.filter(next_attempt_at=lease, status__in=(K.PENDING, K.RETRY))
               .select_related("notice", "notice__plan").order_by("id"))
    counts: Counter[str] = Counter()
    batches: dict[tuple[str, str], list[Delivery]] = defaultdict(list)
    for d in due:
        batches[(d.channel, d.target)].append(d)
    for (channel, target), items in batches.items():
        _send_batch(channel, target, items, now, counts)
    return dict(counts)
