"""Build the demo database: 长春市 with 净月高新区's 2023 master blueprint and its neighbours.

Facts come from ``demo_data`` (the newspaper page); monthly reports are ILLUSTRATIVE and
generated deterministically so every demo shows the same realistic mix of lights.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from shigongtu.demo import plan_data as D
from shigongtu.lib.periods import parse_date
from shigongtu.orgs.models import OrgUnit
from shigongtu.orgs.services import grant_role
from shigongtu.plans import services
from shigongtu.plans.models import Indicator, Node, Plan, Report
from shigongtu.plans.rules.lights import expected_progress

DEMO_PLAN = "JY-2023"
DEMO_AS_OF = dt.date(2023, 6, 30)  # the demo's plans are shown as of the end of June 2023
REPORT_MONTHS = range(1, 7)  # Jan–Jun 2023
ILLUSTRATIVE = "（示例数据）"


def _unit(name: str, parent: OrgUnit | None, kind: str) -> OrgUnit:
    return services.ensure_unit(name, parent, kind)


def _build_plan(code: str, name: str, unit: OrgUnit, nodes: list[tuple[Any, ...]],
                indicators: list[tuple[Any, ...]], units: dict[str, OrgUnit],
                extras: dict[str, dict[str, Any]] | None = None) -> Plan:
    plan = services.create_plan(code, name, 2023, unit=unit)
    for ncode, title, lead, leader, start, due, weight in nodes:
        data: dict[str, Any] = {"title": title, "leader": leader, "weight": Decimal(str(weight)),
                                "lead_unit": units.get(lead) if lead else None}
        if start:
            data["start"] = parse_date(start)
        if due:
            data["due"] = parse_date(due, as_end=True)
        services.save_node(plan, ncode, data)
    for ncode, iname, unit_name, kind, target, curve, headline in indicators:
        node = Node.objects.get(plan=plan, code=ncode)
        services.save_indicator(node, {"name": iname, "unit": unit_name, "kind": kind,
                                       "target": Decimal(str(target)), "curve": curve, "headline": headline,
                                       **(extras or {}).get(iname, {})})
    return plan


def _set_up_master_plan(plan: Plan) -> None:
    """The master plan's settings: the date it is shown at (the demo's 2023-06-30), the office
    that issues its 调度通报, which leaves take their progress from an indicator or from their
    projects, and the statistics bureau's 固定资产投资 (统计口径, 1–N月累计)."""
    Plan.objects.filter(pk=plan.pk).update(
        default_as_of=DEMO_AS_OF, issuing_office="净月高新区重点工作推进办公室",
        copy_to="长春市发展和改革委员会、长春市统计局（示例）")
    plan.refresh_from_db()
    services.save_node(plan, "1.3", {"progress_source": Node.ProgressSource.INDICATOR})  # 固定资产投资
    services.save_node(plan, "1.4", {"progress_source": Node.ProgressSource.PROJECTS})  # its 影视文旅 projects
    fai = Indicator.objects.get(plan=plan, name="固定资产投资")
    for period, value, yoy in D.JY_FAI_STATISTICS:
        services.save_statistic(fai, period, Decimal(str(value)), Decimal(str(yoy)))


PROFILES = ("on_track", "on_track", "on_track", "on_track", "ahead", "slight_lag", "slight_lag", "lag",
            "done", "late_may")

NARRATIVES = {
    "on_track": "按计划推进，本月完成阶段性工作。",
    "ahead": "进展顺利，提前完成本月节点目标。",
    "slight_lag": "受前期手续办理进度影响，略滞后于计划。",
    "lag": "进度滞后，正在协调推进。",
    "done": "已全部完成。",
    "late_may": "按计划推进。",
}
PROBLEMS = {
    "slight_lag": "前期手续办理周期较长。",
    "lag": "要素保障不足，需包保领导协调解决。",
}


