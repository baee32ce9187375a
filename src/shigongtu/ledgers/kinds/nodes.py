"""The nodes ledger (分施工图): a plan's tree as rows, keyed by dotted code (contract §3)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from shigongtu.audit import services as audit
from shigongtu.ledgers import cells
from shigongtu.ledgers.io import Column, LedgerSpec, RawRow
from shigongtu.ledgers.kinds.base import CREATE, UNCHANGED, UPDATE, ImportContext, LedgerKind, RowPlan
from shigongtu.lib.errors import ValueProblem
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans import fields, services
from shigongtu.plans.models import Indicator, Node, code_sort_key
from shigongtu.utilities import bulk

CANCELLED_WORDS = {"取消", "已取消", "cancelled", "canceled"}
ACTIVE_WORDS = {"正常", "进行中", "推进中", "未取消", "active", "normal", "open"}
KIND_LABELS = {"flow": "流量", "stock": "存量", "rate": "增速/比率"}
SOURCE_LABELS = {"reports": "填报", "indicator": "指标", "projects": "项目"}
INDICATOR_KEYS = ("unit", "target", "kind", "curve", "baseline", "due", "cumulative")
# How a changed field is named in previews and in the history: the ledger's own headers.
FIELD_LABELS = {"title": "任务名称", "leader": "责任领导", "start": "开始时间", "due": "完成时限", "weight": "权重",
                "cancelled": "已取消", "progress_source": "进度来源"}

SPEC = LedgerSpec(
    kind="nodes",
    title_zh="分施工图任务台账",
    columns=(
        Column("编号", ("code",), required=True, width=10,
               help_zh="点分层级编号：1、1.2、1.2.3；上级编号须已存在或在本表中"),
        Column("任务名称", ("title", "名称"), required=True, width=48),
        Column("牵头单位", ("lead unit", "责任单位"), help_zh="单位名称；未知单位需使用“自动创建单位”", width=18),
        Column("责任领导", ("leader", "包保领导"), width=14),
        Column("开始时间", ("start",), help_zh="日期，如 2023-03-01；只填月份视为当月1日", width=13),
        Column("完成时限", ("due", "截止时间"), help_zh="日期，不早于开始时间；只填月份视为当月最后一天", width=13),
        Column("权重", ("weight",), help_zh="不小于0的数，默认1", number_format="0.####", width=8),
        Column("状态", ("status",), help_zh="填“取消”表示该任务已取消", choices=("正常", "取消"), width=8),
        Column("指标名称", ("indicator",), help_zh="可选：该任务的量化指标", width=20),
        Column("目标值", ("target",), help_zh="大于0；金额可写 222.5亿元、3500万", number_format="#,##0.####",
               width=12),
        Column("单位", ("unit",), help_zh="元/万元/亿元可互相换算；其他单位照录", width=8),
        Column("指标类型", ("kind",), help_zh="流量（按月累加）、存量（取最新值，按基数计算净增）或增速/比率（%）",
               choices=("流量", "存量", "增速/比率"), width=10),
        Column("分月计划", ("plan curve",), help_zh="12个累计比例，用逗号分隔，最后一个为1或100%", width=30),
        Column("基数", ("baseline", "上年末", "基期值"), help_zh="存量指标的上年末数，不能等于目标值；默认0",
               number_format="#,##0.####", width=10),
        Column("指标完成时限", ("indicator due",), width=13,
               help_zh="日期，须在施工图年度内；只填月份视为当月最后一天"),
        Column("累计值", ("cumulative",), help_zh="“是”表示各月数值为1–N月累计数（如统计局数据）", choices=("是", "否"),
               width=8),
        Column("进度来源", ("progress source",), choices=("填报", "指标", "项目"), width=10,
               help_zh="填报（默认）、指标（按该任务第一个指标）或项目（按服务项目完成投资）"),
    ),
)


def _read(errs: cells.RowErrors, column: str, raw: Any, read: Callable[[Any], Any]) -> Any:
    """One cell through the plan's field table (plans.fields); a refusal is added to the row's errors."""
    try:
        return read(raw)
    except ValueProblem as exc:
        errs.add_problem(column, raw, exc)
        return None


class NodesKind(LedgerKind):
    name = "nodes"
    title_zh = "分施工图任务台账"
    title_en = "Plan tasks"
    spec = SPEC
    # the changes' field names → the ledger's headers (an indicator's: 指标:<name>:<field>)
    field_headers = {"unit": "单位", "target": "目标值", "kind": "指标类型", "curve": "分月计划", "baseline": "基数",
                     "due": "指标完成时限", "cumulative": "累计值"}
    notes = ("导入只新增或更新，不删除；表中没有的任务保持不变。", "编号决定层级：1.2 的上级是 1。")

    def prepare(self, ctx: ImportContext, rows: list[RawRow]) -> None:
        plan = ctx.plan
        ctx.state["nodes"] = {n.code: n for n in Node.objects.filter(plan=plan).select_related("lead_unit")}
        ctx.state["indicators"] = {i.name: i for i in Indicator.objects.filter(plan=plan).select_related("node")}
        reach = OrgUnit.objects.filter(path__startswith=plan.unit.path) | OrgUnit.objects.filter(
            pk__in=plan.unit.ancestor_ids)
        units: dict[str, OrgUnit] = {}
        for unit in reach.order_by("-depth"):
            units[unit.name] = unit  # nearest to the top wins only when names repeat
        ctx.state["units"] = units

    def check(self, ctx: ImportContext, rows: list[RawRow]) -> Iterator[RowPlan]:
        existing: dict[str, Node] = ctx.state["nodes"]
        units: dict[str, OrgUnit] = ctx.state["units"]
        indicators: dict[str, Indicator] = ctx.state["indicators"]
        seen: dict[str, int] = {}
        file_codes = {cells.text(r.values, "编号") for r in rows}
        with_indicator = {i.node.code for i in indicators.values()} | {
            cells.text(r.values, "编号") for r in rows if cells.text(r.values, "指标名称") is not None}
        for row in rows:
            v = row.values
            errs = ctx.row_errors(row)
            code = cells.text(v, "编号")
            if code is None:
                errs.add("编号", v.get("编号"), "必填：编号", en="required: code")
            else:
                code = _read(errs, "编号", code, fields.read_code)
            if code is not None and code in seen:
                if cells.text(v, "指标名称") is not None:
                    # A node with several indicators takes one row per indicator: the later rows
                    # carry only their indicator (their task columns repeat the first row's).
                    indicator = self._check_indicator(ctx, v, errs, code, indicators,
                                                      seen_names=ctx.state.setdefault("seen_indicators", {}),
                                                      row=row.number)
                    if ctx.keep(errs) and indicator is not None:
                        plan_row = self._plan_row(row.number, code, existing.get(code), {}, indicator)
                        plan_row.payload["continuation"] = True
                        if plan_row.target is not None and not plan_row.changes:
                            plan_row.action = UNCHANGED
                        yield plan_row
                    continue
                errs.add("编号", code, f"编号 {code} 在本表中重复（第 {seen[code]} 行已有）",
                         en=f"duplicate code {code} in this file (already on row {seen[code]})")
                code = None
            if code:
                seen[code] = row.number
                parent = code.rsplit(".", 1)[0] if "." in code else None
                if parent and parent not in existing and parent not in file_codes:
                    errs.add("编号", code, f"上级编号 {parent} 不存在，也不在本表中",
                             en=f"parent code {parent} does not exist and is not in this file")
            title = cells.text(v, "任务名称")
            if title is None:
                _read(errs, "任务名称", v.get("任务名称"), fields.read_title)
            node = existing.get(code) if code else None
            data: dict[str, Any] = {"title": title}
            self._task_columns(ctx, v, errs, node, units, data)
            indicator = self._check_indicator(ctx, v, errs, code, indicators, seen_names=ctx.state.setdefault(
                "seen_indicators", {}), row=row.number)
            if data.get("progress_source") == "indicator" and code not in with_indicator:
                errs.add("进度来源", v.get("进度来源"), f"任务 {code} 没有指标，进度来源不能为“指标”",
                         en=f"task {code} has no indicator, so its progress cannot come from one")
            if not ctx.keep(errs) or code is None:
                continue
            yield self._plan_row(row.number, code, node, data, indicator)

    def _task_columns(self, ctx: ImportContext, v: Mapping[str, Any], errs: cells.RowErrors, node: Node | None,
                      units: dict[str, OrgUnit], data: dict[str, Any]) -> None:
        """Read the task columns present in the file into ``data`` through the plan's field table."""
        present = ctx.headers  # canonical headers found in the file
        if "牵头单位" in present:
            name = cells.text(v, "牵头单位")
            if name is None:
                data["lead_unit"] = None
            elif name in units:
                data["lead_unit"] = units[name]
            elif ctx.create_units:
                data["lead_unit"] = ("new", name)
            else:
                errs.add("牵头单位", name,
                         f"单位「{name}」不存在；如需自动创建，请勾选“自动创建单位”（--create-units）",
                         en=f"no unit called {name}; to create it, tick “Create lead units” (--create-units)")
        if "责任领导" in present:
            data["leader"] = cells.text(v, "责任领导") or ""
        if "开始时间" in present:
            data["start"] = _read(errs, "开始时间", v.get("开始时间"), fields.read_date)
        if "完成时限" in present:
            data["due"] = _read(errs, "完成时限", v.get("完成时限"), fields.read_due)
        start = data.get("start", node.start if node else None)
        due = data.get("due", node.due if node else None)
        try:
            fields.check_dates(start, due)
        except ValueProblem as exc:
            errs.add_problem("完成时限", v.get("完成时限"), exc)
        if "权重" in present:
            raw_weight = v.get("权重")
            weight = None if cells.blank(raw_weight) else _read(errs, "权重", raw_weight, fields.read_weight)
            data["weight"] = Decimal(1) if weight is None else weight
        if "进度来源" in present:
            source = _read(errs, "进度来源", v.get("进度来源"), fields.read_progress_source)
            if source is not None:
                data["progress_source"] = source
        if "状态" in present:
            status = (cells.text(v, "状态") or "").lower()
            if status in CANCELLED_WORDS:
                data["cancelled"] = True
            elif status in ACTIVE_WORDS or status == "":
                data["cancelled"] = False
            else:
                errs.add("状态", v.get("状态"), "状态只能填“取消”或“正常”（或留空）",
                         en="status must be 取消 (cancelled) or 正常 (active), or left empty")


    def _check_indicator(self, ctx: ImportContext, v: Mapping[str, Any], errs: cells.RowErrors, code: str | None,
                         indicators: dict[str, Indicator], seen_names: dict[str, int],
                         row: int) -> dict[str, Any] | None:
        name = cells.text(v, "指标名称")
        others = [k for k in ("目标值", "单位", "指标类型", "分月计划", "基数", "指标完成时限", "累计值")
                  if cells.text(v, k) is not None]
        if name is None:
            if others:
                errs.add(others[0], v.get(others[0]), "填写了指标信息但缺少指标名称",
                         en="indicator details without an indicator name")
            return None
        if name in seen_names:
            errs.add("指标名称", name, f"指标「{name}」在本表中重复（第 {seen_names[name]} 行已有）",
                     en=f"duplicate indicator {name} in this file (already on row {seen_names[name]})")
            return None
        seen_names[name] = row
        current = indicators.get(name)
        if current is not None and code and current.node.code != code:
            errs.add("指标名称", name, f"指标「{name}」已属于任务 {current.node.code}，不能重复",
                     en=f"indicator {name} already belongs to task {current.node.code}")
            return None
        unit = cells.text(v, "单位")
        unit = unit if unit is not None else (current.unit if current else "")
        out: dict[str, Any] = {"name": name, "unit": unit}
        target = cells.amount_cell(v, "目标值", errs, unit=unit or "个",
                                   header_unit=cells.header_unit(ctx.headers.get("目标值")))
        if target is not None:
            out["target"] = target
        elif current is None and cells.blank(v.get("目标值")):  # (an unreadable one is named already)
            errs.add("目标值", v.get("目标值"), f"新指标「{name}」需要填写目标值",
                     en=f"the new indicator {name} needs a target")
        kind = cells.text(v, "指标类型")
        if kind is not None:
            read_kind = _read(errs, "指标类型", kind, fields.read_kind)
            if read_kind is not None:
                out["kind"] = read_kind
        curve = v.get("分月计划")
        if "分月计划" in ctx.headers:
            try:
                out["curve"] = fields.read_curve(curve)
            except ValueProblem as exc:
                errs.add_problem("分月计划", curve, exc)
        self._indicator_extras(ctx, v, errs, unit, out)
        found = fields.check_indicator(out.get("kind", current.kind if current else "flow"),
                                       out.get("target", current.target if current else None),
                                       out.get("baseline", current.baseline if current else Decimal(0)))
        if found is not None:
            column = "基数" if found[0] == "baseline" and "基数" in ctx.headers else "目标值"
            errs.add_problem(column, v.get(column), found[1])
        out["current"] = current
        return out

    def _indicator_extras(self, ctx: ImportContext, v: Mapping[str, Any], errs: cells.RowErrors, unit: str,
                          out: dict[str, Any]) -> None:
        """The indicator's baseline (基数), due date (指标完成时限) and cumulative flag (累计值), when given."""
        if "基数" in ctx.headers:
            baseline = cells.amount_cell(v, "基数", errs, unit=unit or "个",
                                         header_unit=cells.header_unit(ctx.headers.get("基数")))
            out["baseline"] = baseline if baseline is not None else Decimal(0)
        if "指标完成时限" in ctx.headers:
            due = _read(errs, "指标完成时限", v.get("指标完成时限"), fields.read_indicator_due)
            try:
                fields.check_indicator_due(due, ctx.plan.year)
                out["due"] = due
            except ValueProblem as exc:
                errs.add_problem("指标完成时限", v.get("指标完成时限"), exc)
        if "累计值" in ctx.headers:
            cumulative = _read(errs, "累计值", v.get("累计值"), fields.read_cumulative)
            if cumulative is not None:
                out["cumulative"] = cumulative

    def _plan_row(self, number: int, code: str, node: Node | None, data: dict[str, Any],
                  indicator: dict[str, Any] | None) -> RowPlan:
        changes: dict[str, list[Any]] = {}
        for key, new in data.items():
            old = getattr(node, key) if node is not None else None
            if key == "lead_unit":
                old_name = node.lead_unit.name if node is not None and node.lead_unit else None
                new_name = new[1] if isinstance(new, tuple) else (new.name if new else None)
                if node is None or old_name != new_name:
                    changes["牵头单位"] = [old_name, new_name]
                continue
            if node is None or audit._plain(old) != audit._plain(new):
                changes[FIELD_LABELS.get(key, key)] = [audit._plain(old), audit._plain(new)]
        if node is None:
            changes = {k: v for k, v in changes.items() if v[1] not in (None, "", False)}
        if indicator is not None:
            current = indicator["current"]
            for key in INDICATOR_KEYS:
                if key not in indicator:
                    continue
                old = getattr(current, key) if current is not None else None
                new = indicator[key]
                if key == "curve" and old is not None:
                    old = [float(x) for x in old]
                if current is None or audit._plain(old) != audit._plain(new):
                    changes[f"指标:{indicator['name']}:{key}"] = [audit._plain(old), audit._plain(new)]
        action = CREATE if node is None else (UPDATE if changes else UNCHANGED)
        return RowPlan(number, code, action, changes, {"data": data, "indicator": indicator}, node)

    def apply(self, ctx: ImportContext, plans: list[RowPlan]) -> None:
        plan = ctx.plan
        by_code: dict[str, Node] = dict(ctx.state["nodes"])
        new_units: dict[str, OrgUnit] = {}

        def unit_of(value: Any) -> OrgUnit | None:
            if isinstance(value, tuple):
                name = value[1]
                if name not in new_units:
                    new_units[name] = services.ensure_unit(name, plan.unit)
                return new_units[name]
            return value

        ids = {code: node.pk for code, node in by_code.items()}
        _create_nodes(plan, plans, ids, unit_of)
        _update_nodes(plans, unit_of)
        _save_indicators(plan, plans, ids)
        actor = services.actor_name(ctx.user)
        audit.record_many(
            ({"action": "import-" + p.action, "object_type": "node", "object_id": ids[p.key],
              "label": p.key, "plan_code": plan.code, "changes": p.changes} for p in plans),
            actor,
        )
        services.bump_revision(plan)

    def export_rows(self, plan: Any, user: Any, filters: Mapping[str, Any] | None = None) -> Iterable[dict[str, Any]]:
        qs = Node.objects.filter(plan=plan).select_related("lead_unit").order_by("sort_key")
        if user is not None:
            qs = qs.for_user(user, "view")
        if filters and filters.get("front"):
            front = str(filters["front"])
            qs = qs.filter(code__startswith=front + ".") | qs.filter(code=front)
            qs = qs.order_by("sort_key")
        indicators: dict[int, list[Indicator]] = {}
        for ind in Indicator.objects.filter(plan=plan).order_by("id"):
            indicators.setdefault(ind.node_id, []).append(ind)
        for node in qs.iterator(2000):
            base: dict[str, Any] = {
                "编号": node.code, "任务名称": node.title,
                "牵头单位": node.lead_unit.name if node.lead_unit else None,
                "责任领导": node.leader or None, "开始时间": node.start, "完成时限": node.due,
                "权重": node.weight, "状态": "取消" if node.cancelled else "正常",
                "进度来源": SOURCE_LABELS.get(node.progress_source, node.progress_source),
            }
            inds = indicators.get(node.pk, [])
            if not inds:
                yield base
            for ind in inds:
                # Each indicator row repeats its node's columns, so any row alone re-imports the same node.
                row: dict[str, Any] = dict(base)
                row.update({"指标名称": ind.name, "目标值": ind.target, "单位": ind.unit or None,
                            "指标类型": KIND_LABELS.get(ind.kind, ind.kind),
                            "分月计划": fields.curve_text(ind.curve) or None,
                            "基数": ind.baseline if ind.kind == Indicator.Kind.STOCK or ind.baseline else None,
                            "指标完成时限": ind.due, "累计值": "是" if ind.cumulative else "否"})
                yield row


