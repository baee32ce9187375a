"""Reading the blueprint's fields as people give them: through the API, the pages or a ledger row.

One table per record type — :data:`NODE_FIELDS` (任务), :data:`INDICATOR_FIELDS` (指标) and
:data:`REPORT_FIELDS` (月报) — names each field, its canonical ledger header (contract §3) and
the one function that reads it. ``plans.services``, the page forms (through the services'
problems) and the nodes/reports ledger kinds call the same readers, so a rule such as "完成时限
不早于开始时间" exists once, with one Chinese wording and its English beside it.

A reader takes a raw value and returns the clean one, or raises :class:`ValueProblem`
(Chinese and English); :func:`problem` turns that into a :class:`FieldError` naming the field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shigongtu.lib.amounts import parse_number, parse_percent
from shigongtu.lib.bounds import bounded, check_text
from shigongtu.lib.errors import FieldError, ValueProblem, in_english, shown
from shigongtu.lib.periods import Period, parse_date, parse_period
from shigongtu.plans.rules.indicators import validate_curve

CODE_RE = re.compile(r"^\d+(\.\d+)*$")
KIND_WORDS = {"流量": "flow", "flow": "flow", "存量": "stock", "stock": "stock",
              "增速": "rate", "比率": "rate", "增速/比率": "rate", "rate": "rate"}
SOURCE_WORDS = {"填报": "reports", "月报": "reports", "reports": "reports", "指标": "indicator",
                "indicator": "indicator", "项目": "projects", "projects": "projects"}
YES_WORDS = {"是", "y", "yes", "true", "1", "√"}
NO_WORDS = {"否", "n", "no", "false", "0", ""}
STATISTIC_SPAN = re.compile(r"^(?:(?P<y>\d{4})\s*年)?\s*1\s*[-–—~～至到]\s*(?P<m>\d{1,2})\s*月份?(?:累计)?$")
CURVE_SPLIT = re.compile(r"[,，;；、\s]+")
MAX_WEIGHT = 100_000  # 权重 is DecimalField(max_digits=10, decimal_places=4)


def blank(raw: Any) -> bool:
    """Nothing given: None or only spaces."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


# -- node (任务) ------------------------------------------------------------------------------

def read_code(raw: Any) -> str:
    """A node's dotted code (编号): 1, 1.2, 1.2.3 — its parent is the code without the last part."""
    code = "" if raw is None else str(raw).strip()
    if not CODE_RE.match(code):
        raise ValueProblem("编号应为以点分隔的数字，如 1、1.2、1.2.3",
                           "a code must be numbers separated by dots, such as 1, 1.2 or 1.2.3")
    return code


def read_title(raw: Any) -> str:
    """A node's title (任务名称): required, trimmed."""
    title = "" if raw is None else str(raw).strip()
    if not title:
        raise ValueProblem("任务名称不能为空", "required: task name")
    return title


def read_date(raw: Any, *, as_end: bool = False) -> dt.date | None:
    """A start (开始时间) or due date (完成时限); a month alone is its first day, or its last when ``as_end``."""
    if blank(raw):
        return None
    return parse_date(raw, as_end=as_end)


def read_due(raw: Any) -> dt.date | None:
    """A due date (完成时限): a month alone means by its last day."""
    return read_date(raw, as_end=True)


def check_dates(start: dt.date | None, due: dt.date | None) -> None:
    """A node's due date may not fall before its start."""
    if start and due and due < start:
        raise ValueProblem(f"完成时限 {due} 早于开始时间 {start}", f"due date {due} is before the start date {start}")


def read_weight(raw: Any) -> Decimal:
    """A node's weight (权重) among its siblings: a number not below 0."""
    try:
        weight = parse_number(raw, minimum=0)
    except ValueProblem:
        raise ValueProblem(f"权重应为不小于0的数：{shown(raw)}",
                           f"the weight must be a number not below 0: {shown(raw)}") from None
    try:
        return bounded(weight, maximum=MAX_WEIGHT)
    except ValueProblem:
        raise ValueProblem(f"权重不能大于{MAX_WEIGHT}：{shown(raw)}",
                           f"the weight must be at most {MAX_WEIGHT}: {shown(raw)}") from None


# -- indicator (指标) -------------------------------------------------------------------------

def read_indicator_name(raw: Any) -> str:
    """An indicator's name (指标名称): required, unique within the plan (checked by the caller)."""
    name = "" if raw is None else str(raw).strip()
    if not name:
        raise ValueProblem("指标名称不能为空", "required: indicator name")
    return name


def read_kind(raw: Any) -> str:
    """An indicator's kind (指标类型): 流量/flow adds up month by month, 存量/stock takes the latest
    level against its baseline, 增速/比率/rate a percentage such as 同比增长."""
    kind = KIND_WORDS.get(str(raw).strip().lower()) if raw is not None else None
    if kind is None:
        raise ValueProblem("指标类型应为“流量”“存量”或“增速/比率”",
                           "the indicator kind must be 流量 (flow), 存量 (stock) or 增速/比率 (rate)")
    return kind


