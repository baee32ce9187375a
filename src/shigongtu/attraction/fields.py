"""Reading a lead's fields as people give them: through the API, the pages or a ledger row.

One table (:data:`LEAD_FIELDS`) names each field, its canonical ledger header (contract §3,
招商项目台账) and how its value is read, so the API, the forms and the ledger accept and
refuse exactly the same things. Every problem names the field and the column and quotes the
value. Amounts are 万元 (a header or cell may say 亿元); 外资金额 is 万美元 and refuses 万元.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from shigongtu.attraction.models import MODES, REGIONS, Lead
from shigongtu.attraction.rules import stages
from shigongtu.lib.amounts import is_money_unit, parse_amount, parse_number
from shigongtu.lib.codes import validate_credit_code, validate_project_code
from shigongtu.lib.errors import FieldError, ValueProblem, in_english, shown
from shigongtu.lib.periods import parse_date
from shigongtu.plans.models import Plan
from shigongtu.projects.fields import Lookups, read_bool
from shigongtu.projects.models import Project

CODE_RE = re.compile(r"^[^\s/\\?#%]{1,50}$")
# Words the lead pages use in their own URLs (/plans/<plan>/leads/list/ …): a lead may not be called so.
RESERVED_CODES = frozenset({"list", "kpis", "new", "settings"})


@dataclass(frozen=True)
class FieldSpec:
    """One lead field: API/model ``name``, canonical ledger ``header``, how it is read, its English label."""

    name: str
    header: str
    kind: str  # code text credit national choice stage signing amount fdi area date bool unit project
    en: str
    required: bool = False
    max_length: int = 0
    choices: tuple[str, ...] = ()


LEAD_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("code", "编号", "code", "code", required=True),
    FieldSpec("name", "项目名称", "text", "name", required=True, max_length=200),
    FieldSpec("investor", "投资方", "text", "investor", max_length=200),
    FieldSpec("investor_credit_code", "统一社会信用代码", "credit", "credit code"),
    FieldSpec("national_code", "项目代码", "national", "national code"),
    FieldSpec("source_region", "来源地", "choice", "source region", choices=REGIONS),
    FieldSpec("mode", "招商方式", "choice", "mode", choices=MODES),
    FieldSpec("team", "招商小分队", "text", "team", max_length=100),
    FieldSpec("industry", "所属产业", "text", "industry", max_length=50),
    FieldSpec("chain", "产业链", "text", "industry chain", max_length=50),
    FieldSpec("investment", "协议投资额", "amount", "investment"),
    FieldSpec("fixed_assets", "固定资产投资", "amount", "fixed assets"),
    FieldSpec("land_area", "用地面积", "area", "land area"),
    FieldSpec("expected_output", "预计年产值", "amount", "expected output"),
    FieldSpec("expected_tax", "预计年税收", "amount", "expected tax"),
    FieldSpec("foreign", "是否外资", "bool", "foreign"),
    FieldSpec("fdi_usd", "外资金额", "fdi", "FDI"),
    FieldSpec("headquarters", "总部项目", "bool", "headquarters"),
    FieldSpec("rnd", "研发中心", "bool", "R&D centre"),
    FieldSpec("increment", "增资扩产", "bool", "increase"),
    FieldSpec("stage", "阶段", "stage", "stage"),
    FieldSpec("signing_kind", "签约类型", "signing", "signing kind"),
    FieldSpec("contacted_on", "登记日期", "date", "registered as a lead"),
    FieldSpec("signed_on", "签约日期", "date", "signed"),
    FieldSpec("registered_on", "注册日期", "date", "registered"),
    FieldSpec("started_on", "开工日期", "date", "started"),
    FieldSpec("operating_on", "投产日期", "date", "in operation"),
    FieldSpec("full_on", "达产日期", "date", "full production"),
    FieldSpec("exited_on", "终止日期", "date", "ended"),
    FieldSpec("exit_reason", "终止原因", "text", "reason", max_length=200),
    FieldSpec("answered_on", "响应日期", "date", "answered"),
    FieldSpec("assessed_on", "研判日期", "date", "assessed"),
    FieldSpec("fed_back_on", "反馈日期", "date", "fed back"),
    FieldSpec("last_progress_on", "最近进展日期", "date", "last progress"),
    FieldSpec("funds", "到位资金", "amount", "funds arrived"),
    FieldSpec("lead_unit", "责任单位", "unit", "lead unit"),
    FieldSpec("leader", "责任领导", "text", "leader", max_length=100),
    FieldSpec("project", "重点项目编号", "project", "key project"),
)
BY_NAME = {f.name: f for f in LEAD_FIELDS}
BY_HEADER = {f.header: f for f in LEAD_FIELDS}
DATE_FIELDS = tuple(f.name for f in LEAD_FIELDS if f.kind == "date")
# Plain fields copied onto the model as they are (the unit and the project need lookups).
MODEL_FIELDS = tuple(f.name for f in LEAD_FIELDS if f.kind not in ("unit", "project"))
AUDITED = (*MODEL_FIELDS, "lead_unit_id", "project_id")


def problem(spec: FieldSpec, raw: Any, message: str, en: str = "") -> FieldError:
    """A problem with one field: ``message`` in Chinese, ``en`` the same in English."""
    return FieldError(message, field=spec.name, column=spec.header, value=None if raw is None else shown(raw),
                      message_en=en)


@dataclass
class LeadLookups(Lookups):
    """Units and the plan's key projects, looked up once per batch of rows."""

    projects: dict[str, Project | None] = field(default_factory=dict)

    def project(self, code: str) -> Project | None:
        if code not in self.projects:
            self.projects[code] = Project.objects.filter(plan=self.plan, code=code).first()
        return self.projects[code]