KIND = NodesKind()


UnitOf = Callable[[Any], OrgUnit | None]


def _create_nodes(plan: Any, plans: list[RowPlan], ids: dict[str, int], unit_of: UnitOf) -> None:
    """Insert the new nodes a level at a time, parents first, so each child finds its parent's
    id (``ids``: code → id, the new ones added); through the bulk path (one prepared statement,
    COPY on PostgreSQL), each level's ids read back in one query."""
    creates = sorted((p for p in plans if p.target is None and not p.payload.get("continuation")),
                     key=lambda p: p.key.count("."))
    depth_groups: dict[int, list[RowPlan]] = {}
    for p in creates:
        depth_groups.setdefault(p.key.count("."), []).append(p)
    columns = [f.attname for f in Node._meta.concrete_fields if not f.primary_key]
    base = {**bulk.new_row(Node, None), "plan_id": plan.pk}
    for depth in sorted(depth_groups):
        rows = []
        for p in depth_groups[depth]:
            parent_code = p.key.rsplit(".", 1)[0] if "." in p.key else None
            row = {**base, "code": p.key, "sort_key": code_sort_key(p.key), "depth": depth,
                   "parent_id": ids[parent_code] if parent_code else None}
            for key, value in p.payload["data"].items():
                if key == "lead_unit":
                    unit = unit_of(value)
                    row["lead_unit_id"] = unit.pk if unit is not None else None
                else:
                    row[key] = value
            rows.append([row[c] for c in columns])
        bulk.insert_rows(Node, columns, rows)
        ids.update(Node.objects.filter(plan=plan, depth=depth).values_list("code", "pk"))


