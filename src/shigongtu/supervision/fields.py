"""Reading a supervision item's fields as people give them: through the API, the pages or a ledger row.

One table (:data:`ITEM_FIELDS`) names each field, its canonical ledger header (contract §3) and
how its value is read, so the API, the forms and the ledger accept and refuse the same things.
Every problem names the field (``field``) and the column (``column``) and quotes the value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shigongtu.lib import geo
from shigongtu.lib.amounts import parse_number
from shigongtu.lib.errors import FieldError, ValueProblem, in_english, shown
from shigongtu.lib.periods import parse_date
from shigongtu.orgs.models import OrgUnit
from shigongtu.plans.models import Node, Plan
from shigongtu.projects.models import Project
from shigongtu.supervision.models import SupervisionItem
from shigongtu.supervision.rules import lifecycle as lc
from shigongtu.supervision.rules.coords import parse_degrees

YES = frozenset({"是", "已销号", "y", "yes", "true", "1", "√", "✓"})
NO = frozenset({"否", "未销号", "n", "no", "false", "0", "×", ""})


@dataclass(frozen=True)
class FieldSpec:
    """One item field: API/model ``name``, canonical ledger ``header``, how it is read (``kind``)."""

    name: str
    header: str
    kind: str  # text | choice | state | closed | date | deadline | number | degrees | unit | node | project
    required: bool = False
    max_length: int = 0
    choices: tuple[str, ...] = ()
    label_en: str = ""


ITEM_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("code", "编号", "text", required=True, max_length=60, label_en="code"),
    FieldSpec("title", "事项名称", "text", required=True, max_length=500, label_en="title"),
    FieldSpec("source", "来源", "choice", choices=lc.SOURCES, label_en="source"),
    FieldSpec("campaign", "批次", "text", max_length=100, label_en="campaign"),
    FieldSpec("doc_no", "文号", "text", max_length=100, label_en="document no."),
    FieldSpec("clause", "条款", "text", max_length=100, label_en="clause"),
    FieldSpec("original_text", "原文", "text", label_en="original wording"),
    FieldSpec("content", "具体内容", "text", label_en="content"),
    FieldSpec("target", "整改目标", "text", label_en="target"),
    FieldSpec("measures", "整改措施", "text", label_en="measures"),
    FieldSpec("standard", "完成标准", "text", label_en="completion standard"),
    FieldSpec("lead_unit", "牵头单位", "unit", label_en="lead unit"),
    FieldSpec("supporting_units", "配合单位", "text", max_length=300, label_en="supporting units"),
    FieldSpec("leader", "责任领导", "text", max_length=100, label_en="leader"),
    FieldSpec("contact", "联系人", "text", max_length=100, label_en="contact"),
    FieldSpec("assigned_on", "交办日期", "date", label_en="assigned"),
    FieldSpec("deadline", "整改时限", "deadline", label_en="deadline"),
    FieldSpec("original_deadline", "原定时限", "date", label_en="original deadline"),
    FieldSpec("horizon", "整改类型", "choice", choices=lc.HORIZONS, label_en="horizon"),
    FieldSpec("report_cycle", "报送周期", "choice", choices=lc.CYCLES, label_en="report cycle"),
    FieldSpec("status", "状态", "state", label_en="status"),
    FieldSpec("closed", "是否销号", "closed", label_en="closed"),
    FieldSpec("closed_on", "销号日期", "date", label_en="closed on"),
    FieldSpec("progress", "整改进展", "text", label_en="progress"),
    FieldSpec("lng", "经度", "degrees", label_en="longitude"),
    FieldSpec("lat", "纬度", "degrees", label_en="latitude"),
    FieldSpec("area", "图斑面积", "number", label_en="area"),
    FieldSpec("finding_type", "图斑类型", "choice", choices=lc.FINDING_TYPES, label_en="finding type"),
    FieldSpec("verified_by", "核查单位", "text", max_length=100, label_en="verified by"),
    FieldSpec("verified_on", "核查时间", "date", label_en="verified on"),
    FieldSpec("verifier", "核查人", "text", max_length=100, label_en="verifier"),
    FieldSpec("node", "服务节点", "node", label_en="node"),
    FieldSpec("project", "关联项目", "project", label_en="project"),
    FieldSpec("enterprise", "关联企业", "text", max_length=200, label_en="enterprise"),
)
BY_NAME = {f.name: f for f in ITEM_FIELDS}
BY_HEADER = {f.header: f for f in ITEM_FIELDS}
# Values copied onto the model as they are; the rest are looked up or derived.
PLAIN = tuple(f.name for f in ITEM_FIELDS if f.kind not in ("unit", "node", "project", "closed", "deadline"))
# What the change history records of an item.
AUDITED = (*PLAIN, "deadline", "long_term", "lead_unit_id", "node_id", "project_id", "time_nodes", "escalation",
           "review_step", "last_feedback_on", "verification_photo")


def problem(spec: FieldSpec, raw: Any, message: str, en: str = "") -> FieldError:
    """A problem with one field: ``message`` in Chinese, ``en`` the same in English."""
    return FieldError(message, field=spec.name, column=spec.header, value=None if raw is None else shown(raw),
                      message_en=en)


@dataclass
class Lookups:
    """Units, nodes and projects of a plan, looked up once per batch of rows."""

    plan: Plan
    create_units: bool = False
    units: dict[str, OrgUnit | None] = field(default_factory=dict)
    nodes: dict[str, int] | None = None
    projects: dict[str, int] | None = None

    def unit(self, name: str) -> OrgUnit | None:
        from shigongtu.plans.services import find_unit

        if name not in self.units:
            self.units[name] = find_unit(name, self.plan.unit)
        return self.units[name]

    def node_id(self, code: str) -> int | None:
        if self.nodes is None:
            self.nodes = dict(Node.objects.filter(plan=self.plan).values_list("code", "pk"))
        return self.nodes.get(code)

    def project_id(self, code: str) -> int | None:
        if self.projects is None:
            self.projects = dict(Project.objects.filter(plan=self.plan).values_list("code", "pk"))
        return self.projects.get(code)


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _text_of(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def _read_text(spec: FieldSpec, raw: Any) -> str:
    """A text or choice field: trimmed, within its length, one of its choices."""
    text = "" if _blank(raw) else _text_of(raw)
    if spec.max_length and len(text) > spec.max_length:
        raise ValueProblem(f"超过{spec.max_length}个字符", f"longer than {spec.max_length} characters")
    if spec.kind == "choice" and text and text not in spec.choices:
        raise ValueProblem(f"未知的{spec.header}“{text}”，应为{'、'.join(spec.choices)}之一",
                           f"unknown {spec.label_en} {text!r}: use one of {', '.join(spec.choices)}")
    return text


# Kinds whose cells repeat down a ledger (nine sources, a few states, a year of dates): each
# distinct cell is read once per process. Their clean values are immutable (str, bool, date, None).
_REPEATING = frozenset({"choice", "state", "closed", "date", "deadline"})
_MEMO: dict[tuple[str, type, Any], Any] = {}
_MEMO_MAX = 50_000


def _read(spec: FieldSpec, raw: Any, look: Lookups) -> Any:
    """One field's clean value; raises ValueProblem for a value it cannot read."""
    kind = spec.kind
    if kind == "text":
        if type(raw) is str:
            text = raw.strip()
            if spec.max_length and len(text) > spec.max_length:
                raise ValueProblem(f"超过{spec.max_length}个字符", f"longer than {spec.max_length} characters")
            return text
        return _read_text(spec, raw)
    if kind in _REPEATING:
        key = (spec.name, type(raw), raw)  # the type too: 1, 1.0 and True are equal keys
        try:
            return _MEMO[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable cell
            return _read_cell(spec, raw, look)
        value = _read_cell(spec, raw, look)
        if len(_MEMO) >= _MEMO_MAX:
            _MEMO.clear()
        _MEMO[key] = value
        return value
    return _read_cell(spec, raw, look)


def _read_cell(spec: FieldSpec, raw: Any, look: Lookups) -> Any:
    kind = spec.kind
    if kind in ("text", "choice"):
        return _read_text(spec, raw)
    if _blank(raw):
        return False if kind == "closed" else None
    if kind == "state":
        state = lc.read_state(raw)
        if state is None:
            raise ValueProblem(f"未知的状态“{_text_of(raw)}”，应为{'、'.join(lc.STATES)}之一",
                               f"unknown status {_text_of(raw)!r}: use one of {', '.join(lc.STATES)}")
        return state
    if kind == "closed":
        text = _text_of(raw).lower() if not isinstance(raw, bool) else ("是" if raw else "否")
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueProblem(f"应填“是”或“否”，不是{shown(raw)}", f"expected 是 or 否, not {shown(raw)}")
    if kind == "date":
        return raw if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime) else parse_date(raw)
    if kind == "deadline":
        if isinstance(raw, str) and raw.strip().lower() in lc.LONG_TERM_WORDS:
            return "long-term"
        return raw if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime) else parse_date(raw, as_end=True)
    if kind == "number":
        value = parse_number(raw)
        if value < 0:
            raise ValueProblem("面积不能为负数", "the area cannot be negative")
        return value
    if kind == "degrees":
        return parse_degrees(raw, spec.header, spec.label_en)
    return _lookup(spec, raw, look)


