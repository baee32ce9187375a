"""Reading a project's fields as people give them: through the API, the pages or a ledger row.

One table (:data:`PROJECT_FIELDS`) names each field, its canonical ledger header (contract
§3) and how its value is read, so the API, the forms and the ledger engine all accept and
refuse exactly the same things. Every problem names the field (``field``, the API name)
and the column (``column``, the canonical header) and quotes the value. The monthly
investment report (月度投资) has its table too (:data:`INVESTMENT_HEADERS`,
:func:`clean_investment`), read alike by its service, its form and its ledger.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from shigongtu.lib import geo
from shigongtu.lib.amounts import parse_amount, parse_number, parse_percent
from shigongtu.lib.bounds import MAX_AMOUNT, bounded, check_text
from shigongtu.lib.codes import validate_credit_code, validate_project_code
from shigongtu.lib.errors import FieldError, ValueProblem, in_english, shown
from shigongtu.lib.periods import Period, parse_date, parse_period
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.models import Node, Plan
from shigongtu.plans.services import find_unit
from shigongtu.projects.models import Project
from shigongtu.projects.models.project import CATEGORIES, LEVELS, NATURES, YEAR_KINDS
from shigongtu.projects.rules.stages import CLOSED, NOT_STARTED, PLANNING, STAGES, read_stage, stage_move_problem

PROJECT_CODE_RE = re.compile(r"^[^\s/\\?#%]{1,50}$")
TRUE_WORDS = frozenset({"是", "y", "yes", "true", "1", "已入统", "已入库", "√", "✓"})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0", "未入统", "未入库", "×", ""})


@dataclass(frozen=True)
class FieldSpec:
    """One project field: API/model ``name``, canonical ledger ``header``, how it is read."""

    name: str
    header: str
    # text | code | national | credit | choice | stage | amount | date | bool | lng | lat | crs | unit | nodes
    kind: str
    required: bool = False
    max_length: int = 0
    choices: tuple[str, ...] = ()
    end_of_month: bool = False


PROJECT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("code", "项目编号", "code", required=True),
    FieldSpec("name", "项目名称", "text", required=True, max_length=200),
    FieldSpec("national_code", "项目代码", "national"),
    FieldSpec("stats_code", "纳统编码", "text", max_length=50),
    FieldSpec("owner", "建设单位", "text", max_length=200),
    FieldSpec("owner_credit_code", "统一社会信用代码", "credit"),
    FieldSpec("nodes", "服务节点", "nodes"),
    FieldSpec("level", "项目级别", "choice", choices=LEVELS),
    FieldSpec("nature", "建设性质", "choice", choices=NATURES),
    FieldSpec("category", "项目类型", "choice", choices=CATEGORIES),
    FieldSpec("stage", "项目阶段", "stage"),
    FieldSpec("industry", "所属产业", "text", max_length=50),
    FieldSpec("total_investment", "总投资", "amount"),
    FieldSpec("annual_plan", "年度计划投资", "amount"),
    FieldSpec("annual_content", "年度计划建设内容", "text"),
    FieldSpec("planned_start", "计划开工时间", "date"),
    FieldSpec("planned_completion", "计划竣工时间", "date", end_of_month=True),
    FieldSpec("actual_start", "实际开工时间", "date"),
    FieldSpec("actual_completion", "实际竣工时间", "date", end_of_month=True),
    FieldSpec("resumed_on", "复工日期", "date"),
    FieldSpec("in_statistics", "是否入统", "bool"),
    FieldSpec("statistics_date", "入统日期", "date"),
    FieldSpec("leader", "包保领导", "text", max_length=100),
    FieldSpec("lead_unit", "责任单位", "unit"),
    FieldSpec("task_force", "项目专班", "text", max_length=200),
    FieldSpec("lng", "经度", "lng"),
    FieldSpec("lat", "纬度", "lat"),
    FieldSpec("crs", "坐标系", "crs"),
    FieldSpec("location", "建设地点", "text", max_length=300),
    FieldSpec("content", "建设内容及规模", "text"),
    FieldSpec("year_kind", "开工类型", "choice", choices=YEAR_KINDS),
    FieldSpec("spring_start", "春季开工", "bool"),
)
BY_NAME = {f.name: f for f in PROJECT_FIELDS}
EN_LABELS = {"code": "project code", "name": "project name", "lng": "longitude", "lat": "latitude"}
BY_HEADER = {f.header: f for f in PROJECT_FIELDS}
# Plain fields copied onto the model as they are (the rest need lookups: lead unit, nodes, coordinates).
MODEL_FIELDS = tuple(f.name for f in PROJECT_FIELDS if f.kind not in ("unit", "nodes", "lng", "lat", "crs"))
AUDITED = (*MODEL_FIELDS, "lng", "lat", "crs", "lead_unit_id")


def problem(spec: FieldSpec, raw: Any, message: str, en: str = "") -> FieldError:
    """A problem with one field: ``message`` in Chinese, ``en`` the same in English."""
    return FieldError(message, field=spec.name, column=spec.header, value=None if raw is None else shown(raw),
                   message_en=en)


def label_en(spec: FieldSpec) -> str:
    """The field as an English message names it: ``planned_start`` → planned start."""
    return EN_LABELS.get(spec.name, spec.name.replace("_", " "))


def read_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if raw is None:
        return False
    text = str(raw).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueProblem(f"应填“是”或“否”，不是{shown(raw)}", f"expected 是 or 否, not {shown(raw)}")


def split_codes(raw: Any) -> list[str]:
    if isinstance(raw, list | tuple):
        return [str(c).strip() for c in raw if str(c).strip()]
    return [c for c in re.split(r"[,，;；、\s]+", str(raw or "").strip()) if c]


@dataclass
class Lookups:
    """Units and nodes of a plan, looked up once per batch of rows."""

    plan: Plan
    create_units: bool = False
    units: dict[str, OrgUnit | None] = field(default_factory=dict)
    nodes: dict[str, int] | None = None

    def unit(self, name: str) -> OrgUnit | None:
        if name not in self.units:
            self.units[name] = find_unit(name, self.plan.unit)
        return self.units[name]

    def node_ids(self) -> dict[str, int]:
        if self.nodes is None:
            self.nodes = dict(Node.objects.filter(plan=self.plan).values_list("code", "pk"))
        return self.nodes


def _read(spec: FieldSpec, raw: Any, look: Lookups, header_unit: str | None) -> Any:
    """One field's clean value; raises ValueProblem (or ValueError) for a value it cannot read."""
    blank = raw is None or (type(raw) is str and not raw.strip())
    if type(raw) is str:
        check_text(raw)  # the one rule for control characters (lib.bounds)
    return _READERS[spec.kind](spec, raw, blank, look, header_unit)