def read_baseline(raw: Any) -> Decimal:
    """An indicator's baseline (基数, 上年末): the level the year starts from; blank means 0."""
    if blank(raw):
        return Decimal(0)
    try:
        return bounded(parse_number(raw))
    except ValueProblem:
        raise ValueProblem(f"基数应为不超过10¹²的数字：{shown(raw)}",
                           f"the baseline must be a number up to 10¹²: {shown(raw)}") from None


def read_indicator_due(raw: Any) -> dt.date | None:
    """An indicator's due date (指标完成时限): a month alone means its last day; blank means none."""
    return read_date(raw, as_end=True)


def check_indicator_due(due: dt.date | None, year: int) -> None:
    """An indicator's due date must lie within the plan year."""
    if due is not None and due.year != year:
        raise ValueProblem(f"指标完成时限 {due} 不在施工图年度 {year} 内",
                           f"the indicator due date {due} is outside the plan year {year}")


def read_cumulative(raw: Any) -> bool:
    """Whether an indicator's period values are year-to-date totals (累计值, 1–N月累计): 是 / 否."""
    if isinstance(raw, bool):
        return raw
    word = "" if raw is None else str(raw).strip().lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise ValueProblem(f"累计值只能填“是”或“否”：{shown(raw)}", f"cumulative must be 是 (yes) or 否 (no): {shown(raw)}")


def check_indicator(kind: str, target: Decimal | None, baseline: Decimal | None) -> tuple[str, ValueProblem] | None:
    """The rules that join an indicator's fields (contract §2): a stock's target differs from its
    baseline; a rate's (and a flow's) target is above 0. Returns the field at fault and why."""
    if target is None:
        return None
    if kind == "stock":
        if baseline is not None and target == baseline:
            return "baseline", ValueProblem(f"存量指标的基数（{baseline:f}）不能等于目标值",
                                            f"a stock's baseline ({baseline:f}) must differ from its target")
    elif target <= 0:
        return "target", ValueProblem("增速/比率和流量指标的目标值应大于0",
                                      "the target of a rate or flow indicator must be above 0")
    return None


def read_progress_source(raw: Any) -> str:
    """Where a leaf's progress comes from (进度来源): 填报/reports (default), 指标/indicator, 项目/projects."""
    if blank(raw):
        return "reports"
    source = SOURCE_WORDS.get(str(raw).strip().lower())
    if source is None:
        raise ValueProblem("进度来源应为“填报”“指标”或“项目”",
                           "the progress source must be 填报 (reports), 指标 (indicator) or 项目 (projects)")
    return source


def read_target(raw: Any) -> Decimal:
    """An indicator's target (目标值): a number (a ledger converts money units first); above 0
    except for a stock, whose target only has to differ from its baseline (:func:`check_indicator`)."""
    try:
        target = parse_number(raw)
    except ValueProblem:
        raise ValueProblem(f"目标值应为数字：{shown(raw)}", f"the target must be a number: {shown(raw)}") from None
    try:
        return bounded(target)  # as stored: 4 decimal places, at most 10¹² (1e30 overflowed the column)
    except ValueProblem:
        raise ValueProblem("目标值不能超过10¹²", "the target must be at most 10¹²") from None


def read_curve(raw: Any) -> list[float] | None:
    """The monthly plan (分月计划): 12 cumulative shares ending at 1 (or 100%); blank means none.

    Given as a list (API) or as text (a ledger cell: ``0.1,0.2,…`` or ``10%,20%,…``).
    """
    if blank(raw) or raw == []:
        return None
    try:
        return list(validate_curve(_curve_values(raw)))
    except (ValueError, TypeError) as exc:
        raise ValueProblem(f"分月计划无效：{exc}", f"invalid monthly plan: {in_english(exc)}") from None


def _curve_values(raw: Any) -> list[float]:
    if isinstance(raw, list | tuple):
        return [float(v) for v in raw]
    if isinstance(raw, int | float):
        raise ValueProblem("应填写12个用逗号分隔的累计比例", "give 12 cumulative shares separated by commas")
    parts = [p for p in CURVE_SPLIT.split(str(raw).strip()) if p]
    values = []
    for part in parts:
        percent = part.endswith(("%", "％"))
        try:
            number = float(part.rstrip("%％"))
        except ValueError:
            raise ValueProblem(f"「{part}」不是数字", f"not a number: {part}") from None
        values.append(number / 100 if percent else number)
    if any(p.endswith(("%", "％")) for p in parts):
        values = [v if v <= 1 else v / 100 for v in values]
    return values


def curve_text(curve: list[float] | None) -> str:
    """The monthly plan as a ledger cell writes it (what :func:`read_curve` reads back)."""
    return "" if not curve else ",".join(f"{float(v):g}" for v in curve)