def _blank(raw: Any) -> bool:
    return raw is None or (type(raw) is str and not raw.strip())


def _text(spec: FieldSpec, raw: Any, look: LeadLookups, unit: str | None) -> str:
    text = "" if _blank(raw) else str(int(raw) if isinstance(raw, float) and raw.is_integer() else raw).strip()
    if spec.max_length and len(text) > spec.max_length:
        raise ValueProblem(f"超过{spec.max_length}个字符", f"longer than {spec.max_length} characters")
    return text


def _code(spec: FieldSpec, raw: Any, look: LeadLookups, unit: str | None) -> str:
    text = _text(spec, raw, look, unit)
    if not CODE_RE.match(text):
        raise ValueProblem("编号不能为空，最长50个字符，不能含空格和 / \\ ? # %",
                           "a code: 1–50 characters without spaces or / \\ ? # %")
    if text.casefold() in RESERVED_CODES:
        raise ValueProblem(f"编号不能为 {text}（页面地址已用，保留字：{'、'.join(sorted(RESERVED_CODES))}）",
                           f"{text} cannot be a code: the pages use it ({', '.join(sorted(RESERVED_CODES))})")
    return text


def _choice(spec: FieldSpec, raw: Any, look: LeadLookups, unit: str | None) -> str:
    text = _text(spec, raw, look, unit)
    if text and text not in spec.choices:
        raise ValueProblem(f"应为{'、'.join(spec.choices)}之一", f"must be one of {', '.join(spec.choices)}")
    return text


def _stage(spec: FieldSpec, raw: Any, look: LeadLookups, unit: str | None) -> str:
    if _blank(raw):
        return ""
    stage = stages.read_stage(raw)
    if stage is None:
        raise ValueProblem(f"未知的阶段（可用：{'、'.join(stages.STAGES)}）",
                           f"unknown stage (use {', '.join(stages.STAGES)})")
    return stage


def _signing(spec: FieldSpec, raw: Any, look: LeadLookups, unit: str | None) -> str:
    if _blank(raw):
        return ""
    kind = stages.read_signing_kind(raw)
    if kind is None:
        raise ValueProblem("签约类型应为框架协议或正式合同", "signing kind must be 框架协议 or 正式合同")
    return kind