def _text(spec: FieldSpec, raw: Any, blank: bool, look: Lookups, unit: str | None) -> str:
    text = "" if blank else str(raw).strip()
    if spec.max_length and len(text) > spec.max_length:
        raise ValueProblem(f"超过{spec.max_length}个字符", f"longer than {spec.max_length} characters")
    return text


def _code(spec: FieldSpec, raw: Any, blank: bool, look: Lookups, unit: str | None) -> str:
    text = "" if blank else str(raw).strip()
    if not PROJECT_CODE_RE.match(text):
        raise ValueProblem("项目编号不能为空，最长50个字符，不能含空格和 / \\ ? # %",
                           "a project code: 1–50 characters without spaces or / \\ ? # %")
    return text


def _choice(spec: FieldSpec, raw: Any, blank: bool, look: Lookups, unit: str | None) -> str:
    text = "" if blank else str(raw).strip()
    if text and text not in spec.choices:
        raise ValueProblem(f"应为{'、'.join(spec.choices)}之一", f"must be one of {', '.join(spec.choices)}")
    return text


def _stage(spec: FieldSpec, raw: Any, blank: bool, look: Lookups, unit: str | None) -> str:
    stage = read_stage(raw)
    if stage is None:
        raise ValueProblem(f"未知的项目阶段（可用：{'、'.join(STAGES)}）",
                           f"unknown stage (use {', '.join(STAGES)})")
    return stage


