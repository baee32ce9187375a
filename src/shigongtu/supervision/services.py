"""Writes to supervision items: register, assign, acknowledge, report, extend, finish, review, close.

Every function runs in one transaction: validate → re-check the user's scope on the locked row →
write → record old → new in the hash-chained history (every state change and progress entry) →
bump the plan's revision. One verb per function; a stale ``expected_version`` raises Conflict.
The lead unit (its reporters) acknowledges, reports, asks for extensions and applies for
办结; the coordinator (manage right) registers items, decides extensions, reviews and 销号.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.lib.errors import Conflict, FieldError, InputRejected, NotAllowed
from shigongtu.lib.periods import parse_date
from shigongtu.orgs.access import MANAGE, REPORT, Scope, locked
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.models import Plan
from shigongtu.plans.services import actor_name, bump_revision, ensure_unit
from shigongtu.supervision.fields import AUDITED, assigned_values, clean_item
from shigongtu.supervision.models import ItemEvent, SupervisionItem, SupervisionSettings
from shigongtu.supervision.rules import lifecycle as lc
from shigongtu.supervision.rules.deadlines import default_deadline
from shigongtu.supervision.rules.lights import feedback_due, first_open_node

OBJECT = "supervision_item"
ESCALATION_LADDER = ("提醒", "督办函", "约谈")
Kind = ItemEvent.Kind


# -- bookkeeping ------------------------------------------------------------------------------

def snapshot(item: SupervisionItem) -> dict[str, Any]:
    """The audited fields of an item, as the history records them."""
    return {name: getattr(item, name) for name in AUDITED}


def derive(item: SupervisionItem) -> None:
    """Keep the light's stored facts: the first open time node and when feedback falls due."""
    item.node_due = first_open_node(list(item.time_nodes or []))
    started = item.status in (lc.ACKNOWLEDGED, lc.IN_PROGRESS)
    item.feedback_due = feedback_due(item.report_cycle, item.last_feedback_on) if started else None


def _open_plan(plan: Plan, user: Any) -> Plan:
    """The plan (with its unit) locked, the user's manage right re-checked in the same query."""
    plan = locked(Plan, user, MANAGE, plan.pk, ("unit",))
    if plan.is_closed:
        raise InputRejected(f"施工图 {plan.code} 已关闭，不能修改", field="plan", value=plan.code)
    return plan