def _progress_for(profile: str, expected: float, month: int, rng: random.Random) -> float:
    if profile == "done":
        return min(100.0, expected + 35 + month * 5)
    offset = {"on_track": rng.uniform(-6, 4), "ahead": rng.uniform(4, 12), "slight_lag": rng.uniform(-16, -11),
              "lag": rng.uniform(-32, -24), "late_may": rng.uniform(-5, 3)}[profile]
    return max(0.0, min(99.0, expected + offset))


def _file_reports(plan: Plan, reviewer: Any, values: dict[str, list[float]] | None = None) -> None:
    """ILLUSTRATIVE Jan–Jun reports for every leaf, plus indicator values on their nodes."""
    nodes = list(Node.objects.filter(plan=plan).order_by("sort_key"))
    parents = {n.parent_id for n in nodes if n.parent_id}
    by_id = {n.pk: n for n in nodes}
    indicator_names: dict[int, list[str]] = {}
    for ind in plan.indicators.all():
        indicator_names.setdefault(ind.node_id, []).append(ind.name)

    def dates(n: Node) -> tuple[dt.date, dt.date]:
        start, due, cur = n.start, n.due, n
        while (start is None or due is None) and cur.parent_id:
            cur = by_id[cur.parent_id]
            start = start or cur.start
            due = due or cur.due
        return start or plan.start_date, due or plan.end_date

    for n in nodes:
        if n.pk in parents or n.cancelled:
            continue
        rng = random.Random(f"{plan.code}:{n.code}")
        profile = rng.choice(PROFILES)
        start, due = dates(n)
        progress = 0.0
        for month in REPORT_MONTHS:
            end = dt.date(2023, month, 28) if month == 2 else dt.date(2023, month, 30 if month in (4, 6) else 31)
            if end < start:
                continue
            if profile == "late_may" and month >= 5:
                break  # this lead unit has not reported since April: a missing report
            expected = expected_progress(start, due, end)
            progress = max(progress, _progress_for(profile, expected, month, rng))
            data: dict[str, Any] = {
                "progress": Decimal(str(round(progress, 1))),
                "narrative": NARRATIVES[profile] + ILLUSTRATIVE,
                "problems": PROBLEMS.get(profile, ""),
                "next_steps": "倒排工期，按节点推进。" if profile in ("lag", "slight_lag") else "",
            }
            if values and n.pk in indicator_names:
                data["values"] = {name: values[name][month - 1] for name in indicator_names[n.pk] if name in values}
            report = services.file_report(n, f"2023-{month:02d}", data)
            if month <= 4:
                services.review_report(report, True, user=reviewer)
            if progress >= 100:
                break
    # A report returned for correction, so the review flow shows in the demo.
    for r in Report.objects.filter(node__plan=plan, period="2023-06", status=Report.Status.SUBMITTED)[:1]:
        services.review_report(r, False, user=reviewer, reason="请补充本月形象进度和佐证材料。" + ILLUSTRATIVE)