def _coordinate(spec: FieldSpec, raw: Any, blank: bool, look: Lookups, unit: str | None) -> float | None:
    return None if blank else float(parse_number(raw))


def _unit(spec: FieldSpec, raw: Any, blank: bool, look: Lookups, unit: str | None) -> OrgUnit | str | None:
    if blank:
        return None
    if isinstance(raw, OrgUnit):
        return raw
    name = str(raw).strip()
    found = look.unit(name)
    if found is None and not look.create_units:
        raise ValueProblem(f"单位「{name}」不存在", f"no unit called {name}")
    return found if found is not None else name  # a name to create on apply


def _nodes(spec: FieldSpec, raw: Any, blank: bool, look: Lookups, unit: str | None) -> list[str]:
    codes = split_codes(raw)
    if not codes:
        return codes
    known = look.node_ids()
    missing = [c for c in codes if c not in known]
    if missing:
        raise ValueProblem(f"施工图没有编号为{'、'.join(missing)}的节点", f"no node {', '.join(missing)} in the plan")
    return codes


def read_amount(raw: Any, header_unit: str | None = None) -> Decimal:
    """An amount in 万元 (总投资, 年度计划投资, 本月完成投资 …): at least 0, at most 10¹⁰ 万元, 4 decimal places."""
    return bounded(parse_amount(raw, "万元", header_unit=header_unit), minimum=0, maximum=MAX_AMOUNT)


_READERS: dict[str, Any] = {
    "text": _text,
    "code": _code,
    "national": lambda spec, raw, blank, look, unit: "" if blank else validate_project_code(str(raw)),
    "credit": lambda spec, raw, blank, look, unit: "" if blank else validate_credit_code(str(raw)),
    "choice": _choice,
    "stage": _stage,
    "amount": lambda spec, raw, blank, look, unit: Decimal(0) if blank else read_amount(raw, unit),
    "date": lambda spec, raw, blank, look, unit: None if blank else parse_date(raw, as_end=spec.end_of_month),
    "bool": lambda spec, raw, blank, look, unit: read_bool(raw),
    "lng": _coordinate,
    "lat": _coordinate,
    "crs": lambda spec, raw, blank, look, unit: geo.normalise_crs(None if blank else str(raw)),
    "unit": _unit,
    "nodes": _nodes,
}

# What an empty cell reads as, for the kinds whose reading of it is a constant (the same value
# their reader gives for None; immutable, so shared).
_BLANK: dict[str, Any] = {"text": "", "national": "", "credit": "", "choice": "", "amount": Decimal(0),
                          "date": None, "bool": False, "lng": None, "lat": None, "unit": None}


def clean_project(plan: Plan, data: Mapping[str, Any], existing: Project | None = None, *,
                  look: Lookups | None = None, today: dt.date | None = None,
                  header_units: Mapping[str, str] | None = None) -> tuple[dict[str, Any], list[FieldError]]:
    """Read and check a project's fields (keyed by API name or canonical header) against the plan.

    Returns the clean values by API name (``lead_unit`` an OrgUnit, or a name to create;
    ``nodes`` a list of node codes; ``lng``/``lat`` converted to WGS84) and every problem
    found. Cross-field rules: completion not before start, actual dates not in the future, a
    started project not in a pre-start stage, coordinates given in pairs and inside China, the
    stage moving only as the lifecycle allows. A new project needs a code and a name.
    """
    look = look or Lookups(plan)
    today = today or timezone.localdate()
    units = header_units or {}
    clean: dict[str, Any] = {}
    problems: list[FieldError] = []
    for key, raw in data.items():
        spec = BY_HEADER.get(key) or BY_NAME.get(key)
        if spec is None:
            continue
        if raw is None and spec.kind in _BLANK:  # most cells of a wide ledger are empty
            clean[spec.name] = _BLANK[spec.kind]
            continue
        try:
            clean[spec.name] = _read(spec, raw, look, units.get(spec.header))
        except ValueError as exc:
            problems.append(problem(spec, raw, str(exc), in_english(exc)))
    bad = {p.field for p in problems}
    problems += _missing_names(clean, existing, bad)

    def now(name: str) -> Any:
        if name in clean:
            return clean[name]
        return getattr(existing, name, None) if existing is not None else None

    problems += _date_problems(clean, now, bad, today)
    problems += _stage_problems(clean, existing, now, bad)
    problems += _coordinates(clean, existing, bad)
    return clean, problems