# -- monthly report (月报) --------------------------------------------------------------------

def read_progress(raw: Any) -> Decimal:
    """A report's cumulative progress (进度) in percent points, 0–100; ``65`` and ``65%`` both give 65."""
    try:
        progress = bounded(parse_percent(raw), places=3)
    except ValueProblem:
        progress = None
    if progress is None or not Decimal(0) <= progress <= Decimal(100):
        raise ValueProblem(f"进度应为0到100之间的数：{shown(raw)}",
                           f"progress must be a number from 0 to 100: {shown(raw)}")
    return progress


def check_year(period: Period, year: int) -> Period:
    """A report month (填报月份) must lie in the plan's year."""
    if period.year != year:
        raise ValueProblem(f"填报月份 {period.key} 不在施工图年度 {year} 内",
                           f"month {period.key} is outside the plan year {year}")
    return period


def read_period(raw: Any, year: int) -> Period:
    """A report month (填报月份) such as 2023-03 or 2023年3月, within the plan's ``year``."""
    return check_year(parse_period(raw), year)


def read_statistic_period(raw: Any, year: int) -> Period:
    """A statistics month (统计期): ``2023-06``, ``2023年6月``, ``2023年1-6月`` or ``1-6月`` (the
    plan's year), each meaning 2023-06; it must lie in the plan's year."""
    if isinstance(raw, str) and (match := STATISTIC_SPAN.match(raw.strip())):
        month = int(match["m"])
        if not 1 <= month <= 12:
            raise ValueProblem(f"统计期月份无效：{raw}", f"not a month: {raw}")
        period = Period(int(match["y"] or year), month)
    else:
        period = parse_period(raw)
    if period.year != year:
        raise ValueProblem(f"统计期 {period.key} 不在施工图年度 {year} 内",
                           f"period {period.key} is outside the plan year {year}")
    return period


def read_yoy(raw: Any) -> Decimal | None:
    """A published year-on-year growth (同比增长) in %: ``6.1`` or ``6.1%``; blank means none."""
    if blank(raw):
        return None
    try:
        return parse_percent(raw)
    except ValueProblem:
        raise ValueProblem(f"同比增长应为百分数：{shown(raw)}",
                           f"year-on-year growth must be a percentage: {shown(raw)}") from None


def read_value(name: str, raw: Any) -> Decimal | None:
    """An indicator's value in a report: a number (thousands separators allowed); blank means none."""
    if blank(raw):
        return None
    try:
        value = parse_number(raw)
    except ValueProblem:
        raise ValueProblem(f"指标「{name}」的值应为数字", f"the value of indicator {name} must be a number") from None
    try:
        return bounded(value)
    except ValueProblem:
        raise ValueProblem(f"指标「{name}」的值超出范围（绝对值不超过10¹²）",
                           f"the value of indicator {name} is out of range (at most 10¹² in size)") from None


# -- the tables ------------------------------------------------------------------------------

@dataclass(frozen=True)
class FieldSpec:
    """One field: API/model ``name``, canonical ledger ``header``, and the function that reads it."""

    name: str
    header: str
    read: Callable[[Any], Any]


NODE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("code", "编号", read_code),
    FieldSpec("title", "任务名称", read_title),
    FieldSpec("start", "开始时间", read_date),
    FieldSpec("due", "完成时限", read_due),
    FieldSpec("weight", "权重", read_weight),
    FieldSpec("progress_source", "进度来源", read_progress_source),
)
INDICATOR_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "指标名称", read_indicator_name),
    FieldSpec("target", "目标值", read_target),
    FieldSpec("kind", "指标类型", read_kind),
    FieldSpec("curve", "分月计划", read_curve),
    FieldSpec("baseline", "基数", read_baseline),
    FieldSpec("due", "指标完成时限", read_indicator_due),
    FieldSpec("cumulative", "累计值", read_cumulative),
)
REPORT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("progress", "进度", read_progress),
)


def problem(name: str, raw: Any, exc: ValueProblem) -> FieldError:
    """A reader's refusal as a FieldError naming the API field (the API's error shape: no column)."""
    return FieldError(exc.message_zh, field=name, value=raw, message_en=exc.message_en)


def clean(table: tuple[FieldSpec, ...], data: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Read every field of ``table`` present in ``data``; the clean values and one problem per bad field.

    Fields outside the table are passed through unchanged (text such as 责任领导, notes).
    """
    readers = {spec.name: spec.read for spec in table}
    out: dict[str, Any] = {}
    problems: list[FieldError] = []
    for key, raw in data.items():
        try:
            if isinstance(raw, str):
                check_text(raw)  # the one rule for control characters, for every field
            if key not in readers:
                out[key] = raw
                continue
            out[key] = readers[key](raw)
        except ValueProblem as exc:
            problems.append(problem(key, raw, exc))
    return out, problems
