"""Project ledgers as offices keep them (contract §3): rows matched by 全国统一项目代码 or
项目名称 where a sheet has no 项目编号, year-to-date investment turned into the month's amount,
and the cell forms county sheets use (已纳统，MA3…, 前期手续办理, 125°27′10″).

These run on a chunk's raw rows before the kind's own checks, which then see the platform's
forms; every problem found here names row, column (as written) and value.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

from shigongtu.ledgers import cells
from shigongtu.ledgers.io import Column, RawRow
from shigongtu.ledgers.kinds.base import ImportContext
from shigongtu.ledgers.labels import Said
from shigongtu.lib import geo
from shigongtu.lib.errors import FieldError, ValueProblem
from shigongtu.lib.periods import Period
from shigongtu.projects.models import Project
from shigongtu.projects.services.investment import counted_by_period

CODE, NAME, NATIONAL = "项目编号", "项目名称", "项目代码"
MONTH, YTD = "本月完成投资", "本年累计完成投资"
RATE = "投资完成率"
GENERATED_PREFIX = "XM"

# Columns county sheets carry that the platform works out itself: recognised, never exported.
KNOWN_UNUSED = {
    "序号": ("no.",), RATE: ("完成率", "投资完成比例"), "是否开工": ("开工情况",), "是否竣工": (),
    "备注": ("remarks",), "申报年度": ("报告年度",), "申报月份": ("报告月份",),
}
IN_STATS = re.compile(r"^(已纳统|已入统|已入库|已纳入统计)[,，;；:：\s]*([0-9A-Za-z]{6,30})?$")
NOT_IN_STATS = ("未纳统", "未入统", "未入库")
STAGE_WORDS = {"前期手续办理": "前期", "前期手续办理阶段": "前期", "建设阶段": "在建", "施工阶段": "在建",
               "竣工验收阶段": "竣工", "竣工验收": "竣工"}


def unused_columns(*names: str) -> tuple[Column, ...]:
    """Known-but-unused columns (``KNOWN_UNUSED`` by name) for a spec."""
    return tuple(Column(n, KNOWN_UNUSED.get(n, ()), exported=False, reads=n == RATE) for n in names)


def fold_name(text: str) -> str:
    """A project name as matched: width-folded, no whitespace, case-folded."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _error(ctx: ImportContext, row: RawRow, column: str, value: Any, zh: str, en: str) -> None:
    ctx.errors.append(FieldError(zh, row=row.number, column=ctx.headers.get(column, column),
                                 value=cells._shown(value), message_en=en))


def _index(ctx: ImportContext) -> dict[str, Any]:
    """The plan's projects by national code and by folded name, loaded once per file."""
    if "office" not in ctx.state:
        by_national: dict[str, str] = {}
        by_name: dict[str, list[str]] = {}
        codes: set[str] = set()
        for code, name, national in Project.objects.filter(plan=ctx.plan).values_list("code", "name",
                                                                                          "national_code"):
            codes.add(code)
            if national:
                by_national[national.strip().upper()] = code
            by_name.setdefault(fold_name(name), []).append(code)
        ctx.state["office"] = {"national": by_national, "name": by_name, "codes": codes, "names_seen": {},
                               "next": 1}
    return ctx.state["office"]


def _note(ctx: ImportContext, how: str) -> None:
    if ctx.reading is not None and how not in ctx.reading.matched_by:
        ctx.reading.matched_by.append(how)


def match_rows(ctx: ImportContext, rows: list[RawRow], *, create: bool) -> None:
    """Give each row its 项目编号 when the sheet has none: by 全国统一项目代码, else by 项目名称
    (whitespace and width ignored). A name met twice in the file, or naming two projects, is an
    error naming both; a name matching none is a new project (``create``, with a generated code)
    or an error. Rows that cannot be matched leave the chunk (their errors are recorded)."""
    if CODE in ctx.headers:
        _note(ctx, "code")
        return
    index = _index(ctx)
    kept = []
    for row in rows:
        code = _match_one(ctx, index, row, create)
        if code is not None:
            row.values[CODE] = code
            kept.append(row)
    rows[:] = kept