def _lookup(spec: FieldSpec, raw: Any, look: Lookups) -> Any:
    if isinstance(raw, OrgUnit):
        return raw
    text = _text_of(raw)
    if spec.kind == "unit":
        found = look.unit(text)
        if found is None and not look.create_units:
            raise ValueProblem(f"单位「{text}」不存在", f"no unit called {text}")
        return found if found is not None else text  # a name to create on apply
    if spec.kind == "node":
        node_id = look.node_id(text)
        if node_id is None:
            raise ValueProblem(f"施工图没有编号为{text}的节点", f"no node {text} in the plan")
        return node_id
    project_id = look.project_id(text)
    if project_id is None:
        raise ValueProblem(f"施工图没有编号为{text}的重点项目", f"no key project {text} in the plan")
    return project_id


def clean_item(plan: Plan, data: Mapping[str, Any], existing: SupervisionItem | None = None, *,
               look: Lookups | None = None) -> tuple[dict[str, Any], list[FieldError]]:
    """Read and check an item's fields (keyed by API name or canonical header) against the plan.

    Returns the clean values by API name (``lead_unit`` an OrgUnit or a name to create, ``node``
    and ``project`` ids, ``deadline`` a date with ``long_term``, ``status`` settled with 是否销号)
    and every problem found. Cross-field rules (the issue's "Bad input"): deadline and 销号日期
    not before 交办日期; 已销号 needs a 销号日期; a 遥感图斑 item needs its on-site verification
    (核查单位, 核查时间, 核查人) before 销号; coordinates in pairs and inside China.
    """
    look = look or Lookups(plan)
    clean: dict[str, Any] = {}
    problems: list[FieldError] = []
    for key, raw in data.items():
        spec = BY_HEADER.get(key) or BY_NAME.get(key)
        if spec is None:
            continue
        try:
            clean[spec.name] = _read(spec, raw, look)
        except ValueError as exc:
            problems.append(problem(spec, raw, str(exc), in_english(exc)))
    bad = {p.field for p in problems}
    for name in ("code", "title"):
        if name not in bad and not clean.get(name, getattr(existing, name, "")):
            spec = BY_NAME[name]
            problems.append(problem(spec, None, f"缺少{spec.header}", f"missing {spec.label_en}"))
    _settle_deadline(clean)
    closed_given = clean.get("closed") is True
    _settle_status(clean, existing, bad, problems)

    def now(name: str) -> Any:
        return clean[name] if name in clean else getattr(existing, name, None)

    assigned = now("assigned_on")
    for name in ("deadline", "closed_on"):
        value = now(name)
        if assigned and value and value < assigned and name in clean and not bad & {name, "assigned_on"}:
            spec = BY_NAME[name]
            problems.append(problem(spec, value, f"{spec.header}{value}早于交办日期{assigned}",
                                    f"{spec.label_en} {value} is before the assigned date {assigned}"))
    if now("status") == lc.CLOSED and now("source") == lc.REMOTE_SENSING and not bad & {"status", "closed"}:
        missing = [BY_NAME[n].header for n in ("verified_by", "verified_on", "verifier") if not now(n)]
        if missing:
            spec = BY_NAME["closed" if closed_given else "status"]
            problems.append(problem(spec, "已销号", f"遥感图斑未经实地核查不能销号，缺少{'、'.join(missing)}",
                                    "a remote-sensing finding cannot be closed without its on-site "
                                    f"verification: missing {', '.join(missing)}"))
    problems += _coordinates(clean, existing, bad)
    return clean, problems


