"""Reading an enterprise's fields as people give them: through the API, the pages or a ledger row.

Three tables — the enterprise (:data:`ENTERPRISE_FIELDS`), its tier record (:data:`TIER_FIELDS`)
and its yearly figures (:data:`YEAR_FIELDS`) — name each field, its canonical ledger header
(contract §3) and how its value is read, so the API, the forms and the ledger accept and refuse
exactly the same things. Every problem names the field (``field``) and the column (``column``,
the canonical header) and quotes the value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shigongtu.enterprises.rules import tiers
from shigongtu.lib.amounts import parse_amount, parse_number
from shigongtu.lib.codes import validate_credit_code
from shigongtu.lib.errors import FieldError, ValueProblem, in_english, shown
from shigongtu.lib.periods import parse_date

TRUE_WORDS = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "规上"})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0", "×", ""})


@dataclass(frozen=True)
class FieldSpec:
    """One field: API/model ``name``, canonical ledger ``header``, English label, how it is read."""

    name: str
    header: str
    kind: str  # text | credit | tier | status | level | date | bool | amount | count | year | number
    en: str
    required: bool = False
    max_length: int = 0


ENTERPRISE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "企业名称", "text", "enterprise name", required=True, max_length=200),
    FieldSpec("credit_code", "统一社会信用代码", "credit", "credit code", required=True),
    FieldSpec("industry", "所属行业", "text", "industry", max_length=50),
    FieldSpec("leader", "包保领导", "text", "leader", max_length=100),
    FieldSpec("officer", "服务专员", "text", "service officer", max_length=100),
    FieldSpec("registered_on", "注册日期", "date", "registration date"),
    FieldSpec("above_scale", "是否规上", "bool", "above scale"),
    FieldSpec("above_scale_on", "入规日期", "date", "above-scale date"),
    FieldSpec("address", "注册地址", "text", "address", max_length=300),
    FieldSpec("lng", "经度", "number", "longitude"),
    FieldSpec("lat", "纬度", "number", "latitude"),
)
TIER_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("tier", "梯度类别", "tier", "tier", required=True),
    FieldSpec("status", "状态", "status", "status"),
    FieldSpec("granted_on", "认定日期", "date", "granted date"),
    FieldSpec("expires_on", "有效期至", "date", "expiry"),
    FieldSpec("certificate_no", "证书编号", "text", "certificate no.", max_length=50),
    FieldSpec("level", "级别", "level", "level"),
    FieldSpec("batch", "批次", "text", "batch", max_length=50),
    FieldSpec("renewal_filed", "重新认定申报日期", "date", "renewal filed"),
)
YEAR_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("year", "年度", "year", "year", required=True),
    FieldSpec("revenue", "营业收入", "amount", "revenue"),
    FieldSpec("rd_expense", "研发费用", "amount", "R&D spending"),
    FieldSpec("staff_total", "职工总数", "count", "staff"),
    FieldSpec("tech_staff", "科技人员数", "count", "technical staff"),
    FieldSpec("ip_class1", "Ⅰ类知识产权", "count", "class I IP"),
    FieldSpec("ip_class2", "Ⅱ类知识产权", "count", "class II IP"),
    FieldSpec("equity_financing", "股权融资", "amount", "equity financing"),
)
ALL_FIELDS = (*ENTERPRISE_FIELDS, *TIER_FIELDS, *YEAR_FIELDS)
ENTERPRISE_NAMES = tuple(f.name for f in ENTERPRISE_FIELDS)
TIER_NAMES = tuple(f.name for f in TIER_FIELDS)
YEAR_NAMES = tuple(f.name for f in YEAR_FIELDS if f.name != "year")


def problem(spec: FieldSpec, raw: Any, message: str, en: str = "") -> FieldError:
    """A problem with one field: ``message`` in Chinese, ``en`` the same in English."""
    return FieldError(message, field=spec.name, column=spec.header, value=None if raw is None else shown(raw),
                      message_en=en or message)


def read_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = "" if raw is None else str(raw).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueProblem(f"应填“是”或“否”，不是{shown(raw)}", f"expected 是 or 否, not {shown(raw)}")


def _text(spec: FieldSpec, raw: Any) -> str:
    text = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw).strip()
    if spec.max_length and len(text) > spec.max_length:
        raise ValueProblem(f"超过{spec.max_length}个字符", f"longer than {spec.max_length} characters")
    return text


def _count(spec: FieldSpec, raw: Any) -> int:
    value = parse_number(raw)
    if value != value.to_integral_value():
        raise ValueProblem(f"{spec.header}应为整数，不是{shown(raw)}", f"{spec.en} must be a whole number")
    if value < 0:
        raise ValueProblem(f"{spec.header}不能为负数（{shown(raw)}）", f"{spec.en} cannot be negative")
    return int(value)


def _amount(spec: FieldSpec, raw: Any) -> Decimal:
    value = parse_amount(raw, "万元")
    if value < 0:
        raise ValueProblem(f"{spec.header}不能为负数（{shown(raw)}）", f"{spec.en} cannot be negative")
    return value


def _level(spec: FieldSpec, raw: Any) -> str:
    text = "".join(str(raw).split())
    found = text if text in tiers.LEVELS else next((lv for lv in tiers.LEVELS if lv.rstrip("级") == text), None)
    if found is None:
        raise ValueProblem(f"级别应为{'、'.join(tiers.LEVELS)}之一", f"level must be one of {', '.join(tiers.LEVELS)}")
    return found


_READERS: dict[str, Callable[[FieldSpec, Any], Any]] = {
    "text": _text,
    "credit": lambda spec, raw: validate_credit_code(str(raw)),
    "tier": lambda spec, raw: tiers.read_tier(raw),
    "status": lambda spec, raw: tiers.read_status(raw),
    "level": _level,
    "date": lambda spec, raw: parse_date(raw),
    "bool": lambda spec, raw: read_bool(raw),
    "amount": _amount,
    "count": _count,
    "year": lambda spec, raw: _count(spec, raw),
    "number": lambda spec, raw: parse_number(raw),
}
_BLANK = {"text": "", "level": "", "credit": "", "tier": "", "status": "", "bool": False}
# Kinds whose cells repeat down a ledger (a few tiers, statuses and batch dates in 100,000 rows):
# each distinct cell is read once. The values are immutable (str, date, bool, int, Decimal).
_ABSENT = object()  # a field the data does not carry (None is a blank value, which clears it)
_REPEATING = frozenset({"tier", "status", "level", "date", "bool", "amount", "count", "year"})
_MEMO: dict[tuple[str, type, Any], Any] = {}
_MEMO_MAX = 50_000


def _read_one(spec: FieldSpec, raw: Any) -> Any:
    """One cell's clean value; a cell of a repeating kind is read once (errors are not kept)."""
    if spec.kind not in _REPEATING:
        return _READERS[spec.kind](spec, raw)
    key = (spec.name, type(raw), raw)  # the type too: 1, 1.0 and True are equal keys
    try:
        return _MEMO[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable cell
        return _READERS[spec.kind](spec, raw)
    value = _READERS[spec.kind](spec, raw)
    if len(_MEMO) >= _MEMO_MAX:
        _MEMO.clear()
    _MEMO[key] = value
    return value


def read(specs: tuple[FieldSpec, ...], data: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """The clean values (by API name) of the fields ``data`` carries (keyed by API name or canonical
    header), and the problems found; a blank value clears the field."""
    clean: dict[str, Any] = {}
    problems: list[FieldError] = []
    for spec in specs:
        raw = data.get(spec.header, _ABSENT)
        if raw is _ABSENT:
            raw = data.get(spec.name, _ABSENT)
            if raw is _ABSENT:
                continue
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            clean[spec.name] = _BLANK.get(spec.kind)
            continue
        try:
            clean[spec.name] = _read_one(spec, raw)
        except ValueError as exc:
            problems.append(problem(spec, raw, str(exc), in_english(exc)))
    return clean, problems


BY_NAME = {f.name: f for f in ALL_FIELDS}


def _missing(specs: tuple[FieldSpec, ...], clean: Mapping[str, Any], bad: set[str | None]) -> list[FieldError]:
    return [problem(s, None, f"缺少{s.header}", f"missing {s.en}")
            for s in specs if s.required and s.name not in bad and not clean.get(s.name)]


def clean_enterprise(data: Mapping[str, Any], *, new: bool) -> tuple[dict[str, Any], list[FieldError]]:
    """An enterprise's fields; a new one needs its name and credit code."""
    clean, problems = read(ENTERPRISE_FIELDS, data)
    if new:
        problems += _missing(ENTERPRISE_FIELDS, clean, {p.field for p in problems})
    elif "name" in clean and not clean["name"]:
        problems.append(problem(BY_NAME["name"], "", "企业名称不能为空", "the enterprise name cannot be empty"))
    return clean, problems


def clean_tier(data: Mapping[str, Any], existing: Mapping[str, Any] | None = None
               ) -> tuple[dict[str, Any], list[FieldError]]:
    """A tier record's fields, completed as contract §3 says: the status defaults to 已认定 when a
    认定日期 is given (else 培育库), 有效期至 to three years less a day for the certificated tiers;
    已认定 needs a 认定日期 and 有效期至 must be after it. ``existing`` holds the record's current
    values (by API name) when it is an update."""
    clean, problems = read(TIER_FIELDS, data)
    bad = {p.field for p in problems}
    old = dict(existing or {})
    if existing is None:
        problems += _missing(TIER_FIELDS, clean, bad)
    if bad & {"tier", "status", "granted_on", "expires_on"} or not (clean.get("tier") or old.get("tier")):
        return clean, problems
    tier = clean.get("tier") or old["tier"]
    granted = clean["granted_on"] if "granted_on" in clean else old.get("granted_on")
    regranted = "granted_on" in clean and clean["granted_on"] != old.get("granted_on")
    if existing is not None and "status" not in clean:  # the status is not being set: it stays, but a
        status = old.get("status") or tiers.POOL        # record in the pool given a 认定日期 is recognised
        clean["status"] = tiers.GRANTED if regranted and granted and status in tiers.PIPELINE else status
    elif not clean.get("status"):
        clean["status"] = tiers.default_status(granted)
    if not clean.get("expires_on") and ("expires_on" in clean or existing is None or regranted):
        clean["expires_on"] = tiers.default_expiry(tier, granted)
    expires = clean["expires_on"] if "expires_on" in clean else old.get("expires_on")
    for name, zh, en in tiers.record_problems(clean["status"], granted, expires):
        spec = BY_NAME[name]
        problems.append(problem(spec, clean.get(name, old.get(name)), zh, en))
    return clean, problems


def clean_year(data: Mapping[str, Any], today: dt.date) -> tuple[dict[str, Any], list[FieldError]]:
    """A year's figures: none negative, the year not in the future, 科技人员 not above 职工总数."""
    clean, problems = read(YEAR_FIELDS, data)
    bad = {p.field for p in problems}
    problems += _missing(YEAR_FIELDS, clean, bad)
    year = clean.get("year")
    if year and "year" not in bad and year > today.year:
        problems.append(problem(BY_NAME["year"], year, f"年度{year}晚于今年（{today.year}），不能填报未来年度的数据",
                                f"year {year} is after this year ({today.year})"))
    elif year is not None and "year" not in bad and year < 1949:
        problems.append(problem(BY_NAME["year"], year, f"年度{year}不是有效的年份", f"{year} is not a valid year"))
    staff, tech = clean.get("staff_total"), clean.get("tech_staff")
    if staff is not None and tech is not None and tech > staff:
        problems.append(problem(BY_NAME["tech_staff"], tech, f"科技人员数{tech}多于职工总数{staff}",
                                f"technical staff {tech} exceed staff {staff}"))
    return clean, problems