def _backdate_submissions(plan: Plan) -> None:
    """ILLUSTRATIVE submission times: most units report by the 5th of the next month, a few late.

    Reports are filed now when the demo is built; the 报送情况 of bulletins and rankings read
    these times, so they are set to what a real year would have looked like.
    """
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    for report in Report.objects.filter(node__plan=plan).select_related("node").order_by("id"):
        rng = random.Random(f"{plan.code}:{report.node.code}:{report.period}")
        year, month = int(report.period[:4]), int(report.period[5:7])
        first = dt.date(year + month // 12, month % 12 + 1, 1)
        day = rng.choice((2, 3, 3, 4, 4, 5, 5, 5, 5, 7, 9)) if rng.random() < 0.9 else rng.randint(1, 5)
        at = dt.datetime.combine(first.replace(day=day), dt.time(9 + rng.randint(0, 8), rng.randint(0, 59)), tz)
        reviewed = at + dt.timedelta(days=rng.randint(1, 3)) if report.reviewed_at else None
        Report.objects.filter(pk=report.pk).update(submitted_at=at, reviewed_at=reviewed)


def build_plans(context: dict[str, Any]) -> None:
    """Create the demo organisations, accounts, plans and reports; fills ``context`` for the
    steps after it (units, the zone, the master plan, its coordinator, the accounts, the plans)."""
    password = context.get("password")
    city = _unit("长春市", None, OrgUnit.Kind.CITY)
    jy = _unit("净月高新区", city, OrgUnit.Kind.DISTRICT)
    sy = _unit("双阳区", city, OrgUnit.Kind.DISTRICT)
    ly = _unit("绿园区", city, OrgUnit.Kind.DISTRICT)
    xx = _unit("西新镇", ly, OrgUnit.Kind.TOWN)
    pj = _unit("裴家村", xx, OrgUnit.Kind.VILLAGE)
    ls = _unit("长春联塑实业有限公司", jy, OrgUnit.Kind.ENTERPRISE)
    gx = _unit("双阳区供销社联合社", sy, OrgUnit.Kind.DEPARTMENT)
    units = {u: _unit(u, jy, OrgUnit.Kind.DEPARTMENT) for u in D.JY_UNITS}
    units.update({"裴家村": pj, "长春联塑实业有限公司": ls, "双阳区供销社联合社": gx})

    User = get_user_model()
    password = password or secrets.token_urlsafe(9)
    accounts = []

    def account(username: str, role: str | None, unit: OrgUnit | None, label: str, superuser: bool = False) -> Any:
        user = User.objects.create_user(username=username, password=password, is_staff=superuser,
                                        is_superuser=superuser, first_name=label)
        if role and unit:
            grant_role(user, unit, role)  # recorded in the history, as every grant is
        accounts.append({"username": username, "password": password, "role": role or "superuser",
                         "unit": unit.name if unit else "—", "label": label})
        return user

    account("admin", None, None, "系统管理员", superuser=True)
    coord = account("jy_coord", "coordinator", jy, "净月高新区 统筹办")
    account("jy_xmzx", "reporter", units["项目服务中心"], "项目服务中心 填报员")
    account("jy_leader", "viewer", jy, "净月高新区 领导（只读）")
    sy_coord = account("sy_coord", "coordinator", sy, "双阳区 统筹办")
    account("pj_village", "reporter", pj, "裴家村 填报员")
    account("city_viewer", "viewer", city, "长春市 查看")

    jy_plan = _build_plan(DEMO_PLAN, "净月高新区2023年总施工图", jy, D.JY_NODES, D.JY_INDICATORS, units,
                          D.JY_INDICATOR_EXTRAS)
    _set_up_master_plan(jy_plan)
    sy_plan = _build_plan("SY-2023", "双阳区2023年春耕农资供应施工图", sy, D.SY_NODES, [], units)
    pj_plan = _build_plan("PJC-2023", "裴家村2023年乡村振兴施工图", pj, D.PJ_NODES, D.PJ_INDICATORS, units)
    ls_plan = _build_plan("LS-2023", "长春联塑2023年发展目标", ls, D.LS_NODES, D.LS_INDICATORS, units)

    _file_reports(jy_plan, coord, D.JY_INDICATOR_VALUES)
    _file_reports(sy_plan, sy_coord)
    _file_reports(pj_plan, None, {"乡村振兴投入": [0, 0, 35, 62, 88, 71]})
    _file_reports(ls_plan, None, {"销售额同比增长率": [38, 36, 33, 31, 29, 28], "新建生产车间面积": [0, 0, 0, 0, 0, 0]})
    for plan in (jy_plan, sy_plan, pj_plan, ls_plan):
        Plan.objects.filter(pk=plan.pk).update(default_as_of=DEMO_AS_OF)
        plan.refresh_from_db()
        _backdate_submissions(plan)
        services.set_plan_status(plan, Plan.Status.PUBLISHED)

    context.update({"units": units, "jy": jy, "plan": jy_plan, "coordinator": coord, "accounts": accounts,
                    "plans": [jy_plan.code, sy_plan.code, pj_plan.code, ls_plan.code]})
