"""The notifications part of the demo: a few rules on JY-2023 and the notices they raise at
2023-06-30 in the demo accounts' inboxes — ILLUSTRATIVE. Nothing is sent outside during the build:
the pending outside deliveries go at the first ``shigongtu notify`` once robots are configured.

A step of :data:`shigongtu.demo.build.STEPS`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from shigongtu.demo.plan import DEMO_AS_OF
from shigongtu.notifications import runs, services
from shigongtu.notifications.evaluate import evaluate
from shigongtu.notifications.rules import kinds as K
from shigongtu.orgs.services import grant_role
from shigongtu.plans.models import Plan

# (kind, days, escalate after, roles, channels)
RULES: tuple[tuple[str, int, int | None, list[str], list[str]], ...] = (
    (K.REPORT_DUE, 5, None, ["reporter"], [K.INBOX, K.EMAIL]),
    (K.REPORT_OVERDUE, 0, None, ["reporter", "coordinator"], [K.INBOX, K.SMS]),
    (K.REPORT_RETURNED, 0, None, ["reporter"], [K.INBOX, K.WECOM]),
    (K.NODE_RED, 0, None, ["reporter", "coordinator"], [K.INBOX, K.WECOM]),
    (K.PROJECT_RED, 0, None, ["coordinator"], [K.INBOX]),
    (K.SUPERVISION_DUE, 0, None, ["reporter", "coordinator"], [K.INBOX, K.DINGTALK]),
    (K.SUPERVISION_OVERDUE, 0, 7, ["reporter", "coordinator"], [K.INBOX, K.DINGTALK]),
    (K.APPROVAL_EXPIRING, 0, None, ["coordinator"], [K.INBOX, K.EMAIL]),
    (K.BOND_IDLE, 0, None, ["coordinator"], [K.INBOX]),
    (K.LEAD_SLA, 2, None, ["coordinator"], [K.INBOX]),
)


def build_notifications(context: dict[str, Any]) -> None:
    """Rules on JY-2023, the 督办 leader's account (郑海, for escalations) and the notices at 2023-06-30:
    the June report the plan step returned reaches 项目服务中心's clerk (jy_xmzx)."""
    plan: Plan = context["plan"]
    coordinator = context["coordinator"]
    password = context["accounts"][0]["password"]
    leader = get_user_model().objects.create_user(username="jy_zhenghai", password=password, first_name="郑海")
    grant_role(leader, context["jy"], "viewer")  # recorded in the history, as every grant is
    context["accounts"].append({"username": "jy_zhenghai", "password": password, "role": "viewer",
                                "unit": context["jy"].name, "label": "郑海 督办责任领导（示例）"})
    for kind, days, escalate, roles, channels in RULES:
        services.save_rule(plan, {"kind": kind, "days": days, "escalate_after": escalate, "roles": roles,
                                  "channels": channels}, coordinator)
    runs.raise_notices(plan, DEMO_AS_OF, evaluate(plan, DEMO_AS_OF))