def _lock(item: SupervisionItem, expected_version: int | None) -> SupervisionItem:
    fresh = SupervisionItem.objects.select_for_update(of=("self",)).select_related("plan", "lead_unit").get(pk=item.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise Conflict(f"督办事项 {fresh.code} ", fresh.version)
    if fresh.plan.is_closed:
        raise InputRejected(f"施工图 {fresh.plan.code} 已关闭，不能修改", field="plan", value=fresh.plan.code)
    return fresh


def _require(user: Any, item: SupervisionItem, action: str) -> None:
    """Scope on the locked row: NotAllowed (403) without the right; a reporter of another unit is
    told that only the lead unit may do this (an error naming the lead unit, 422)."""
    if user is None or SupervisionItem.objects.for_user(user, action).filter(pk=item.pk).exists():
        return
    if action == REPORT and any(g.role == "reporter" for g in Scope.of(user).grants):
        lead = item.lead_unit.name if item.lead_unit else "（未指定）"
        raise InputRejected(FieldError(f"只有牵头单位（{lead}）可以签收、反馈和申请办结、延期",
                                       field="lead_unit", value=lead,
                                       message_en=f"only the lead unit ({lead}) may acknowledge and report"))
    raise NotAllowed(f"no {action} right on item {item.code}")


def _date(raw: Any, name: str, default: dt.date) -> dt.date:
    if raw in (None, ""):
        return default
    if isinstance(raw, dt.date):
        return raw
    try:
        return parse_date(raw)
    except ValueError as exc:
        raise InputRejected(FieldError(str(exc), field=name, value=str(raw))) from None


def _state(item: SupervisionItem, new: str, field: str = "status") -> None:
    if not lc.can_move(item.status, new):
        raise InputRejected(FieldError(f"事项当前状态为{item.status}，不能变为{new}", field=field, value=item.status,
                                       message_en=f"the item is {lc.STATES_EN.get(item.status)}; it cannot become "
                                                  f"{lc.STATES_EN.get(new)}"))
    item.status = new


def _commit(item: SupervisionItem, old: Mapping[str, Any] | None, user: Any, event: ItemEvent | None,
            action: str = "update") -> SupervisionItem:
    """Save the item (version bumped on updates), its event, the history entry and the revision."""
    derive(item)
    changes = audit.diff(old, snapshot(item))
    if old is not None:
        item.version += 1
    item.save()
    if event is not None:
        event.item = item
        event.by = user if getattr(user, "pk", None) else None
        event.save()
        changes["event"] = [None, {"kind": event.kind, "on": event.on.isoformat(), "text": event.text,
                                   "evidence": event.evidence, "step": event.step, "decision": event.decision}]
    audit.record("create" if old is None else action, OBJECT, item.pk, changes, actor_name(user), str(item),
                 item.plan.code)
    bump_revision(item.plan, aspect="supervision")
    return item


def _event(kind: str, on: dt.date, user: Any, **extra: Any) -> ItemEvent:
    person = extra.pop("person", "") or actor_name(user)
    return ItemEvent(kind=kind, on=on, person=person[:100], **extra)


# -- registering -------------------------------------------------------------------------------

@transaction.atomic
def save_item(plan: Plan, data: Mapping[str, Any], user: Any = None, item: SupervisionItem | None = None,
              expected_version: int | None = None, *, today: dt.date | None = None) -> SupervisionItem:
    """Register an item on the plan (立项登记, ``item`` None) or correct one (coordinator).

    ``data`` holds fields by API name (see :data:`shigongtu.supervision.fields.ITEM_FIELDS`);
    raw strings are read like ledger cells. A new item without a deadline that is not long-term
    gets the plan's default (公文 30 days, 会议纪要 20, 领导批示 15, 急件 5: ``doc_kind``).
    InputRejected names every field at fault; nothing is written.
    """
    today = today or timezone.localdate()
    plan = _open_plan(plan, user)
    if item is not None:
        item = _lock(item, expected_version)
        if item.plan_id != plan.pk:
            raise InputRejected("事项不属于该施工图", field="plan", value=plan.code)
    clean, problems = clean_item(plan, data, item)
    renamed = "code" in clean and (item is None or clean["code"] != item.code)
    if renamed and SupervisionItem.objects.filter(plan=plan, code=clean["code"]).exists():
        problems.append(FieldError(f"编号 {clean['code']} 已存在", field="code", column="编号", value=clean["code"],
                                   message_en=f"the code {clean['code']} exists already"))
    if problems:
        raise InputRejected(problems)
    old = None if item is None else snapshot(item)
    item = item or SupervisionItem(plan=plan)
    for name, value in assigned_values(clean).items():
        if name == "lead_unit" and isinstance(value, str):
            value = ensure_unit(value, plan.unit)
        setattr(item, name, value)
    if old is None:
        _defaults(item, plan, str(data.get("doc_kind") or ""), today)
    event = _event(Kind.ASSIGNED, item.assigned_on or today, user, text=item.title[:200]) if old is None else None
    return _commit(item, old, user, event)


def _defaults(item: SupervisionItem, plan: Plan, doc_kind: str, today: dt.date) -> None:
    if item.assigned_on is None and item.status != lc.DRAFT:
        item.assigned_on = today
    if item.deadline is None and not item.long_term and item.assigned_on is not None:
        days = SupervisionSettings.for_plan(plan).default_days
        item.deadline = default_deadline(item.assigned_on, item.source, doc_kind, days)
    if item.original_deadline is None:
        item.original_deadline = item.deadline


@transaction.atomic
def assign(item: SupervisionItem, user: Any = None, *, on: Any = None, expected_version: int | None = None
           ) -> SupervisionItem:
    """Send a drafted item (拟办) to its lead unit (交办)."""
    item = _lock(item, expected_version)
    _require(user, item, MANAGE)
    old = snapshot(item)
    _state(item, lc.ASSIGNED)
    day = _date(on, "on", timezone.localdate())
    item.assigned_on = item.assigned_on or day
    return _commit(item, old, user, _event(Kind.ASSIGNED, day, user))


@transaction.atomic
def acknowledge(item: SupervisionItem, user: Any = None, *, on: Any = None, person: str = "",
                expected_version: int | None = None) -> SupervisionItem:
    """The lead unit signs for the item (签收); feedback is expected from then on."""
    item = _lock(item, expected_version)
    _require(user, item, REPORT)
    old = snapshot(item)
    _state(item, lc.ACKNOWLEDGED)
    day = _date(on, "on", timezone.localdate())
    item.last_feedback_on = day
    return _commit(item, old, user, _event(Kind.ACKNOWLEDGED, day, user, person=person))


@transaction.atomic
def report_progress(item: SupervisionItem, text: str, user: Any = None, *, on: Any = None, evidence: str = "",
                    nodes_done: list[str] | None = None, expected_version: int | None = None) -> SupervisionItem:
    """The lead unit reports progress (进展反馈), with evidence; time nodes may be marked done."""
    item = _lock(item, expected_version)
    _require(user, item, REPORT)
    if not str(text or "").strip():
        raise InputRejected(FieldError("请填写整改进展", field="text", message_en="describe the progress"))
    if item.status not in (lc.ACKNOWLEDGED, lc.IN_PROGRESS):
        raise InputRejected(FieldError(f"事项状态为{item.status}，须先签收才能反馈进展", field="status",
                                       value=item.status, message_en="acknowledge the item before reporting"))
    old = snapshot(item)
    day = _date(on, "on", timezone.localdate())
    item.status = lc.IN_PROGRESS
    item.progress = str(text).strip()
    item.last_feedback_on = day
    if nodes_done:
        item.time_nodes = [{**n, "done_on": n.get("done_on") or day.isoformat()} if n.get("name") in nodes_done
                           else n for n in item.time_nodes]
    return _commit(item, old, user, _event(Kind.PROGRESS, day, user, text=item.progress, evidence=evidence[:500]))


@transaction.atomic
def request_extension(item: SupervisionItem, new_deadline: Any, reason: str, user: Any = None, *, on: Any = None,
                      expected_version: int | None = None) -> ItemEvent:
    """The lead unit asks for more time (延期申请): before the deadline, with a reason and a later date."""
    item = _lock(item, expected_version)
    _require(user, item, REPORT)
    day = _date(on, "on", timezone.localdate())
    new = _date(new_deadline, "new_deadline", day)
    problems = []
    if item.deadline is None:
        problems.append(FieldError("长期坚持的事项没有时限，无需延期", field="new_deadline",
                                   message_en="a long-term item has no deadline to extend"))
    elif day > item.deadline:
        problems.append(FieldError(f"已超过整改时限{item.deadline}，不能再申请延期", field="on", value=day.isoformat(),
                                   message_en=f"the deadline {item.deadline} has passed: too late to ask"))
    elif new <= item.deadline:
        problems.append(FieldError(f"新时限{new}须晚于现时限{item.deadline}", field="new_deadline",
                                   value=new.isoformat(), message_en=f"the new deadline {new} must be after "
                                                                     f"{item.deadline}"))
    if not str(reason or "").strip():
        problems.append(FieldError("请说明延期理由", field="reason", message_en="give the reason"))
    if lc.is_done(item.status):
        problems.append(FieldError("事项已办结，无需延期", field="status", value=item.status))
    if problems:
        raise InputRejected(problems)
    event = _event(Kind.EXTENSION_ASKED, day, user, text=str(reason).strip(), new_deadline=new, decision="pending")
    _commit(item, snapshot(item), user, event, action="extension_asked")
    return event


@transaction.atomic
def decide_extension(event: ItemEvent, approve: bool, user: Any = None, *, on: Any = None, note: str = ""
                     ) -> SupervisionItem:
    """The coordinator approves or refuses an extension; the original deadline is kept and shown."""
    item = _lock(event.item, None)
    _require(user, item, MANAGE)
    event = ItemEvent.objects.select_for_update().get(pk=event.pk)
    if event.kind != Kind.EXTENSION_ASKED or event.decision != "pending":
        raise InputRejected(FieldError("该延期申请已处理", field="event", value=event.pk))
    old = snapshot(item)
    event.decision = "approved" if approve else "rejected"
    event.save(update_fields=["decision"])
    if approve:
        item.original_deadline = item.original_deadline or item.deadline
        item.deadline = event.new_deadline
    day = _date(on, "on", timezone.localdate())
    decided = _event(Kind.EXTENSION_DECIDED, day, user, text=note, new_deadline=event.new_deadline,
                     decision=event.decision)
    return _commit(item, old, user, decided)


@transaction.atomic
def apply_done(item: SupervisionItem, text: str, evidence: str, user: Any = None, *, on: Any = None,
               expected_version: int | None = None) -> SupervisionItem:
    """The lead unit reports the item done (申请办结) with evidence; the 销号 review starts."""
    item = _lock(item, expected_version)
    _require(user, item, REPORT)
    if not str(evidence or "").strip():
        raise InputRejected(FieldError("申请办结须附佐证材料", field="evidence",
                                       message_en="attach the evidence when reporting the item done"))
    old = snapshot(item)
    _state(item, lc.DONE)
    day = _date(on, "on", timezone.localdate())
    item.review_step = 0
    item.last_feedback_on = day
    if text:
        item.progress = str(text).strip()
    return _commit(item, old, user, _event(Kind.DONE, day, user, text=str(text or ""), evidence=evidence[:500]))


@transaction.atomic
def review(item: SupervisionItem, approve: bool, user: Any = None, *, on: Any = None, person: str = "",
           evidence: str = "", note: str = "", expected_version: int | None = None) -> SupervisionItem:
    """One 销号 review step (自查 → 区级验收 → 主要领导审签 → 销号报备, per the plan's settings):
    passed, the next step comes, and after the last the item is 已销号 on that day; refused, the
    item goes back to its lead unit (退回重办)."""
    item = _lock(item, expected_version)
    _require(user, item, MANAGE)
    if item.status != lc.DONE:
        raise InputRejected(FieldError(f"事项状态为{item.status}，尚未申请办结", field="status", value=item.status,
                                       message_en="the item has not been reported done"))
    day = _date(on, "on", timezone.localdate())
    if item.assigned_on and day < item.assigned_on:
        raise InputRejected(FieldError(f"销号日期{day}早于交办日期{item.assigned_on}", field="on",
                                       value=day.isoformat(), message_en="the date is before the assigned date"))
    steps = SupervisionSettings.for_plan(item.plan).steps
    step = steps[min(item.review_step, len(steps) - 1)]
    old = snapshot(item)
    if not approve:
        item.status, item.review_step = lc.IN_PROGRESS, 0
        item.last_feedback_on = day
        return _commit(item, old, user, _event(Kind.RETURNED, day, user, step=step, text=note, person=person,
                                               evidence=evidence[:500], decision="rejected"))
    item.review_step += 1
    if item.review_step >= len(steps):
        _close_checks(item)
        item.status, item.closed_on = lc.CLOSED, day
        event = _event(Kind.CLOSED, day, user, step=step, text=note, person=person, evidence=evidence[:500],
                       decision="approved")
    else:
        event = _event(Kind.REVIEW, day, user, step=step, text=note, person=person, evidence=evidence[:500],
                       decision="approved")
    return _commit(item, old, user, event)


def _close_checks(item: SupervisionItem) -> None:
    if item.source == lc.REMOTE_SENSING and not (item.verified_by and item.verified_on and item.verifier
                                                 and item.verification_photo):
        raise InputRejected(FieldError("遥感图斑须有实地核查记录（核查单位、时间、人员和照片）才能销号",
                                       field="verification", message_en="a remote-sensing finding needs its "
                                       "verification record (unit, date, person, photo) before it is closed"))


@transaction.atomic
def verify(item: SupervisionItem, verified_by: str, verified_on: Any, verifier: str, photo: str = "",
           user: Any = None, *, expected_version: int | None = None) -> SupervisionItem:
    """Record the on-site verification of a finding (实地核查: unit, date, person, photo)."""
    item = _lock(item, expected_version)
    _require(user, item, REPORT)
    day = _date(verified_on, "verified_on", timezone.localdate())
    problems = [FieldError(f"请填写{label}", field=name) for name, label, value in
                (("verified_by", "核查单位", verified_by), ("verifier", "核查人", verifier)) if not str(value).strip()]
    if problems:
        raise InputRejected(problems)
    old = snapshot(item)
    item.verified_by, item.verified_on, item.verifier = verified_by.strip(), day, verifier.strip()
    item.verification_photo = photo.strip() or item.verification_photo
    return _commit(item, old, user, _event(Kind.VERIFIED, day, user, person=verifier, evidence=photo[:500],
                                           text=verified_by))


@transaction.atomic
def mark_no_action(item: SupervisionItem, reason: str, evidence: str, user: Any = None, *, on: Any = None,
                   expected_version: int | None = None) -> SupervisionItem:
    """The coordinator approves that a finding needs nothing (无需整改 / 误判) after 实地核查."""
    item = _lock(item, expected_version)
    _require(user, item, MANAGE)
    problems = []
    if not str(reason or "").strip():
        problems.append(FieldError("请说明无需整改的理由", field="reason"))
    if not str(evidence or "").strip():
        problems.append(FieldError("须附核查佐证材料", field="evidence"))
    if item.source == lc.REMOTE_SENSING and not item.verified_on:
        problems.append(FieldError("遥感图斑须先实地核查", field="verification"))
    if problems:
        raise InputRejected(problems)
    old = snapshot(item)
    _state(item, lc.NO_ACTION)
    day = _date(on, "on", timezone.localdate())
    return _commit(item, old, user, _event(Kind.NO_ACTION, day, user, text=reason, evidence=evidence[:500],
                                           decision="approved"))


@transaction.atomic
def escalate(item: SupervisionItem, note: str = "", user: Any = None, *, on: Any = None,
             expected_version: int | None = None) -> SupervisionItem:
    """Move the item one rung up the ladder 提醒 → 督办函 → 约谈, recorded on its timeline."""
    item = _lock(item, expected_version)
    _require(user, item, MANAGE)
    if lc.is_done(item.status):
        raise InputRejected(FieldError("事项已办结，无需督办升级", field="status", value=item.status))
    rung = ESCALATION_LADDER.index(item.escalation) + 1 if item.escalation in ESCALATION_LADDER else 0
    if rung >= len(ESCALATION_LADDER):
        raise InputRejected(FieldError("已约谈，督办已到最高一级", field="escalation", value=item.escalation))
    old = snapshot(item)
    item.escalation = ESCALATION_LADDER[rung]
    day = _date(on, "on", timezone.localdate())
    return _commit(item, old, user, _event(Kind.ESCALATED, day, user, step=item.escalation, text=note))


def unit_of(value: OrgUnit | str | None, plan: Plan) -> OrgUnit | None:
    """A lead unit given as a unit or as a name to create (``--create-units``)."""
    if isinstance(value, str):
        return ensure_unit(value, plan.unit)
    return value