def _settle_deadline(clean: dict[str, Any]) -> None:
    if clean.get("deadline") == "long-term" or (clean.get("horizon") == "长期坚持" and not clean.get("deadline")):
        clean["deadline"], clean["long_term"] = None, True
    elif "deadline" in clean:
        clean["long_term"] = False


def _settle_status(clean: dict[str, Any], existing: SupervisionItem | None, bad: set[str | None],
                   problems: list[FieldError]) -> None:
    """是否销号 and 销号日期 agree with 状态: 是 means 已销号, which needs its date."""
    closed_flag = clean.pop("closed", None)
    if "closed" in bad or "status" in bad:
        return
    if closed_flag is True:
        clean["status"] = lc.CLOSED
    elif closed_flag is False and clean.get("status") == lc.CLOSED:
        problems.append(problem(BY_NAME["closed"], "否", "是否销号为“否”，状态却是已销号",
                                "closed says 否 but the status is 已销号"))
        return
    if "status" not in clean and clean.get("closed_on") and existing is None:
        clean["status"] = lc.CLOSED
    status = clean.get("status", getattr(existing, "status", lc.ASSIGNED))
    closed_on = clean["closed_on"] if "closed_on" in clean else getattr(existing, "closed_on", None)
    if status == lc.CLOSED and closed_on is None and "closed_on" not in bad:
        problems.append(problem(BY_NAME["closed_on"], None, "已销号的事项须填写销号日期",
                                "a closed (已销号) item needs its closing date"))
    elif status != lc.CLOSED and closed_on is not None and "closed_on" in clean and "closed_on" not in bad:
        problems.append(problem(BY_NAME["closed_on"], closed_on, f"有销号日期，状态却是{status}",
                                f"a closing date is given but the status is {status}"))