def _fdi(spec: FieldSpec, raw: Any, look: LeadLookups, unit: str | None) -> Decimal:
    """外资金额 in 万美元: a number, ``500万美元`` or ``0.5亿美元``; 万元 or 亿元 is refused (another currency)."""
    if unit is not None and is_money_unit(unit):
        raise ValueProblem(f"外资金额以万美元计，表头却注明{unit}",
                           f"FDI is in 万美元 (USD), but the header says {unit}")
    if _blank(raw):
        return Decimal(0)
    text = str(raw).strip().replace(",", "")
    factor = Decimal(1)
    for suffix, f in (("万美元", Decimal(1)), ("亿美元", Decimal(10000)), ("美元", Decimal("0.0001"))):
        if text.endswith(suffix):
            text, factor = text[: -len(suffix)].strip(), f
            break
    else:
        if any(text.endswith(s) for s in ("元", "万", "亿")):
            raise ValueProblem(f"外资金额以万美元计，不能填人民币金额：{shown(raw)}",
                               f"FDI is in 万美元 (USD), not yuan: {shown(raw)}")
    try:
        value = Decimal(text) * factor
    except InvalidOperation:
        raise ValueProblem(f"无法识别的外资金额：{shown(raw)}", f"not an FDI amount: {shown(raw)}") from None
    if value < 0:
        raise ValueProblem(f"外资金额不能为负数：{shown(raw)}", f"FDI cannot be negative: {shown(raw)}")
    return value


def _unit(spec: FieldSpec, raw: Any, look: LeadLookups, unit: str | None) -> Any:
    if _blank(raw):
        return None
    if not isinstance(raw, str) and hasattr(raw, "path"):
        return raw
    name = str(raw).strip()
    found = look.unit(name)
    if found is None and not look.create_units:
        raise ValueProblem(f"单位「{name}」不存在", f"no unit called {name}")
    return found if found is not None else name  # a name to create on apply


def _project(spec: FieldSpec, raw: Any, look: LeadLookups, unit: str | None) -> Project | None:
    """A key project of the lead's own plan, by its code (a project of another plan is refused)."""
    if _blank(raw):
        return None
    if isinstance(raw, Project):
        if raw.plan_id != look.plan.pk:
            raise ValueProblem(f"项目 {raw.code} 属于另一施工图，不能关联",
                               f"project {raw.code} belongs to another plan")
        return raw
    code = _text(spec, raw, look, unit)
    found = look.project(code)
    if found is None:
        if Project.objects.filter(code=code).exclude(plan=look.plan).exists():
            raise ValueProblem(f"项目 {code} 属于另一施工图，不能关联", f"project {code} belongs to another plan")
        raise ValueProblem(f"施工图中没有编号为{code}的重点项目", f"no key project {code} in the plan")
    return found


_READERS: dict[str, Any] = {
    "text": _text, "code": _code, "choice": _choice, "stage": _stage, "signing": _signing, "fdi": _fdi,
    "unit": _unit, "project": _project,
    "credit": lambda spec, raw, look, unit: "" if _blank(raw) else validate_credit_code(str(raw)),
    "national": lambda spec, raw, look, unit: "" if _blank(raw) else validate_project_code(str(raw)),
    "amount": lambda spec, raw, look, unit: Decimal(0) if _blank(raw) else parse_amount(raw, "万元", header_unit=unit),
    "area": lambda spec, raw, look, unit: Decimal(0) if _blank(raw) else parse_number(raw, minimum=0),
    "date": lambda spec, raw, look, unit: None if _blank(raw) else parse_date(raw),
    "bool": lambda spec, raw, look, unit: read_bool(raw),
}


def read_fields(data: Mapping[str, Any], look: LeadLookups,
                header_units: Mapping[str, str]) -> tuple[dict[str, Any], list[FieldError]]:
    """Each known key's clean value (by API name) and the values it could not read."""
    clean: dict[str, Any] = {}
    problems: list[FieldError] = []
    for key, raw in data.items():
        spec = BY_HEADER.get(key) or BY_NAME.get(key)
        if spec is None:
            continue
        try:
            clean[spec.name] = _READERS[spec.kind](spec, raw, look, header_units.get(spec.header))
        except ValueError as exc:
            problems.append(problem(spec, raw, str(exc), in_english(exc)))
    return clean, problems


