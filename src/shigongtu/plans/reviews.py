"""The coordinator's month: reviewing many submitted reports at once (批量审核).

A batch is all or nothing: if one report is out of the user's reach, no longer submitted, or
changed since the queue was read (stale version), the whole batch is refused naming that report,
and nothing is approved or returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from shigongtu.lib.errors import Conflict, FieldError, InputRejected
from shigongtu.orgs.access import MANAGE
from shigongtu.plans.models import Plan, Report
from shigongtu.plans.services import review_report

BATCH_MAX = 500


def _name(report: Report) -> str:
    return f"{report.node.code} {report.period}"


def _refuse(report_label: str, message: str, message_en: str, value: Any) -> InputRejected:
    return InputRejected(FieldError(f"{report_label}：{message}（整批未处理）", field="reports", value=value,
                                    message_en=f"{report_label}: {message_en} (nothing in the batch was done)"))


@transaction.atomic
def review_many(plan: Plan, items: Iterable[tuple[int, int | None]], approve: bool, user: Any = None,
                reason: str = "") -> list[Report]:
    """Approve, or return with one reason, the reports ``items`` names as (report id, version read).

    Every report must belong to ``plan``, be within the reports ``user`` may review, still be
    submitted and still carry the version the queue showed.
    """
    wanted = dict(items)
    if not wanted:
        raise InputRejected(FieldError("请先勾选要审核的月报", field="reports",
                                       message_en="Tick the reports to review"))
    if len(wanted) > BATCH_MAX:
        raise InputRejected(FieldError(f"一次最多审核 {BATCH_MAX} 份月报", field="reports", value=len(wanted),
                                       message_en=f"At most {BATCH_MAX} reports at once"))
    if not approve and not reason.strip():
        raise InputRejected(FieldError("退回时请填写原因", field="reason", value=reason,
                                       message_en="Give the reason for returning the reports"))
    reports = {r.pk: r for r in Report.objects.select_related("node", "node__plan").filter(pk__in=wanted)}
    reviewable = set(Report.objects.for_user(user, MANAGE).filter(pk__in=wanted).values_list("pk", flat=True)) \
        if user is not None else set(reports)
    done = []
    for pk, version in wanted.items():
        report = reports.get(pk)
        if report is None or report.node.plan_id != plan.pk or pk not in reviewable:
            label = _name(report) if report is not None and report.node.plan_id == plan.pk else f"#{pk}"
            raise _refuse(f"月报 {label}", "不在您的审核范围内", "not among the reports you may review", pk)
        if report.status != Report.Status.SUBMITTED:
            raise _refuse(f"月报 {_name(report)}", "已不是待审核状态", "is no longer waiting for review", pk)
        try:
            done.append(review_report(report, approve, user=user, reason=reason, expected_version=version))
        except Conflict as exc:
            stale = Conflict(f"{_name(report)} 月报（整批未处理）", exc.current_version)
            stale.report_label = _name(report)  # type: ignore[attr-defined]
            raise stale from exc
    return done