def _update_nodes(plans: list[RowPlan], unit_of: UnitOf) -> None:
    """Write the changed fields of existing nodes in one bulk update, bumping each changed node's version."""
    updates = []
    fields: set[str] = set()
    for p in plans:
        if p.target is None or p.payload.get("continuation"):
            continue
        node = p.target
        node_changed = False
        for key, value in p.payload["data"].items():
            if key == "lead_unit":
                unit = unit_of(value)
                if node.lead_unit_id != (unit.pk if unit else None):
                    node.lead_unit = unit
                    fields.add("lead_unit")
                    node_changed = True
            elif audit._plain(getattr(node, key)) != audit._plain(value):
                setattr(node, key, value)
                fields.add(key)
                node_changed = True
        if node_changed:
            node.version += 1
            fields.add("version")
            updates.append(node)
    if updates:
        Node.objects.bulk_update(updates, sorted(fields), batch_size=1000)


def _save_indicators(plan: Any, plans: list[RowPlan], ids: dict[str, int]) -> None:
    """Create or update the indicator (指标) a row carries, on the node it belongs to: in batches."""
    creates, updates = [], []
    for p in plans:
        ind = p.payload.get("indicator")
        if ind is None:
            continue
        indicator = ind["current"] or Indicator(plan=plan, node_id=ids[p.key], name=ind["name"])
        for key in INDICATOR_KEYS:
            if key in ind:
                setattr(indicator, key, ind[key])
        if ind["current"] is not None:
            indicator.version += 1
            updates.append(indicator)
        else:
            creates.append(indicator)
    Indicator.objects.bulk_create(creates, batch_size=1000)
    if updates:
        Indicator.objects.bulk_update(updates, [*INDICATOR_KEYS, "version"], batch_size=1000)