def _missing_names(clean: dict[str, Any], existing: Project | None, bad: set[str | None]) -> list[FieldError]:
    """A new project needs its code and name; an existing one cannot have its name blanked."""
    problems = []
    if existing is None:
        for name in ("code", "name"):
            if name not in bad and not clean.get(name):
                problems.append(problem(BY_NAME[name], None, f"缺少{BY_NAME[name].header}",
                                        f"missing {label_en(BY_NAME[name])}"))
    elif "name" in clean and not clean["name"] and "name" not in bad:
        problems.append(problem(BY_NAME["name"], "", "项目名称不能为空", "the project name cannot be empty"))
    return problems


def _date_problems(clean: dict[str, Any], now: Callable[[str], Any], bad: set[str | None],
                   today: dt.date) -> list[FieldError]:
    """Completion not before start, actual dates not in the future, no completion without a start."""
    problems = []
    for start, end in (("planned_start", "planned_completion"), ("actual_start", "actual_completion")):
        a, b = now(start), now(end)
        if a and b and b < a and not bad & {start, end}:
            problems.append(problem(BY_NAME[end], clean.get(end, b),
                                    f"{BY_NAME[end].header}{b}早于{BY_NAME[start].header}{a}",
                                    f"{label_en(BY_NAME[end])} {b} is before {label_en(BY_NAME[start])} {a}"))
    for name in ("actual_start", "actual_completion", "statistics_date"):
        value = clean.get(name)
        if value and value > today:
            problems.append(problem(BY_NAME[name], value, f"{BY_NAME[name].header}{value}在今天（{today}）之后",
                                    f"{label_en(BY_NAME[name])} {value} is after today ({today})"))
    if now("actual_completion") and not now("actual_start") and "actual_completion" not in bad:
        problems.append(problem(BY_NAME["actual_completion"], now("actual_completion"),
                                "有实际竣工时间却没有实际开工时间",
                                "an actual completion date without an actual start date"))
    return problems


def _stage_problems(clean: dict[str, Any], existing: Project | None, now: Callable[[str], Any],
                    bad: set[str | None]) -> list[FieldError]:
    """The stage (项目阶段) moves only as the lifecycle allows, and a started project is past the pre-start stages."""
    problems = []
    stage = now("stage") or PLANNING
    if "stage" in clean and existing is not None:
        why = stage_move_problem(existing.stage, clean["stage"])
        if why:
            problems.append(problem(BY_NAME["stage"], clean["stage"], why.message_zh, why.message_en))
    if now("actual_start") and stage in NOT_STARTED and "stage" not in bad:
        problems.append(problem(BY_NAME["stage"], stage, f"已有实际开工时间，项目阶段不能是「{stage}」",
                                f"the project has an actual start date, so its stage cannot be {stage}"))
    return problems


