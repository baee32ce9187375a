"""Writes to a project's special bond (专项债): its record, its moves along the pipeline and its money.

Quota batches (额度下达), disbursements to the project unit (拨付) and expenditures on the
works (支出) are recorded as they happen; each moves the bond forward in its pipeline and
is checked against the one before it (no more paid than passed down, no more spent than
paid). Spending progress (支付进度) = Σ expenditures / Σ quotas
(:func:`shigongtu.projects.rules.bonds.figures_from`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.lib.amounts import parse_amount
from shigongtu.lib.errors import Conflict, FieldError, InputRejected, in_english
from shigongtu.lib.periods import parse_date
from shigongtu.orgs.access import MANAGE
from shigongtu.plans.services import actor_name, bump_revision
from shigongtu.projects.models import (
    BondDisbursement,
    BondExpenditure,
    BondProject,
    BondQuota,
    BondStateChange,
    Project,
)
from shigongtu.projects.rules.bonds import (
    BOND_DECLARED,
    BOND_DECLARED_STATES,
    BOND_QUOTA,
    BOND_SPENT,
    BOND_STATES,
    DISBURSE_FROM,
    QUOTA_FROM,
    SPEND_FROM,
    BondFigures,
    bond_state_after,
    bond_transition_problem,
    figures_from,
)
from shigongtu.projects.services.access import lock, open_plan, require_project

BOND_FIELDS = ("state", "requested_amount", "capital_use", "coverage_ratio", "declared_on", "has_plan_doc",
               "has_finance_report", "has_legal_opinion", "notes")
MOVEMENTS: dict[str, tuple[type[BondQuota] | type[BondDisbursement] | type[BondExpenditure], str, frozenset[str]]] = {
    "quota": (BondQuota, "额度下达", QUOTA_FROM),
    "disbursement": (BondDisbursement, "资金拨付", DISBURSE_FROM),
    "expenditure": (BondExpenditure, "资金支出", SPEND_FROM),
}


def _label(bond: BondProject) -> str:
    return f"{bond.project.code} {bond.project.name} · 专项债"


def _lock(bond: BondProject, user: Any, expected_version: int | None = None) -> BondProject:
    fresh = BondProject.objects.select_for_update().select_related("project", "project__plan").get(pk=bond.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise Conflict("专项债项目", fresh.version)
    require_project(user, fresh.project, MANAGE)
    open_plan(fresh.project.plan)
    return fresh


def _enter(bond: BondProject, state: str, on: dt.date, note: str, user: Any) -> None:
    old = bond.state
    bond.state = state
    if state == BOND_DECLARED and bond.declared_on is None:
        bond.declared_on = on
    BondStateChange.objects.create(bond=bond, from_state=old, to_state=state, effective=on, note=note,
                                   by=user if getattr(user, "pk", None) else None)


@transaction.atomic
def save_bond(project: Project, data: Mapping[str, Any], user: Any = None, expected_version: int | None = None,
              *, today: dt.date | None = None) -> BondProject:
    """Open (or update) a project's special-bond record: requested amount, capital use, revenue
    coverage, the 一案两书 documents. A new record starts at 谋划, or at ``state`` when given
    (a project already further down the pipeline when the record is opened)."""
    today = today or timezone.localdate()
    project = lock(project)
    require_project(user, project, MANAGE)
    open_plan(project.plan)
    bond = BondProject.objects.select_for_update().filter(project=project).first()
    if bond is not None and expected_version is not None and bond.version != expected_version:
        raise Conflict("专项债项目", bond.version)
    clean = _clean_bond(data, bond, today)
    state = data.get("state")
    created = bond is None
    old = None if created else {f: getattr(bond, f) for f in BOND_FIELDS}
    bond = bond or BondProject(project=project)
    for key, value in clean.items():
        setattr(bond, key, value)
    if not created:
        bond.version += 1
    bond.save()
    if created:
        BondStateChange.objects.create(bond=bond, to_state=bond.state, effective=today,
                                       by=user if getattr(user, "pk", None) else None)
        if state and state != bond.state:
            _enter(bond, state, today, "建档", user)
            if state in BOND_DECLARED_STATES:
                bond.declared_on = bond.declared_on or today
            bond.save()
    changes = audit.diff(old, {f: getattr(bond, f) for f in BOND_FIELDS})
    if changes:
        audit.record("create" if created else "update", "bond", bond.pk, changes, actor_name(user), _label(bond),
                     project.plan.code)
        bump_revision(project.plan, projects=[project.pk])
    return bond


def _clean_bond(data: Mapping[str, Any], bond: BondProject | None, today: dt.date) -> dict[str, Any]:
    """A special-bond record's clean values; every problem is named at once (InputRejected)."""
    problems: list[FieldError] = []
    clean: dict[str, Any] = {}
    _bond_figures(data, today, clean, problems)
    for key in ("capital_use", "has_plan_doc", "has_finance_report", "has_legal_opinion"):
        if key in data:
            clean[key] = bool(data[key])
    if "notes" in data:
        clean["notes"] = str(data["notes"] or "").strip()
    state = data.get("state")
    if state not in (None, "") and bond is None:
        if state not in BOND_STATES:
            problems.append(FieldError(f"未知的专项债状态（可用：{'、'.join(BOND_STATES)}）", field="state",
                                    value=state))
    elif state not in (None, "") and bond is not None and state != bond.state:
        problems.append(FieldError("状态请通过状态变更提交", field="state", value=state))
    if problems:
        raise InputRejected(problems)
    return clean


