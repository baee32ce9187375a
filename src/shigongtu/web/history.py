"""The change history as people read it (变更历史): field names in the interface language, values
formatted (dates, 万元, 是/否, stage and status names, units by name), people by name — never ids,
status codes or Python literals. Every history page shows entries through :func:`history_rows`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from shigongtu.audit.models import AuditEntry
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.models import Indicator, Report
from shigongtu.projects.fields import PROJECT_FIELDS, label_en
from shigongtu.projects.models import InvestmentReport
from shigongtu.projects.rules import stages

# field → (Chinese, English); project fields come from the field table
LABELS: dict[str, tuple[str, str]] = {
    **{f.name: (f.header, label_en(f)) for f in PROJECT_FIELDS},
    "lead_unit_id": ("责任单位", "lead unit"), "responsible_unit_id": ("责任单位", "responsible unit"),
    "amount": ("本月完成投资", "investment this month"),
    "stats_amount": ("统计口径完成投资", "investment (statistics)"),
    "funds_arrived": ("本月到位资金", "funds arrived this month"), "progress_text": ("形象进度", "physical progress"),
    "progress_pct": ("形象进度（%）", "physical progress (%)"), "next_steps": ("下步计划", "next steps"),
    "status": ("状态", "status"), "return_reason": ("退回原因", "reason for return"), "kind": ("类型", "kind"),
    "required": ("必需", "required"), "doc_no": ("文号", "document no."), "issued_on": ("批复日期", "issued on"),
    "valid_until": ("有效期至", "valid until"), "title": ("问题", "problem"), "deadline": ("时限", "deadline"),
    "resolution": ("解决情况", "resolution"), "flags": ("提示", "flags"), "approvals": ("前期手续", "approvals"),
    "needs_coordination": ("需协调", "needs coordination"), "period": ("填报月份", "period"),
    "reference": ("凭证号", "reference no."), "on": ("日期", "date"), "note": ("备注", "note"),
    "state": ("状态", "state"), "quota": ("额度", "quota"), "obtained": ("已取得", "obtained"),
    "batch": ("批次", "batch"), "payee": ("收款单位", "payee"), "contract_ref": ("合同编号", "contract no."),
}
# the blueprint's own words where they differ from the project library's (a node's 状态 is a report's)
PLAN_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "node": {
        "title": ("任务名称", "task"), "code": ("编号", "code"), "lead_unit_id": ("牵头单位", "lead unit"),
        "leader": ("责任领导", "leader"), "start": ("开始时间", "start"), "due": ("完成时限", "due"),
        "weight": ("权重", "weight"), "cancelled": ("已取消", "cancelled"), "notes": ("备注", "notes"),
        "progress_source": ("进度来源", "progress source"),
    },
    "report": {
        "progress": ("进度（%）", "progress (%)"), "narrative": ("本月进展", "progress this month"),
        "problems": ("存在问题", "problems"), "next_steps": ("下步计划", "next steps"),
    },
    "indicator": {
        "name": ("指标名称", "indicator"), "unit": ("单位", "unit"), "kind": ("指标类型", "kind"),
        "target": ("目标值", "target"), "curve": ("分月计划", "plan curve"), "baseline": ("基数", "baseline"),
        "due": ("指标完成时限", "indicator due"), "cumulative": ("累计值", "cumulative"),
        "source": ("数据来源", "data source"), "headline": ("重点指标", "headline indicator"),
    },
}
INDICATOR_PREFIX = "指标:"  # a report's period value of an indicator: 指标:<name>
ACTIONS: dict[str, tuple[str, str]] = {
    "create": ("新建", "created"), "update": ("修改", "changed"), "import": ("导入", "imported"),
    "submit": ("填报", "reported"), "draft": ("草稿", "draft saved"), "approve": ("审核通过", "approved"),
    "return": ("退回", "returned"), "stage": ("阶段变更", "stage changed"),
    "checklist": ("建立手续清单", "checklist set up"),
    "delete": ("删除", "deleted"), "state": ("状态变更", "state changed"), "quota": ("额度下达", "quota granted"),
    "disbursement": ("资金拨付", "funds disbursed"), "expenditure": ("资金支出", "funds spent"),
    "settings": ("修改设置", "settings changed"), "grant": ("授予角色", "role granted"),
    "revoke": ("撤销角色", "role revoked"), "password": ("重置密码", "password reset"),
    "quota_update": ("更正额度", "quota corrected"), "disbursement_update": ("更正拨付", "disbursement corrected"),
    "expenditure_update": ("更正支出", "expenditure corrected"),
    "move": ("调整编号", "renumbered"), "status": ("状态变更", "status changed"),
}
STAGES_EN = {
    stages.PLANNING: "Planning", stages.PREPARATION: "Preparation", stages.READY: "Ready to start",
    stages.CONSTRUCTION: "Under construction", stages.COMPLETED: "Completed", stages.OPERATING: "In operation",
    stages.SUSPENDED: "Suspended", stages.REMOVED: "Removed", stages.TERMINATED: "Terminated",
}
AMOUNTS = frozenset({"total_investment", "annual_plan", "amount", "stats_amount", "funds_arrived", "quota"})
UNIT_IDS = frozenset({"lead_unit_id", "responsible_unit_id", "unit_id"})
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
STATUS_LABELS = dict(InvestmentReport.Status.choices)


def english() -> bool:
    return (get_language() or "").startswith("en")


def field_label(key: str, object_type: str = "") -> str:
    if key.startswith(INDICATOR_PREFIX):
        name = key[len(INDICATOR_PREFIX):]
        return f"Indicator: {name}" if english() else f"指标：{name}"
    words = PLAN_LABELS.get(object_type, {}).get(key) or LABELS.get(key) or (key, key.replace("_", " "))
    zh, en = words
    return en[:1].upper() + en[1:] if english() else zh


def action_label(action: str) -> str:
    zh, en = ACTIONS.get(action, (action, action))
    return en if english() else zh


def _date(text: str) -> str:
    day = dt.date.fromisoformat(text[:10])
    return day.strftime("%-d %b %Y") if english() else f"{day.year}年{day.month}月{day.day}日"


def _amount(value: Any) -> str:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{number:,.2f}".rstrip("0").rstrip(".") + " " + _("万元")


def _plan_value(object_type: str, key: str, value: Any) -> str | None:
    """A blueprint value with a name of its own (a report's status, an indicator's kind, a curve)."""
    if object_type == "report" and key == "status" and value in Report.Status.values:
        return str(Report.Status(value).label)
    if object_type == "indicator" and key == "kind" and value in Indicator.Kind.values:
        return str(Indicator.Kind(value).label)
    if object_type == "indicator" and key == "curve" and isinstance(value, list):
        try:
            return ", ".join(f"{Decimal(str(v)) * 100:.4g}%" for v in value)
        except InvalidOperation:
            return None
    if object_type == "report" and key == "progress" and value not in (None, ""):
        return f"{Decimal(str(value)):.4g}%"
    return None


def format_value(key: str, value: Any, units: dict[int, str], object_type: str = "") -> str:
    """One recorded value as the page shows it."""
    if object_type and value not in (None, "", []):
        special = _plan_value(object_type, key, value)
        if special is not None:
            return special
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return ("，" if not english() else ", ").join(format_value(key, v, units) for v in value)
    if key in UNIT_IDS:
        return units.get(int(value), "—") if str(value).isdigit() else str(value)
    if key in AMOUNTS:
        return _amount(value)
    if key == "stage" and english():
        return STAGES_EN.get(str(value), str(value))
    if key == "status" and value in STATUS_LABELS:
        return str(STATUS_LABELS[value])
    if isinstance(value, str) and ISO_DATE.match(value[:10]) and (len(value) == 10 or "T" in value):
        return _date(value)
    return str(value)


def _names(entries: list[AuditEntry]) -> tuple[dict[str, str], dict[int, str]]:
    """People by name and units by name for every entry at once (two queries)."""
    usernames = {e.actor for e in entries}
    people = {u: (f or u) for u, f in get_user_model().objects.filter(username__in=usernames)
              .values_list("username", "first_name")}
    unit_ids = {int(v) for e in entries for k, pair in e.changes.items() if k in UNIT_IDS
                for v in pair if v is not None and str(v).isdigit()}
    units = dict(OrgUnit.objects.filter(pk__in=unit_ids).values_list("pk", "name")) if unit_ids else {}
    return people, units


def history_rows(entries: Iterable[AuditEntry], limit: int = 8) -> list[dict[str, Any]]:
    """Audit entries for a page: who (by name), what, each change as (field, old, new) formatted;
    empty-to-empty changes left out."""
    entries = list(entries)
    people, units = _names(entries)
    rows = []
    for e in entries:
        kind = e.object_type
        changes = [(field_label(k, kind), format_value(k, old, units, kind), format_value(k, new, units, kind))
                   for k, (old, new) in e.changes.items()
                   if old not in (None, "", []) or new not in (None, "", [], False)]
        actor = people.get(e.actor, _("系统") if e.actor == "system" else e.actor)
        rows.append({"at": e.at, "actor": actor, "action": action_label(e.action), "label": e.object_label,
                     "changes": changes[:limit]})
    return rows