def _coordinates(clean: dict[str, Any], existing: Project | None, bad: set[str | None]) -> list[FieldError]:
    """Convert lng/lat to WGS84 from the given crs and check they are in China (in place)."""
    if not {"lng", "lat", "crs"} & clean.keys() or bad & {"lng", "lat", "crs"}:
        return []
    lng = clean.get("lng", float(existing.lng) if existing is not None and existing.lng is not None else None)
    lat = clean.get("lat", float(existing.lat) if existing is not None and existing.lat is not None else None)
    if lng is None and lat is None:
        clean.update(lng=None, lat=None, crs="")  # no point, no coordinate system
        return []
    if lng is None or lat is None:
        missing = BY_NAME["lat" if lat is None else "lng"]
        return [problem(missing, None, "经度和纬度要一起填写", "give longitude and latitude together")]
    try:
        geo.check_in_china(lng, lat)
    except ValueProblem as exc:
        return [problem(BY_NAME["lng"], lng, exc.message_zh, exc.message_en)]
    crs = clean.get("crs") or geo.WGS84
    w_lng, w_lat = geo.to_wgs84(lng, lat, crs)
    clean.update(lng=Decimal(f"{w_lng:.7f}"), lat=Decimal(f"{w_lat:.7f}"), crs=crs)
    return []


def derive_year_kind(project: Project, year: int) -> str:
    """新开工 when it starts (or is planned to start) in the plan year, 续建 when it started before."""
    return year_kind_of(project.actual_start, project.nature, project.planned_start, year)


def year_kind_of(actual_start: dt.date | None, nature: str, planned_start: dt.date | None, year: int) -> str:
    """:func:`derive_year_kind` from the three values it reads."""
    if actual_start is not None:
        return "新开工" if actual_start.year >= year else "续建"
    if nature == "续建":
        return "续建"
    if planned_start is not None and planned_start.year == year:
        return "新开工"
    return ""


def optional_date(data: Mapping[str, Any], key: str, problems: list[FieldError]) -> dt.date | None:
    """``data[key]`` read as a date, None when blank; a value that is not a date adds a problem."""
    raw = data.get(key)
    if raw in (None, ""):
        return None
    try:
        return parse_date(raw)
    except ValueError as exc:
        problems.append(FieldError(str(exc), field=key, value=str(raw)))
        return None


# -- monthly investment reports (月度投资) ------------------------------------------------------
# Checked the same way whether they come from the API, the report form or a ledger row:
# amounts ≥ 0 in 万元, the month inside the plan year and not in the future, an optional
# year-to-date figure (本年累计完成投资) equal to the sum of the monthly ones, image progress 0–100 %.

# name → canonical ledger header (contract §3's investment ledger, plus optional extras).
INVESTMENT_HEADERS = {
    "project": "项目编号",
    "period": "填报月份",
    "amount": "本月完成投资",
    "stats_amount": "统计口径完成投资",
    "funds_arrived": "本月到位资金",
    "progress_text": "形象进度",
    "progress_pct": "形象进度百分比",
    "next_steps": "下一步计划",
    "ytd": "本年累计完成投资",
}
INVESTMENT_BY_HEADER = {header: name for name, header in INVESTMENT_HEADERS.items()}
YTD_TOLERANCE = Decimal("0.01")  # 万元: one hundred 元, below what a ledger rounds to


def investment_problem(name: str, raw: Any, message: str, en: str = "") -> FieldError:
    """A problem with one figure of a monthly report: ``message`` in Chinese, ``en`` the same in English."""
    return FieldError(message, field=name, column=INVESTMENT_HEADERS[name], value=None if raw is None else shown(raw),
                   message_en=en)


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


@functools.lru_cache(maxsize=8)
def _month_of(day: dt.date) -> Period:
    # one Period per day, not one per row of a long ledger
    return Period.of(day)


