"""The special-bond projects ledger (专项债项目台账): one row per bond project, keyed by 项目编号.

A row opens a project's bond record or updates it: requested amount (申请额度, 万元), capital use
(用作资本金), revenue coverage (收益覆盖倍数), declaration date, the 一案两书 documents and notes;
nothing is deleted. Its 状态 follows the bond pipeline of :mod:`shigongtu.projects.rules.bonds`: a new
record may start at any state (a project already under way when it is entered, as
:func:`~shigongtu.projects.services.bonds.save_bond` allows), an existing one only moves as
:func:`~shigongtu.projects.services.bonds.move_bond` allows (one step of the pipeline, 额度已下达 only with
a quota batch recorded, 支出完毕 only once the spending reached the quota). Money movements
(额度下达, 拨付, 支出) are not in this ledger: they are recorded on the project's page.

Rows are written in bulk with what the services keep: version bumps, the state history
(BondStateChange) and the change history (object ``bond``; ``create``/``update`` with the
services' field names, ``state`` for a move).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from shigongtu.audit import services as audit
from shigongtu.ledgers import cells
from shigongtu.ledgers.io import Column, LedgerSpec, RawRow
from shigongtu.ledgers.kinds.approvals import (
    DATE_HELP,
    PROJECT_COLUMNS,
    YES_NO,
    by_codes,
    file_codes,
    load_projects,
    lock_versions,
    note_other_name,
    project_cell,
    shown_changes,
    text_cell,
    warn_other_names,
    yes_no,
    yes_no_cell,
)
from shigongtu.ledgers.kinds.base import CREATE, UNCHANGED, UPDATE, ImportContext, LedgerKind, RowPlan
from shigongtu.lib.amounts import parse_amount
from shigongtu.lib.errors import ValueProblem
from shigongtu.orgs.access import MANAGE
from shigongtu.plans.services import actor_name, bump_revision
from shigongtu.projects.models import BondExpenditure, BondProject, BondQuota, BondStateChange, Project
from shigongtu.projects.rules.bonds import (
    BOND_DECLARED,
    BOND_DECLARED_STATES,
    BOND_DISBURSING,
    BOND_ISSUED,
    BOND_MATURED,
    BOND_PLANNING,
    BOND_QUOTA,
    BOND_REJECTED,
    BOND_REVIEW,
    BOND_SPENDING,
    BOND_SPENT,
    BOND_STATES,
    bond_move_problem,
)
from shigongtu.projects.selectors.filters import export_filter
from shigongtu.projects.services.access import open_plan, require_plan
from shigongtu.projects.services.bonds import BOND_FIELDS
from shigongtu.projects.services.projects import label
from shigongtu.utilities import bulk

FIELD_HEADERS = {"state": "状态", "requested_amount": "申请额度", "capital_use": "用作资本金",
                 "coverage_ratio": "收益覆盖倍数", "declared_on": "申报日期", "has_plan_doc": "实施方案",
                 "has_finance_report": "财务评价报告", "has_legal_opinion": "法律意见书", "notes": "备注"}
FLAGS = {"用作资本金": "capital_use", "实施方案": "has_plan_doc", "财务评价报告": "has_finance_report",
         "法律意见书": "has_legal_opinion"}
NEW_BOND: dict[str, Any] = {"state": BOND_PLANNING, "requested_amount": Decimal(0), "capital_use": False,
                            "coverage_ratio": None, "declared_on": None, "has_plan_doc": False,
                            "has_finance_report": False, "has_legal_opinion": False, "notes": ""}
# Words clerks use for the pipeline's states (domain §3.1).
STATE_WORDS = {"申报": BOND_DECLARED, "储备": BOND_DECLARED, "审核": BOND_REVIEW,
               "未通过": BOND_REJECTED, "额度下达": BOND_QUOTA, "发行": BOND_ISSUED,
               "拨付": BOND_DISBURSING, "支出": BOND_SPENDING, "到期": BOND_MATURED}
AMOUNT_MAX = Decimal("1e13")  # 万元: the column holds 18 digits, 4 after the point
RATIO_MAX = Decimal("9999.99")
CENT = Decimal("0.01")
AMOUNT_STEP = Decimal("0.0001")
MOVE_NOTE = "台账导入"

SPEC = LedgerSpec(
    kind="bonds",
    title_zh="专项债项目台账",
    columns=(
        *PROJECT_COLUMNS,
        Column("状态", ("state", "专项债状态", "申报状态"), choices=BOND_STATES, width=11,
               help_zh="新项目可从任一状态建档（默认谋划）；已有项目只能按流程前进一步；留空不修改"),
        Column("申请额度", ("requested amount", "申请金额", "申报额度", "申请债券额度"), number_format="#,##0.00",
               help_zh="万元；也可写 1.2亿、3500万；留空不修改", width=14),
        Column("用作资本金", ("capital use", "是否用作资本金"), choices=YES_NO, help_zh="是 / 否；留空不修改",
               width=10),
        Column("收益覆盖倍数", ("coverage ratio", "本息覆盖倍数", "覆盖倍数"), number_format="0.00",
               help_zh="不小于0，保留两位小数，如 1.25；留空不修改", width=12),
        Column("申报日期", ("declared on", "申报时间"), help_zh=DATE_HELP + "；不能晚于今天；留空不修改", width=13),
        Column("实施方案", ("plan doc", "implementation plan"), choices=YES_NO, help_zh="是否已编制：是 / 否",
               width=10),
        Column("财务评价报告", ("finance report", "财评报告", "财务评价"), choices=YES_NO, help_zh="是 / 否", width=12),
        Column("法律意见书", ("legal opinion",), choices=YES_NO, help_zh="是 / 否", width=10),
        Column("备注", ("notes", "remarks", "说明"), help_zh="留空即清空", width=30),
    ),
)


def read_state(raw: Any) -> str | None:
    text = "".join(str(raw).split())
    return text if text in BOND_STATES else STATE_WORDS.get(text)


class BondsKind(LedgerKind):
    name = "bonds"
    title_zh = "专项债项目台账"
    title_en = "Special bond projects"
    spec = SPEC
    notes = (
        "一个项目一行：按项目编号新建或更新专项债项目记录，不删除；表中没有的项目保持不变。",
        "金额单位为万元，除非单元格或表头注明（如“申请额度（亿元）”、“1.2亿”）。",
        "状态按专项债流程：谋划 → 储备申报 → 审核中 → 审核通过／退回 → 额度已下达 → 已发行 → 拨付中 → 支出中 → "
        "支出完毕 → 存续期 → 已到期。已有项目每次只能前进一步（退回后可重新申报）；"
        "“额度已下达”须先登记额度批次，“支出完毕”须累计支出达到已下达额度。",
        "额度下达、资金拨付和支出在项目页“专项债”中逐笔登记，登记后状态自动前进。",
        "状态、金额、倍数、申报日期和是/否列留空则不修改；备注留空即清空。项目名称列仅供查阅。",
    )

    def prepare(self, ctx: ImportContext, rows: list[RawRow]) -> None:
        codes = file_codes(rows)
        today = timezone.localdate()
        bonds = by_codes(BondProject.objects.filter(project__plan=ctx.plan), codes, "project__code")
        quotas = by_codes(BondQuota.objects.filter(bond__project__plan=ctx.plan), codes, "bond__project__code")
        spent = by_codes(BondExpenditure.objects.filter(bond__project__plan=ctx.plan, date__lte=today), codes,
                         "bond__project__code")
        # what the moves to 额度已下达 and 支出完毕 are checked against (one query each)
        quota_rows = {r["bond_id"]: r for r in quotas.values("bond_id").annotate(
            n=Count("id"), total=Sum("amount", filter=Q(date__lte=today)))}
        spent_rows = dict(spent.values("bond_id").annotate(total=Sum("amount")).values_list("bond_id", "total"))
        ctx.state.update(projects=load_projects(ctx.plan, codes), bonds={b.project_id: b for b in bonds},
                         quotas=quota_rows, spent=spent_rows)

    def check(self, ctx: ImportContext, rows: list[RawRow]) -> Iterator[RowPlan]:
        today = timezone.localdate()
        projects: dict[str, Project] = ctx.state["projects"]
        bonds: dict[int, BondProject] = ctx.state["bonds"]
        seen: dict[str, int] = {}
        for row in rows:
            v = row.values
            errs = ctx.row_errors(row)
            project = project_cell(ctx, v, errs, projects)
            if project is not None:
                if project.code in seen:
                    errs.add("项目编号", project.code,
                             f"项目 {project.code} 在本表中重复（第 {seen[project.code]} 行已有）",
                             en=f"duplicate project {project.code} in this file (already on row {seen[project.code]})")
                seen.setdefault(project.code, row.number)
            bond = bonds.get(project.pk) if project is not None else None
            data = self._values(ctx, v, errs, today)
            if bond is not None and data.get("state", bond.state) != bond.state:
                self._check_move(ctx, v, errs, bond, data["state"])
            if not ctx.keep(errs) or project is None:
                continue
            note_other_name(ctx, row, project)
            yield self._plan_row(row.number, project, bond, data, today)
        warn_other_names(ctx)

    def _values(self, ctx: ImportContext, v: Mapping[str, Any], errs: cells.RowErrors,
                today: dt.date) -> dict[str, Any]:
        """The row's fields by the service's names; an empty cell is left out (not changed),
        except 备注, which an empty cell clears (as the service does)."""
        present = ctx.headers
        data: dict[str, Any] = {}
        raw = v.get("状态")
        if "状态" in present and not cells.blank(raw):
            state = read_state(raw)
            if state is None:
                errs.add("状态", raw, f"未知的专项债状态「{raw}」（可用：{'、'.join(BOND_STATES)}）",
                         en=f"unknown bond state {raw} (use one of {', '.join(BOND_STATES)})")
            else:
                data["state"] = state
        amount = cells.amount_cell(v, "申请额度", errs, header_unit=cells.header_unit(present.get("申请额度")))
        if amount is not None and amount >= AMOUNT_MAX:
            errs.add("申请额度", v.get("申请额度"), f"申请额度 {amount:f} 万元过大，请核对单位",
                     en=f"a requested amount of {amount:f} (10k yuan) is too large; check the unit")
        elif amount is not None:
            data["requested_amount"] = amount.quantize(AMOUNT_STEP, rounding=ROUND_HALF_UP)  # as the column keeps it
        raw = v.get("收益覆盖倍数")
        if not cells.blank(raw):
            try:
                ratio = parse_amount(raw, "倍")
            except ValueProblem as exc:
                errs.add_problem("收益覆盖倍数", raw, exc)
            else:
                if ratio > RATIO_MAX:
                    errs.add("收益覆盖倍数", raw, f"收益覆盖倍数应在0到{RATIO_MAX}之间",
                             en=f"the coverage ratio must be between 0 and {RATIO_MAX}")
                else:
                    data["coverage_ratio"] = ratio.quantize(CENT, rounding=ROUND_HALF_UP)
        declared = cells.date_cell(v, "申报日期", errs)
        if declared is not None:
            if declared > today:
                errs.add("申报日期", v.get("申报日期"), f"申报日期 {declared} 晚于今天（{today}），不能填将来的日期",
                         en=f"declaration date {declared} is after today ({today}); no future dates")
            data["declared_on"] = declared
        for header, name in FLAGS.items():
            if (flag := yes_no_cell(v, header, errs)) is not None:
                data[name] = flag
        if "备注" in present:
            data["notes"] = text_cell(v, "备注", errs, 2000)
        return data

    def _check_move(self, ctx: ImportContext, v: Mapping[str, Any], errs: cells.RowErrors, bond: BondProject,
                    state: str) -> None:
        """An existing record's state moves as the pipeline allows (the rules of ``move_bond``)."""
        raw = v.get("状态")
        why = bond_move_problem(bond.state, state)
        quota = ctx.state["quotas"].get(bond.pk, {})
        if why:
            errs.add_problem("状态", raw, why)
        elif state == BOND_QUOTA and not quota.get("n"):
            errs.add("状态", raw, "还没有登记额度批次，不能改为「额度已下达」；请在项目页“专项债”中登记额度下达，"
                                "登记后状态自动变更",
                     en=f"no quota batch is recorded yet, so the state cannot become {BOND_QUOTA}; record the "
                        "quota on the project's Special bonds page and the state follows")
        elif state == BOND_SPENT:
            total = quota.get("total") or Decimal(0)
            spent = ctx.state["spent"].get(bond.pk) or Decimal(0)
            if total <= 0 or spent < total:
                errs.add("状态", raw, f"累计支出 {spent.normalize():f} 万元尚未达到已下达额度 "
                                    f"{total.normalize():f} 万元，不能改为「支出完毕」",
                         en=f"spending so far, {spent.normalize():f} (10k yuan), has not reached the quota, "
                            f"{total.normalize():f}, so the state cannot become {BOND_SPENT}")

    def _plan_row(self, number: int, project: Project, bond: BondProject | None, data: Mapping[str, Any],
                  today: dt.date) -> RowPlan:
        before = None if bond is None else {f: getattr(bond, f) for f in BOND_FIELDS}
        after = dict(NEW_BOND if before is None else before)
        after.update(data)
        moved = before is not None and after["state"] != before["state"]
        on = today
        # The declaration date fills itself in as in the services: on opening a declared record,
        # and on the move to 储备申报 (whose effective date is the row's 申报日期 when it has one).
        if before is None and after["state"] in BOND_DECLARED_STATES and after["declared_on"] is None:
            after["declared_on"] = today
        if moved and after["state"] == BOND_DECLARED:
            on = data.get("declared_on") or today
            after["declared_on"] = after["declared_on"] or on
        changes = audit.diff(before, after)
        action = CREATE if bond is None else (UPDATE if changes else UNCHANGED)
        payload = {"project": project, "after": after, "changes": changes, "moved": moved, "on": on}
        return RowPlan(number, project.code, action, shown_changes(changes, FIELD_HEADERS, bond is None), payload, bond)

    @transaction.atomic
    def apply(self, ctx: ImportContext, plans: list[RowPlan]) -> None:
        plan = open_plan(ctx.plan)
        require_plan(ctx.user, plan, MANAGE)
        today = timezone.localdate()
        who = ctx.user if getattr(ctx.user, "pk", None) else None
        lock_versions(BondProject, [(p.target, f"项目 {p.key} 的专项债记录") for p in plans if p.target is not None])
        new_bonds = [p for p in plans if p.target is None]
        # through the bulk path (one prepared statement, COPY on PostgreSQL); the new ids by project
        bulk.insert_rows(BondProject, ("project_id", *BOND_FIELDS, "version"),
                         ((p.payload["project"].pk, *(p.payload["after"][f] for f in BOND_FIELDS), 1)
                          for p in new_bonds))
        ids = dict(BondProject.objects.filter(project__plan=plan).values_list("project_id", "pk")) if new_bonds else {}
        updates, moves, entries = [], [], []
        now = timezone.now()
        who_id = who.pk if who is not None else None

        def move(bond_id: int, old: str, new: str, on: Any, note: str) -> None:
            moves.append((bond_id, old, new, on, note, now, who_id))

        for p in plans:
            project, after, changes = p.payload["project"], p.payload["after"], p.payload["changes"]
            item = {"object_type": "bond", "label": f"{label(project)} · 专项债", "plan_code": plan.code}
            if p.target is None:
                bond_id = ids[project.pk]
                move(bond_id, "", BOND_PLANNING, today, "")
                if after["state"] != BOND_PLANNING:
                    move(bond_id, BOND_PLANNING, after["state"], today, "建档")
                entries.append({**item, "action": "create", "object_id": bond_id, "changes": changes})
                continue
            bond = p.target
            updates.append((*(after.get(f, getattr(bond, f)) for f in BOND_FIELDS), bond.version + 1, bond.pk))
            fields = {k: pair for k, pair in changes.items() if k != "state"}
            if fields:
                entries.append({**item, "action": "update", "object_id": bond.pk, "changes": fields})
            if p.payload["moved"]:
                move(bond.pk, bond.state, after["state"], p.payload["on"], MOVE_NOTE)
                entries.append({**item, "action": "state", "object_id": bond.pk,
                                "changes": {"state": [bond.state, after["state"]]}})
        bulk.update_rows(BondProject, (*BOND_FIELDS, "version"), updates)
        bulk.insert_rows(BondStateChange, ("bond_id", "from_state", "to_state", "effective", "note", "at", "by_id"),
                         moves)
        audit.record_many(entries, actor_name(ctx.user))
        bump_revision(plan)

    def export_rows(self, plan: Any, user: Any, filters: Mapping[str, Any] | None = None) -> Iterable[dict[str, Any]]:
        qs = BondProject.objects.filter(project__plan=plan)
        if user is not None:
            qs = qs.for_user(user, "view")
        if filters and filters.get("state"):
            qs = qs.filter(state=filters["state"])
        for b in export_filter(qs, filters, plan).select_related("project").order_by("project__code").iterator(2000):
            yield {"项目编号": b.project.code, "项目名称": b.project.name, "状态": b.state,
                   "申请额度": b.requested_amount, "用作资本金": yes_no(b.capital_use),
                   "收益覆盖倍数": b.coverage_ratio, "申报日期": b.declared_on,
                   "实施方案": yes_no(b.has_plan_doc), "财务评价报告": yes_no(b.has_finance_report),
                   "法律意见书": yes_no(b.has_legal_opinion), "备注": b.notes or None}


KIND = BondsKind()