def _bond_figures(data: Mapping[str, Any], today: dt.date, clean: dict[str, Any], problems: list[FieldError]) -> None:
    """Requested amount (万元), revenue coverage (倍) and the declaration date, not after today."""
    for key in ("requested_amount", "coverage_ratio"):
        if key in data and data[key] not in (None, ""):
            try:
                clean[key] = parse_amount(data[key], "万元") if key == "requested_amount" else parse_amount(
                    data[key], "倍")
            except ValueError as exc:
                problems.append(FieldError(str(exc), field=key, value=str(data[key])))
    if data.get("declared_on") not in (None, ""):
        try:
            clean["declared_on"] = parse_date(data["declared_on"])
            if clean["declared_on"] > today:
                problems.append(FieldError("申报日期在今天之后", field="declared_on", value=str(data["declared_on"])))
        except ValueError as exc:
            problems.append(FieldError(str(exc), field="declared_on", value=str(data["declared_on"])))


@transaction.atomic
def move_bond(bond: BondProject, state: str, user: Any = None, on: dt.date | None = None, note: str = "",
              expected_version: int | None = None) -> BondProject:
    """Move a bond project along its pipeline (申报, 审核, 退回, 发行, 支出完毕, 存续期, 到期)."""
    today = timezone.localdate()
    bond = _lock(bond, user, expected_version)
    on = on or today
    problems = []
    why = bond_transition_problem(bond.state, state)
    if why or state == bond.state:
        problems.append(FieldError(why or f"已处于「{state}」", field="state", value=state))
    if on > today:
        problems.append(FieldError(f"生效日期{on}在今天之后", field="on", value=str(on)))
    if state == BOND_QUOTA and not bond.quotas.exists():
        problems.append(FieldError("额度下达请登记额度批次", field="state", value=state))
    if state == BOND_SPENT:
        f = figures(bond, today)
        if f.quota <= 0 or f.spent < f.quota:
            problems.append(FieldError("累计支出尚未达到已下达额度", field="state", value=state))
    if problems:
        raise InputRejected(problems)
    old = bond.state
    _enter(bond, state, on, note.strip(), user)
    bond.version += 1
    bond.save()
    audit.record("state", "bond", bond.pk, {"state": [old, state]}, actor_name(user), _label(bond),
                 bond.project.plan.code)
    bump_revision(bond.project.plan, projects=[bond.project_id])
    return bond


