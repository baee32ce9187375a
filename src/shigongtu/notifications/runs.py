"""A notification run (提醒运行): evaluate, raise the new notices, then send what is due.

Idempotent: a notice's key names rule, object, recipient and period, so a second run raises
nothing twice and sends nothing twice. Runs of one plan take the plan's row lock, so two at
once do not race. Webhook calls happen here (the ``notify`` command or its background task),
never in a page request.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from shigongtu.audit.services import record_many
from shigongtu.notifications.channels import CHANNELS, Recipient
from shigongtu.notifications.dispatch import dispatch
from shigongtu.notifications.evaluate import Addressed, evaluate_each, summary
from shigongtu.notifications.models import Contact, Delivery, Notice
from shigongtu.notifications.rules import kinds as K
from shigongtu.notifications.sources import link
from shigongtu.plans.models import Plan

CHUNK = 900  # keys per IN (…) query: under SQLite's variable limit


def recipients_of(user_ids: set[int], unit_names: dict[int, str]) -> dict[int, Recipient]:
    """Where each person is reached: name, e-mail, mobile (one query each for people and contacts)."""
    mobiles = dict(Contact.objects.filter(user_id__in=user_ids).values_list("user_id", "mobile"))
    out = {}
    for pk, username, first, last, email in get_user_model().objects.filter(pk__in=user_ids).values_list(
            "pk", "username", "first_name", "last_name", "email"):
        out[pk] = Recipient(pk, f"{last}{first}" or username, email or "", mobiles.get(pk, ""), unit_names.get(pk, ""))
    return out


def _existing(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(keys), CHUNK):
        found.update(Notice.objects.filter(dedupe_key__in=keys[i:i + CHUNK]).values_list("dedupe_key", flat=True))
    return found


def _new_notices(plan: Plan, as_of: dt.date, found: list[Addressed]) -> list[tuple[Notice, list[str]]]:
    candidates: dict[str, tuple[Notice, list[str]]] = {}
    for a in found:
        e = a.event
        for user_id in a.users:
            key = e.key(a.rule.pk, user_id)
            candidates[key] = (Notice(plan=plan, rule=a.rule, kind=e.kind, recipient_id=user_id,
                                      object_type=e.object_type, object_id=e.object_id, unit_name=e.unit_name,
                                      title=e.title[:300], title_en=e.title_en[:300], body=e.body, body_en=e.body_en,
                                      link=link(e, plan.code), escalated=e.escalated, topic=e.topic[:200],
                                      dedupe_key=key[:255],
                                      as_of=as_of), list(a.rule.channels or ()))
    seen = _existing(list(candidates))
    return [v for k, v in candidates.items() if k not in seen]


@transaction.atomic
def raise_notices(plan: Plan, as_of: dt.date, found: list[Addressed]) -> list[Notice]:
    """Create the notices not raised before and one delivery per channel (the inbox always, sent at
    once); a channel with nowhere to send (no e-mail, no robot for the unit) is logged as skipped."""
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    fresh = _new_notices(plan, as_of, found)
    if not fresh:
        return []
    notices = Notice.objects.bulk_create([n for n, _ in fresh], batch_size=500)
    people = recipients_of({n.recipient_id for n in notices}, {n.recipient_id: n.unit_name for n in notices})
    now = timezone.now()
    deliveries = []
    channels_of: dict[int, list[str]] = defaultdict(list)
    for notice, (_, channels) in zip(notices, fresh, strict=True):
        for name in [K.INBOX, *[c for c in channels if c != K.INBOX and c in CHANNELS]]:
            channels_of[notice.pk].append(name)
            person = people.get(notice.recipient_id)
            channel = CHANNELS[name]
            target = channel.target(Recipient(person.user_id, person.name, person.email, person.mobile,
                                              notice.unit_name)) if person else None
            if name == K.INBOX:
                deliveries.append(Delivery(notice=notice, channel=name, target=target or "", status=K.SENT,
                                           sent_at=now, attempts=1))
            else:
                deliveries.append(Delivery(notice=notice, channel=name, target=target or "",
                                           status=K.PENDING if target else K.SKIPPED,
                                           next_attempt_at=now if target else None,
                                           error="" if target else "无发送地址（no address）"))
    Delivery.objects.bulk_create(deliveries, batch_size=500)
    record_many(({"action": "notify", "object_type": "notice", "object_id": n.pk, "label": n.title,
                  "plan_code": plan.code,
                  "changes": {"recipient": [None, n.recipient_id], "kind": [None, n.kind],
                              "object": [None, f"{n.object_type}:{n.object_id}"],
                              "channels": [None, channels_of[n.pk]],
                              "status": [None, K.SENT]}} for n in notices), "system:notify")
    return notices


def run(plan: Plan, as_of: dt.date, *, send: bool = True) -> dict[str, Any]:
    """Evaluate the plan's rules at ``as_of``, raise the new notices, and send what is due."""
    events = notices = 0
    by_kind: dict[str, dict[str, int]] = {}
    for batch in evaluate_each(plan, as_of):  # rule by rule: a province's events never all in memory
        events += len(batch)
        notices += len(raise_notices(plan, as_of, batch))
        summary(batch, by_kind)
    sent = dispatch(plan=plan) if send else {}
    return {"plan": plan.code, "as_of": as_of.isoformat(), "events": events, "notices": notices,
            "by_kind": by_kind, "deliveries": sent}