def clean_investment(plan: Plan, project: Project | None, data: Mapping[str, Any], *, today: dt.date,
                     earlier: Mapping[str, Decimal] | None = None,
                     header_units: Mapping[str, str] | None = None) -> tuple[dict[str, Any], list[FieldError]]:
    """Read one month's figures (keyed by name or canonical header) for ``project``.

    ``earlier`` maps each period of the plan year to the amount already counted for this
    project (other reports, earlier rows of the same file), for the year-to-date check.
    """
    values = {INVESTMENT_BY_HEADER.get(k, k): v for k, v in data.items()}
    units = {INVESTMENT_BY_HEADER.get(k, k): v for k, v in (header_units or {}).items()}
    clean: dict[str, Any] = {}
    problems: list[FieldError] = []
    _investment_period(plan, values.get("period"), today, clean, problems)
    _investment_amounts(values, units, clean, problems)
    if "amount" not in values:
        problems.append(investment_problem("amount", None, "缺少本月完成投资", "missing investment this month"))
    if "progress_pct" in values and not _blank(values["progress_pct"]):
        clean["progress_pct"] = _percent(values["progress_pct"], problems)
    for name in ("progress_text", "next_steps"):
        if name in values:
            clean[name] = "" if _blank(values[name]) else str(values[name]).strip()
    text = clean.get("progress_text", "")
    if text and "progress_pct" not in clean and text.rstrip("%％").replace(".", "", 1).isdigit():
        clean["progress_pct"] = _percent(text, problems)  # 形象进度 given as a bare percentage
    if project is not None and project.stage in CLOSED:
        problems.append(FieldError(f"项目已{project.stage}，不再填报投资", field="project", column="项目编号",
                                value=project.code,
                                message_en=f"the project is {project.stage} and reports no more investment"))
    ytd = clean.pop("ytd", None)
    if ytd is not None and clean.get("amount") is not None and "period" in clean:
        before = sum((v for p, v in (earlier or {}).items() if p < clean["period"]), Decimal(0))
        if abs(before + clean["amount"] - ytd) > YTD_TOLERANCE:
            problems.append(investment_problem("ytd", values["ytd"],
                                               f"本年累计完成投资{ytd}万元与各月之和{before + clean['amount']}万元不符",
                                               f"investment this year to date, {ytd} (10k yuan), differs from the sum "
                                               f"of the months, {before + clean['amount']}"))
    return clean, problems


def _investment_period(plan: Plan, raw: Any, today: dt.date, clean: dict[str, Any],
                       problems: list[FieldError]) -> None:
    """The month reported (填报月份): in the plan year and not after the current month."""
    try:
        period = parse_period(raw)
    except ValueError as exc:
        if _blank(raw):
            problems.append(investment_problem("period", raw, "缺少填报月份", "missing month"))
        else:
            problems.append(investment_problem("period", raw, f"填报月份：{exc}", in_english(exc)))
        return
    if period.year != plan.year:
        problems.append(investment_problem("period", raw, f"填报月份{period.label_zh}不在施工图年度{plan.year}年内",
                                           f"month {period.key} is outside the plan year {plan.year}"))
    elif period > _month_of(today):
        problems.append(investment_problem("period", raw, f"填报月份{period.label_zh}还没到，不能填报以后月份的数",
                                           f"month {period.key} has not come yet; later months cannot be reported"))
    clean["period"] = period.key


def _investment_amounts(values: Mapping[str, Any], units: Mapping[str, Any], clean: dict[str, Any],
                        problems: list[FieldError]) -> None:
    """The month's amounts in 万元 (完成投资, 入统, 到位资金, 本年累计); only 本月完成投资 is required."""
    for name in ("amount", "stats_amount", "funds_arrived", "ytd"):
        if name not in values:
            continue
        raw = values[name]
        if _blank(raw):
            if name == "amount":
                problems.append(investment_problem(name, raw, "缺少本月完成投资", "missing investment this month"))
            clean[name] = None
            continue
        try:
            clean[name] = parse_amount(raw, "万元", header_unit=units.get(name))
        except ValueError as exc:
            problems.append(investment_problem(name, raw, str(exc), in_english(exc)))


def _percent(raw: Any, problems: list[FieldError]) -> Decimal | None:
    try:
        pct = parse_percent(raw)
    except ValueError as exc:
        problems.append(investment_problem("progress_pct", raw, str(exc), in_english(exc)))
        return None
    if not 0 <= pct <= 100:
        problems.append(investment_problem("progress_pct", raw, "形象进度应在0到100%之间",
                                           "physical progress must be between 0 and 100%"))
        return None
    return pct
