"""The supervision part of the demo: 净月's central-inspection feedback items and complaint cases,
two quarters of 卫片 findings across the seed's four site types, leaders' instructions and meeting
decisions of the 2023 施工图 — all ILLUSTRATIVE (see ``supervision_data``), with a realistic mix of
states at 2023-06-30, an approved extension, an escalation, and the 督察整改 / 卫星遥感核查 tasks'
indicators judged from the items (销号率) instead of a typed %.

A step of :data:`shigongtu.demo.build.STEPS`: items go in through the ledger functions (as an
import would), their lifecycle through the services, with explicit dates.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model

from shigongtu.demo import supervision_data as D
from shigongtu.lib.errors import InputRejected
from shigongtu.plans.models import Node, Plan
from shigongtu.plans.services import save_indicator, save_node
from shigongtu.supervision import bulk, services
from shigongtu.supervision.fields import Lookups
from shigongtu.supervision.models import SupervisionItem

HEADERS = ("编号", "事项名称", "来源", "批次", "牵头单位", "责任领导", "交办日期", "整改时限", "状态", "销号日期", "整改措施")


def _rows(rng: random.Random) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [dict(zip(HEADERS, spec, strict=True)) for spec in D.ITEMS]
    for quarter, (assigned, deadline) in enumerate((("2023-04-12", "2023-05-31"), ("2023-06-10", "2023-07-31")), 1):
        for n in range(D.FINDINGS_PER_QUARTER):
            kind = D.FINDING_TYPES[n % len(D.FINDING_TYPES)]
            closed = quarter == 1 and n < 6
            row: dict[str, Any] = {"编号": f"WP-2023Q{quarter}-{n + 1:02d}", "事项名称": f"{kind}疑似扬尘源（示例图斑）",
                   "来源": "遥感图斑", "批次": f"2023年第{quarter}季度卫片", "牵头单位": D.FINDING_LEADS[kind],
                   "交办日期": assigned, "整改时限": deadline, "图斑类型": kind,
                   "经度": round(D.CENTRE[0] + rng.uniform(-0.05, 0.05), 6),
                   "纬度": round(D.CENTRE[1] + rng.uniform(-0.04, 0.04), 6),
                   "图斑面积": round(rng.uniform(800, 12000)), "状态": "已销号" if closed else "办理中"}
            if closed or quarter == 1:
                row.update({"核查单位": "生态环境分局", "核查时间": "2023-04-20", "核查人": "张晓（示例）"})
            if closed:
                row["销号日期"] = "2023-05-2" + str(n % 8 + 1)
            rows.append(row)
    return rows


def build_supervision(context: dict[str, Any]) -> None:
    """The demo's supervision items on JY-2023; see the module docstring."""
    plan: Plan = context["plan"]
    coordinator = context["coordinator"]
    reporter = get_user_model().objects.filter(username="jy_xmzx").first()
    checked = bulk.validate_rows(plan, _rows(random.Random("jy-2023-supervision")), existing={}, seen=set(),
                                 look=Lookups(plan))
    problems = [p for _, ps in checked for p in ps]
    if problems:
        raise InputRejected(problems)
    bulk.apply_rows(plan, [clean for clean, _ in checked], coordinator, today=dt.date(2023, 6, 30))
    _lifecycle(plan, coordinator, reporter)
    _indicators(plan, coordinator)


def _item(plan: Plan, code: str) -> SupervisionItem:
    return SupervisionItem.objects.get(plan=plan, code=code)


def _lifecycle(plan: Plan, coordinator: Any, reporter: Any) -> None:
    """Timelines for a few items, by the people who would do each step."""
    item = _item(plan, "HY-2023-02")  # signed, reported, extended
    item = services.acknowledge(item, reporter, on="2023-05-13")
    item = services.report_progress(item, "用地预审已通过，正在办理农转用（示例）", reporter, on="2023-06-02",
                                    evidence="用地预审意见.pdf")
    event = services.request_extension(item, "2023-07-31", "农转用需报省政府批准（示例）", reporter, on="2023-06-20")
    services.decide_extension(event, True, coordinator, on="2023-06-21", note="同意延期（示例）")
    item = _item(plan, "DC-2023-03")  # overdue since 5月底: reminded, then a supervision letter
    services.escalate(item, "逾期未办结，电话提醒（示例）", coordinator, on="2023-06-02")
    services.escalate(_item(plan, "DC-2023-03"), "印发督办函（示例）", coordinator, on="2023-06-12")
    item = _item(plan, "DC-2023-04")  # done, in the 销号 review
    services.review(item, True, coordinator, on="2023-04-10", note="自查合格（示例）")
    services.review(_item(plan, "DC-2023-04"), True, coordinator, on="2023-04-20", person="区级验收组（示例）",
                    evidence="验收意见.pdf")
    item = _item(plan, "DC-2023-02")
    services.report_progress(item, "已完成3处排口截污，剩余2处6月底前完成（示例）", None, on="2023-06-15",
                             evidence="现场照片.zip")


# The blueprint's tasks judged from the items (销号率, %), not from a typed progress.
INDICATORS = (
    ("6.1", "卫片图斑销号率", {"source": "遥感图斑"}),
    ("6.2", "督察反馈问题销号率", {"campaign": D.INSPECTION}),
)


def _indicators(plan: Plan, user: Any) -> None:
    for code, name, options in INDICATORS:
        node = Node.objects.filter(plan=plan, code=code).first()
        if node is None:
            continue
        save_indicator(node, {"name": name, "unit": "%", "kind": "stock", "target": 100,
                              "source": "supervision.closure_rate", "source_options": options}, user)
        # The task's progress is its indicator's completion (进度来源: 指标), not a typed %.
        save_node(plan, code, {"progress_source": Node.ProgressSource.INDICATOR}, user)
