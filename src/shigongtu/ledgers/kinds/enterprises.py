"""The enterprise registry's ledger: 企业梯度培育台账 (contract §3), keyed by 统一社会信用代码 and
梯度类别 within the plan's org unit.

Rows are checked by the registry's own field table (the same rules as the API and the pages),
previewed field by field, and written by its bulk functions in chunks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from shigongtu.enterprises import bulk as rows_bulk
from shigongtu.enterprises import selectors
from shigongtu.enterprises.fields import ENTERPRISE_FIELDS, TIER_FIELDS
from shigongtu.enterprises.models import TierRecord
from shigongtu.enterprises.rules import tiers as T
from shigongtu.ledgers.io import Column, LedgerSpec, RawRow
from shigongtu.ledgers.kinds.base import ImportContext, LedgerKind, RowPlan
from shigongtu.lib.errors import FieldError

ALIASES: dict[str, tuple[str, ...]] = {
    "企业名称": ("name", "enterprise name", "单位名称"),
    "统一社会信用代码": ("credit code", "uscc", "社会信用代码", "信用代码"),
    "梯度类别": ("tier", "梯度", "企业类别", "认定类别"),
    "状态": ("status", "培育状态", "认定状态"),
    "认定日期": ("granted", "认定时间", "发证日期"),
    "有效期至": ("expires", "有效期", "到期日期", "有效期截止"),
    "证书编号": ("certificate no.", "certificate", "证书号"),
    "所属行业": ("industry", "行业"),
    "包保领导": ("leader", "包联领导"),
    "服务专员": ("service officer", "officer"),
    "级别": ("level",),
    "批次": ("batch", "认定批次"),
    "重新认定申报日期": ("renewal filed", "重新认定申报"),
    "注册日期": ("registration date", "成立日期"),
    "是否规上": ("above scale", "规上"),
    "入规日期": ("above-scale date",),
    "注册地址": ("address", "地址"),
    "经度": ("longitude", "lng"),
    "纬度": ("latitude", "lat"),
}
# Export order: the contract's columns first, then the registry's own.
ORDER = ("企业名称", "统一社会信用代码", "梯度类别", "状态", "认定日期", "有效期至", "证书编号", "所属行业",
         "包保领导", "级别", "批次", "重新认定申报日期", "服务专员", "注册日期", "是否规上", "入规日期", "注册地址",
         "经度", "纬度")
_KINDS = {f.header: f.kind for f in (*ENTERPRISE_FIELDS, *TIER_FIELDS)}
_HELP = {"tier": "、".join(T.TIERS), "status": "、".join(T.STATUSES) + "（有认定日期时默认已认定）",
         "date": "日期，如 2023-10-16", "credit": "18位，校验位按GB 32100核验", "bool": "是 / 否"}
SPEC = LedgerSpec(
    kind="enterprises",
    title_zh="企业梯度培育台账",
    columns=tuple(
        Column(h, ALIASES.get(h, ()), required=h in ("企业名称", "统一社会信用代码", "梯度类别"),
               help_zh=_HELP.get(_KINDS[h], ""),
               choices=T.TIERS if h == "梯度类别" else T.STATUSES if h == "状态" else T.LEVELS if h == "级别"
               else ("是", "否") if h == "是否规上" else (),
               width=36 if h == "企业名称" else 22 if h == "统一社会信用代码" else 14)
        for h in ORDER
    ),
)
CHUNK = 5000
PREVIEW_ROWS = 2000


class EnterprisesKind(LedgerKind):
    name = "enterprises"
    title_zh = "企业梯度培育台账"
    title_en = "Enterprise tiers"
    spec = SPEC
    notes = ("每行一家企业的一个梯度类别，按统一社会信用代码和梯度类别新增或更新，不删除。",
             "有效期至为空时：高新技术企业、专精特新中小企业、专精特新小巨人、创新型中小企业按认定日期后三年减一天计。")
    chunk_rows = CHUNK

    def prepare(self, ctx: ImportContext, rows: list[RawRow]) -> None:
        if "checker" not in ctx.state:  # what spans the chunks of one file
            ctx.state.update(checker=rows_bulk.RowChecker(), shown=0, known=rows_bulk.known_codes(ctx.plan.unit))
        codes = rows_bulk.row_codes(r.values for r in rows) & ctx.state["known"]
        ctx.state["existing"] = rows_bulk.load_existing(ctx.plan.unit, codes)

    def check(self, ctx: ImportContext, rows: list[RawRow]) -> Iterator[RowPlan]:
        checker: rows_bulk.RowChecker = ctx.state["checker"]
        existing = ctx.state["existing"]
        for row in rows:
            checked, problems = checker.check(row.number, row.values, existing)
            if problems or checked is None:
                ctx.errors.extend(self._located(ctx, row, problems))
                continue
            shown = ctx.state["shown"] < PREVIEW_ROWS and checked.action != rows_bulk.UNCHANGED
            ctx.state["shown"] += shown
            yield RowPlan(row.number, f"{checked.code} {checked.tier}", checked.action,
                          checked.changes if shown else {}, {"row": checked})

    @staticmethod
    def _located(ctx: ImportContext, row: RawRow, problems: Iterable[FieldError]) -> list[FieldError]:
        return [FieldError(p.message, row=row.number, column=ctx.headers.get(p.column, p.column) if p.column else None,
                           value=p.value, message_en=p.message_en) for p in problems]

    def apply(self, ctx: ImportContext, plans: list[RowPlan]) -> None:
        rows = [p.payload["row"] for p in plans]
        rows_bulk.apply_rows(ctx.plan.unit, rows, ctx.state["existing"], ctx.user, ctx.plan.code)
        ctx.state["known"].update(r.code for r in rows)  # registered now: the next chunks find them

    def finish(self, ctx: ImportContext) -> None:
        rows_bulk.finish(ctx.plan.unit)

    def export_rows(self, plan: Any, user: Any, filters: Mapping[str, Any] | None = None) -> Iterable[dict[str, Any]]:
        order = {t: i for i, t in enumerate(T.TIERS)}
        enterprises = selectors.registry(plan.unit, selectors.Filters.read(filters or {}))
        if user is not None:
            enterprises = enterprises.for_user(user, "view")
        records = TierRecord.objects.filter(enterprise__in=enterprises).select_related("enterprise")
        for r in sorted(records.iterator(5000), key=lambda r: (r.enterprise.credit_code, order.get(r.tier, 99))):
            e = r.enterprise
            yield {
                "企业名称": e.name, "统一社会信用代码": e.credit_code, "梯度类别": r.tier, "状态": r.status,
                "认定日期": r.granted_on, "有效期至": r.expires_on, "证书编号": r.certificate_no or None,
                "所属行业": e.industry or None, "包保领导": e.leader or None, "级别": r.level or None,
                "批次": r.batch or None, "重新认定申报日期": r.renewal_filed, "服务专员": e.officer or None,
                "注册日期": e.registered_on, "是否规上": "是" if e.above_scale else "否",
                "入规日期": e.above_scale_on, "注册地址": e.address or None, "经度": e.lng, "纬度": e.lat,
            }


KIND = EnterprisesKind()