def _match_one(ctx: ImportContext, index: dict[str, Any], row: RawRow, create: bool) -> str | None:
    national = cells.text(row.values, NATIONAL)
    if national and national.upper() in index["national"]:
        _note(ctx, "national_code")
        return str(index["national"][national.upper()])
    name = cells.text(row.values, NAME)
    if not name:
        _error(ctx, row, NAME, None, "缺少项目编号和项目名称，无法对应到项目",
               "no project code or name to match the row by")
        return None
    key = fold_name(name)
    first = index["names_seen"].setdefault(key, row.number)
    if first != row.number:
        _error(ctx, row, NAME, name, f"项目名称「{name}」在本表中出现两次（第 {first} 行和第 {row.number} 行）",
               f"project name {name!r} appears twice in this file (rows {first} and {row.number})")
        return None
    found = index["name"].get(key, [])
    if len(found) > 1:
        _error(ctx, row, NAME, name, f"项目名称「{name}」对应多个项目（{'、'.join(found)}），请加项目编号列",
               f"project name {name!r} matches several projects ({', '.join(found)}); add a project code column")
        return None
    if found:
        _note(ctx, "name")
        return str(found[0])
    if not create:
        _error(ctx, row, NAME, name, f"施工图 {ctx.plan.code} 没有名为「{name}」的项目",
               f"plan {ctx.plan.code} has no project named {name!r}")
        return None
    _note(ctx, "name")
    while f"{GENERATED_PREFIX}{index['next']:04d}" in index["codes"]:
        index["next"] += 1
    code = f"{GENERATED_PREFIX}{index['next']:04d}"
    index["codes"].add(code)
    index["name"][key] = [code]
    return code


def normalise_project_cells(ctx: ImportContext, rows: list[RawRow]) -> None:
    """County forms of a projects ledger's cells, in place: 是否入统 ``已纳统，MA3…`` (the code
    goes to 纳统编码 when that is empty), stage words, degrees-minutes-seconds coordinates."""
    bad: set[int] = set()
    for row in rows:
        v = row.values
        flag = cells.text(v, "是否入统")
        if flag is not None:
            m = IN_STATS.match(unicodedata.normalize("NFKC", flag).strip())
            if m is not None:
                v["是否入统"] = "是"
                if m.group(2) and cells.blank(v.get("纳统编码")):
                    v["纳统编码"] = m.group(2)
            elif flag in NOT_IN_STATS:
                v["是否入统"] = "否"
        stage = cells.text(v, "项目阶段")
        if stage is not None and stage in STAGE_WORDS:
            v["项目阶段"] = STAGE_WORDS[stage]
        for column, axis in (("经度", "lng"), ("纬度", "lat")):
            raw = v.get(column)
            if isinstance(raw, str) and raw.strip():
                try:
                    v[column] = geo.parse_coordinate(raw, axis)
                except ValueProblem as exc:
                    _error(ctx, row, column, raw, exc.message_zh, exc.message_en)
                    bad.add(row.number)
    if bad:
        rows[:] = [r for r in rows if r.number not in bad]


def _period(raw: Any) -> Period | None:
    try:
        return Period.parse(raw) if not cells.blank(raw) else None
    except ValueProblem:
        return None  # the kind's own check names it


def year_to_date(ctx: ImportContext, rows: list[RawRow], projects: dict[str, Any],
                 counted: dict[int, dict[str, Decimal]], units: dict[str, str]) -> None:
    """Where a row gives 本年累计完成投资 and no 本月完成投资, the month's amount is the year to
    date less what is recorded (the database's and the file's earlier rows) up to the month
    before. ``counted`` is the kind's running record (project id → period → amount)."""
    if YTD not in ctx.headers:
        return
    fresh = [p.pk for p in projects.values() if p.pk not in counted]
    if fresh:
        for pk, periods in counted_by_period(fresh, ctx.plan.year).items():
            counted[pk] = periods
        for pk in fresh:
            counted.setdefault(pk, {})
    for row in rows:
        v = row.values
        if not cells.blank(v.get(MONTH)) or cells.blank(v.get(YTD)):
            continue
        project = projects.get(str(v.get(CODE) or "").strip())
        period = _period(v.get("填报月份"))
        if project is None or period is None:
            continue
        errs = ctx.row_errors(row)
        ytd = cells.amount_cell(v, YTD, errs, header_unit=units.get(YTD))
        if ytd is None:
            continue  # the kind's check reports the bad value
        before = sum((a for p, a in counted.get(project.pk, {}).items()
                      if p < period.key and p.startswith(f"{period.year}-")), Decimal(0))
        v[MONTH] = str(ytd - before)  # in 万元: the 本月 column has no unit note of its own