def _check_movement(bond: BondProject, kind: str, data: Mapping[str, Any], today: dt.date,
                    replacing: Any = None) -> tuple[Decimal, dt.date, dict[str, Any]]:
    """Read and check one money movement (the new one, or the corrected ``replacing``): amount > 0
    万元, date not in the future, no more disbursed than passed down and no more spent than disbursed."""
    _model, what, allowed = MOVEMENTS[kind]
    problems: list[FieldError] = []
    amount = date = None
    try:
        amount = parse_amount(data.get("amount"), "万元")
        if amount <= 0:
            problems.append(FieldError("金额应大于0", field="amount", value=str(data.get("amount")),
                                       message_en="The amount must be greater than 0"))
    except ValueError as exc:
        problems.append(FieldError(str(exc), field="amount", value=str(data.get("amount")), message_en=in_english(exc)))
    try:
        date = parse_date(data.get("date") or today)
        if date > today:
            problems.append(FieldError(f"日期{date}在今天之后", field="date", value=str(date),
                                       message_en=f"The date {date} is after today"))
    except ValueError as exc:
        problems.append(FieldError(str(exc), field="date", value=str(data.get("date")), message_en=in_english(exc)))
    if replacing is None and bond.state not in allowed:
        problems.append(FieldError(f"专项债项目处于「{bond.state}」，还不能登记{what}", field="state",
                                   value=bond.state))
    if kind == "quota" and not str(data.get("batch") or "").strip():
        problems.append(FieldError("缺少额度批次（如 提前批、第一批）", field="batch", value=data.get("batch"),
                                   message_en="Give the quota batch (e.g. 提前批, 第一批)"))
    if kind == "disbursement" and data.get("kind") not in (None, "", *BondDisbursement.KINDS):
        problems.append(FieldError(f"拨付类型应为{'、'.join(BondDisbursement.KINDS)}之一", field="kind",
                                   value=data.get("kind")))
    if amount is not None and amount > 0:
        problems += _ceiling(bond, kind, amount, replacing, data)
    if problems:
        raise InputRejected(problems)
    assert amount is not None and date is not None
    if kind == "quota":
        extra = {"batch": str(data["batch"]).strip()[:30], "doc_no": str(data.get("doc_no") or "").strip()[:100]}
    elif kind == "disbursement":
        extra = {"kind": data.get("kind") or "拨付", "reference": str(data.get("reference") or "").strip()[:60]}
    else:
        extra = {"payee": str(data.get("payee") or "").strip()[:200],
                 "contract_ref": str(data.get("contract_ref") or "").strip()[:100]}
    return amount, date, extra


def _ceiling(bond: BondProject, kind: str, amount: Decimal, replacing: Any,
             data: Mapping[str, Any]) -> list[FieldError]:
    """Disbursed within the quota, spent within the disbursed, counting a corrected row at its new amount;
    lowering a quota or a disbursement below what already depends on it is refused too."""
    f = figures(bond, dt.date.max)
    before = replacing.amount if replacing is not None else Decimal(0)
    quota, disbursed, spent = f.quota, f.disbursed, f.spent
    if kind == "quota":
        quota += amount - before
    elif kind == "disbursement":
        disbursed += amount - before
    else:
        spent += amount - before
    raw = str(data.get("amount"))
    if disbursed > quota:
        return [FieldError(f"累计拨付{disbursed}万元将超过已下达额度{quota}万元", field="amount", value=raw,
                           message_en=f"{disbursed} (10k yuan) disbursed would exceed the quota of {quota}")]
    if spent > disbursed:
        return [FieldError(f"累计支出{spent}万元将超过已拨付资金{disbursed}万元", field="amount", value=raw,
                           message_en=f"{spent} (10k yuan) spent would exceed the {disbursed} disbursed")]
    return []