def _coordinates(clean: dict[str, Any], existing: SupervisionItem | None, bad: set[str | None]) -> list[FieldError]:
    """Coordinates come in pairs and lie inside China (in place: rounded to 7 places)."""
    if not {"lng", "lat"} & clean.keys() or bad & {"lng", "lat"}:
        return []
    lng = clean.get("lng", getattr(existing, "lng", None))
    lat = clean.get("lat", getattr(existing, "lat", None))
    if lng is None and lat is None:
        return []
    if lng is None or lat is None:
        spec = BY_NAME["lat" if lat is None else "lng"]
        return [problem(spec, None, "经度和纬度要一起填写", "give longitude and latitude together")]
    try:
        geo.check_in_china(float(lng), float(lat))
    except ValueProblem as exc:
        return [problem(BY_NAME["lng"], lng, exc.message_zh, exc.message_en)]
    clean.update(lng=Decimal(lng).quantize(Decimal("0.0000001")), lat=Decimal(lat).quantize(Decimal("0.0000001")))
    return []


def assigned_values(clean: Mapping[str, Any]) -> dict[str, Any]:
    """The model attributes a clean row sets (``lead_unit`` stays an OrgUnit or a name to create)."""
    values = {name: clean[name] for name in PLAIN if name in clean}
    for name in ("deadline", "long_term", "lead_unit"):
        if name in clean:
            values[name] = clean[name]
    if "node" in clean:
        values["node_id"] = clean["node"]
    if "project" in clean:
        values["project_id"] = clean["project"]
    return values