def recorded_ytd(ctx: ImportContext, existing: dict[str, Project]) -> None:
    """For a projects ledger with 投资完成率: each existing project's year to date as recorded."""
    if RATE not in ctx.headers:
        return
    counted = counted_by_period([p.pk for p in existing.values()], ctx.plan.year)
    ctx.state["recorded_ytd"] = {pk: sum(periods.values(), Decimal(0)) for pk, periods in counted.items()}


def check_project_rate(ctx: ImportContext, row: RawRow, clean: dict[str, Any], project: Project | None) -> None:
    """A projects ledger's 投资完成率 against the year to date recorded and the annual plan
    (the row's, else the project's)."""
    if RATE not in ctx.headers:
        return
    annual = clean.get("annual_plan") if clean.get("annual_plan") is not None else \
        getattr(project, "annual_plan", None)
    ytd = ctx.state.get("recorded_ytd", {}).get(project.pk, Decimal(0)) if project is not None else Decimal(0)
    rate_warning(ctx, row, annual, ytd)


def check_investment_rates(ctx: ImportContext, rows: list[RawRow], checked: list[tuple[dict[str, Any], Any]],
                           counted: dict[int, dict[str, Decimal]]) -> None:
    """An investment ledger's 投资完成率 against the year to date (recorded months and the file's
    earlier rows, up to the row's month) and the project's annual plan."""
    if RATE not in ctx.headers:
        return
    ids = {c["project_id"] for c, problems in checked if not problems and "project_id" in c}
    fresh = [pk for pk in ids if pk not in counted]
    for pk, periods in counted_by_period(fresh, ctx.plan.year).items():
        counted[pk] = periods
    annual = dict(Project.objects.filter(pk__in=ids).values_list("pk", "annual_plan"))
    for row, (clean, problems) in zip(rows, checked, strict=True):
        if problems or "project_id" not in clean or clean.get("amount") is None:
            continue
        months = counted.setdefault(clean["project_id"], {})
        months[clean["period"]] = clean["amount"]
        ytd = sum((a for p, a in months.items() if p <= clean["period"] and p[:4] == clean["period"][:4]), Decimal(0))
        rate_warning(ctx, row, annual.get(clean["project_id"]), ytd)


def rate_warning(ctx: ImportContext, row: RawRow, annual: Decimal | None, ytd: Decimal) -> None:
    """投资完成率 as written against the year to date and the annual plan: a warning naming the
    row when they differ by more than half a percentage point (the sheet is not wrong to round)."""
    raw = row.values.get(RATE)
    if cells.blank(raw) or not annual:
        return
    try:
        written = Decimal(str(raw).strip().rstrip("%％"))
    except ArithmeticError:
        return  # not a number: a column the platform does not read as one
    if isinstance(raw, float | int) and written <= 1:
        written *= 100  # a ratio cell formatted as a percentage
    actual = ytd / annual * 100
    if abs(actual - written) > Decimal("0.5"):
        column = ctx.headers.get(RATE, RATE)
        ctx.warnings.append(Said(f"第 {row.number} 行「{column}」为 {raw}，与数据不符"
                                 f"（本年累计 {ytd:f} 万元 ÷ 年度计划 {annual:f} 万元 = {actual:.1f}%）",
                                 f"Row {row.number}: {column} is {raw}, which disagrees with the figures "
                                 f"(year to date {ytd:f} ÷ annual plan {annual:f}, in 10k yuan, = {actual:.1f}%)"))