@transaction.atomic
def add_movement(bond: BondProject, kind: str, data: Mapping[str, Any], user: Any = None,
                 *, today: dt.date | None = None, expected_version: int | None = None
                 ) -> BondQuota | BondDisbursement | BondExpenditure:
    """Record a quota batch (``quota``), a disbursement (``disbursement``) or an expenditure
    (``expenditure``). Amounts > 0 万元, dates not in the future; no more disbursed than passed
    down and no more spent than disbursed. Moves the bond forward when it is the first of its kind.
    A disbursement whose voucher number (凭证号) is already recorded corrects that one instead."""
    today = today or timezone.localdate()
    model, what, _allowed = MOVEMENTS[kind]
    bond = _lock(bond, user, expected_version)
    reference = str(data.get("reference") or "").strip()
    if kind == "disbursement" and reference:
        existing = BondDisbursement.objects.filter(bond=bond, reference=reference).first()
        if existing is not None:
            return _update(bond, existing, kind, data, user, today)
    amount, date, extra = _check_movement(bond, kind, data, today)
    row = model.objects.create(bond=bond, date=date, amount=amount, **extra)
    state = bond_state_after(bond.state, kind)
    if state != bond.state:
        _enter(bond, state, date, what, user)
    bond.version += 1
    bond.save()
    changes = {"amount": [None, str(amount)], "date": [None, date.isoformat()],
               **{k: [None, v] for k, v in extra.items() if v}}
    audit.record(kind, "bond", bond.pk, changes, actor_name(user), _label(bond), bond.project.plan.code)
    bump_revision(bond.project.plan, projects=[bond.project_id])
    return row


def kind_of(row: Any) -> str:
    return next(k for k, (model, _w, _a) in MOVEMENTS.items() if isinstance(row, model))


@transaction.atomic
def update_movement(row: BondQuota | BondDisbursement | BondExpenditure, data: Mapping[str, Any], user: Any = None,
                    expected_version: int | None = None, *, today: dt.date | None = None
                    ) -> BondQuota | BondDisbursement | BondExpenditure:
    """Correct a recorded quota batch, disbursement or expenditure (更正), checked like a new one;
    ``expected_version`` is the bond project's version the editor read (someone else's change first → Conflict)."""
    bond = _lock(row.bond, user, expected_version)
    kind = kind_of(row)
    fresh = type(row).objects.select_for_update().get(pk=row.pk, bond=bond)
    return _update(bond, fresh, kind, data, user, today or timezone.localdate())


def _update(bond: BondProject, row: Any, kind: str, data: Mapping[str, Any], user: Any, today: dt.date) -> Any:
    amount, date, extra = _check_movement(bond, kind, {**_as_data(row), **data}, today, replacing=row)
    reference = extra.get("reference")
    if reference and BondDisbursement.objects.filter(bond=bond, reference=reference).exclude(pk=row.pk).exists():
        raise InputRejected(FieldError(f"凭证号{reference}已登记在另一笔拨付上", field="reference", value=reference,
                                       message_en=f"The voucher number {reference} is on another disbursement"))
    old = _as_data(row)
    row.amount, row.date = amount, date
    for key, value in extra.items():
        setattr(row, key, value)
    changes = audit.diff(old, _as_data(row))
    if not changes:
        return row
    row.save()
    bond.version += 1
    bond.save()
    audit.record(f"{kind}_update", "bond", bond.pk, changes, actor_name(user), _label(bond), bond.project.plan.code)
    bump_revision(bond.project.plan, projects=[bond.project_id])
    return row


def _as_data(row: Any) -> dict[str, Any]:
    keys = {"quota": ("batch", "doc_no"), "disbursement": ("kind", "reference"),
            "expenditure": ("payee", "contract_ref")}[kind_of(row)]
    return {"amount": row.amount, "date": row.date, **{k: getattr(row, k) for k in keys}}


def figures(bond: BondProject, as_of: dt.date) -> BondFigures:
    """The bond's money at ``as_of`` (three queries)."""
    rows = [list(model.objects.filter(bond=bond).values_list("date", "amount")) for model, _, _ in MOVEMENTS.values()]
    return figures_from(rows[0], rows[1], rows[2], as_of)


def plan_totals(plan: Any) -> dict[str, Decimal]:
    """Quota, disbursed and spent over all the plan's bond projects (万元)."""
    out = {}
    for kind, (model, _, _) in MOVEMENTS.items():
        out[kind] = model.objects.filter(bond__project__plan=plan).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return out