def clean_lead(plan: Plan, data: Mapping[str, Any], existing: Lead | None = None, *,
               look: LeadLookups | None = None, today: dt.date | None = None,
               header_units: Mapping[str, str] | None = None) -> tuple[dict[str, Any], list[FieldError]]:
    """Read and check a lead's fields (keyed by API name or canonical header) against the plan.

    Cross-field rules: stage dates in order (登记 → 签约 → 注册 → 开工 → 投产 → 达产), a declared
    签约 or 开工 needs its date, an exit date only for an exit stage, stage dates not in the future.
    A new lead needs a code and a name; without a stage it declares its furthest dated one.
    """
    look = look or LeadLookups(plan)
    today = today or timezone.localdate()
    clean, problems = read_fields(data, look, header_units or {})
    bad = {p.field for p in problems}
    if existing is None:
        for name in ("code", "name"):
            if name not in bad and not clean.get(name):
                spec = BY_NAME[name]
                problems.append(problem(spec, None, f"缺少{spec.header}", f"missing {spec.en}"))
    elif "name" in clean and not clean["name"] and "name" not in bad:
        problems.append(problem(BY_NAME["name"], "", "项目名称不能为空", "the name cannot be empty"))

    def now(name: str) -> Any:
        if name in clean:
            return clean[name]
        return getattr(existing, name, None) if existing is not None else None

    if bad & set(DATE_FIELDS):
        return clean, problems
    dates = {name: now(name) for name in ("signed_on", "registered_on", "started_on", "operating_on", "full_on")}
    for p in stages.order_problems(dates, now("contacted_on")):
        later, earlier = BY_NAME[p.later], BY_NAME[p.earlier]
        message = f"{later.header}{now(p.later)}早于{earlier.header}{now(p.earlier)}"
        problems.append(problem(later, now(p.later), message,
                                f"{later.en} date {now(p.later)} is before the {earlier.en} date {now(p.earlier)}"))
    for name in DATE_FIELDS:
        value = clean.get(name)
        if value and value > today:
            spec = BY_NAME[name]
            problems.append(problem(spec, value, f"{spec.header}{value}在今天（{today}）之后",
                                    f"{spec.en} date {value} is after today ({today})"))
    if "stage" not in bad:
        declared = clean.get("stage") or (existing.stage if existing is not None and "stage" not in clean else "")
        if not declared:
            declared = stages.declared_from_dates(dates)
        clean["stage"] = declared
        missing = stages.missing_date(declared, dates)
        if missing:
            spec = BY_NAME[missing]
            problems.append(problem(BY_NAME["stage"], declared, f"阶段为{declared}，须填写{spec.header}",
                                    f"stage {declared} needs its {spec.en} date"))
        if now("exited_on") and declared not in stages.EXITS:
            problems.append(problem(BY_NAME["exited_on"], now("exited_on"), "只有终止或流失的项目才有终止日期",
                                    "only an ended or lost lead has an end date"))
    return clean, problems


def duplicate_key(name: str, investor: str, signed_on: dt.date | None) -> tuple[str, str, int] | None:
    """Leads with the same name and investor signed in the same year are the same signing."""
    if signed_on is None or not name:
        return None
    from shigongtu.attraction.rules.counting import normalised_name

    return normalised_name(name), normalised_name(investor or ""), signed_on.year


def duplicate_problem(code: str, other: str) -> FieldError:
    spec = BY_NAME["increment"]
    return FieldError(f"与{other}同名同投资方、同年签约，重复计数；如为增资扩产请填写“增资扩产：是”",
                      field=spec.name, column=BY_NAME["name"].header, value=code,
                      message_en=f"same name, investor and signing year as {other}: counted twice; "
                                 "mark it as an increase (增资扩产) if it is one")
