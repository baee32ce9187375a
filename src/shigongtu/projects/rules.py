"""Rules of the project library (重点项目库) over plain values: no Django, no ORM.

Lifecycle (项目阶段) and its allowed moves, readiness to start (具备开工条件) from the
approvals checklist (前期手续), and the lights the library raises: unstarted projects
(计划开工已过未开工), projects started but not in the statistics database (开工未入库),
investment behind the seasonal plan (投资滞后), and special-bond money that sits idle or is
spent too slowly (专项债资金闲置 / 支出滞后). The API, pages, CLI, indicators, warnings and
benchmarks all decide through these functions.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from shigongtu.lib.errors import ValueProblem
from shigongtu.plans.rules.indicators import expected_share
from shigongtu.plans.rules.lights import GREEN, RED, YELLOW

# -- lifecycle ------------------------------------------------------------------------------

PLANNING = "谋划"
PREPARATION = "前期"
READY = "具备开工条件"
CONSTRUCTION = "在建"
COMPLETED = "竣工"
OPERATING = "投产"
SUSPENDED = "停缓建"
REMOVED = "调出"
TERMINATED = "终止"
STAGES = (PLANNING, PREPARATION, READY, CONSTRUCTION, COMPLETED, OPERATING, SUSPENDED, REMOVED, TERMINATED)
STAGE_ALIASES = {
    "planning": PLANNING, "储备": PLANNING, "谋划储备": PLANNING,
    "preparation": PREPARATION, "前期手续": PREPARATION,
    "ready": READY,
    "construction": CONSTRUCTION, "under construction": CONSTRUCTION, "新开工": CONSTRUCTION, "续建": CONSTRUCTION,
    "completed": COMPLETED, "部分竣工": COMPLETED,
    "operating": OPERATING, "竣工投产": OPERATING,
    "suspended": SUSPENDED, "停建": SUSPENDED, "缓建": SUSPENDED,
    "removed": REMOVED,
    "terminated": TERMINATED,
}
NOT_STARTED = frozenset({PLANNING, PREPARATION, READY})
STARTED = frozenset({CONSTRUCTION, COMPLETED, OPERATING, SUSPENDED})
CLOSED = frozenset({REMOVED, TERMINATED})

# Where a project may go from each stage. 调出 (removed at the mid-year adjustment) and 终止
# are reachable from anywhere; 调出 can be undone, 终止 cannot.
TRANSITIONS: dict[str, frozenset[str]] = {
    PLANNING: frozenset({PREPARATION, READY, CONSTRUCTION, REMOVED, TERMINATED}),
    PREPARATION: frozenset({PLANNING, READY, CONSTRUCTION, REMOVED, TERMINATED}),
    READY: frozenset({PREPARATION, CONSTRUCTION, REMOVED, TERMINATED}),
    CONSTRUCTION: frozenset({COMPLETED, OPERATING, SUSPENDED, REMOVED, TERMINATED}),
    COMPLETED: frozenset({OPERATING, CONSTRUCTION, REMOVED}),
    OPERATING: frozenset({REMOVED}),
    SUSPENDED: frozenset({CONSTRUCTION, REMOVED, TERMINATED}),
    REMOVED: frozenset({PLANNING, PREPARATION, READY, CONSTRUCTION, COMPLETED, OPERATING, SUSPENDED}),
    TERMINATED: frozenset(),
}


def read_stage(raw: object) -> str | None:
    """The stage a person wrote (Chinese or English), or None when it is not one."""
    text = str(raw or "").strip()
    if text in STAGES:
        return text
    return STAGE_ALIASES.get(text.lower()) or STAGE_ALIASES.get(text)


# The forward path; a record may jump ahead along it (a ledger catching up), never back.
PROGRESSION = (PLANNING, PREPARATION, READY, CONSTRUCTION, COMPLETED, OPERATING)


def transition_problem(current: str, new: str) -> str | None:
    """Why a project cannot move from ``current`` to ``new`` (in Chinese), or None when it can."""
    problem = stage_move_problem(current, new)
    return None if problem is None else problem.message_zh


def stage_move_problem(current: str, new: str) -> ValueProblem | None:
    """:func:`transition_problem` in both languages.

    Allowed: the moves of :data:`TRANSITIONS`, and any jump forward along :data:`PROGRESSION`.
    """
    if new not in STAGES:
        return ValueProblem(f"未知的项目阶段：{new}（可用：{'、'.join(STAGES)}）",
                            f"unknown stage {new} (use one of {', '.join(STAGES)})")
    if new == current:
        return None
    forward = current in PROGRESSION and new in PROGRESSION and PROGRESSION.index(new) > PROGRESSION.index(current)
    if not forward and new not in TRANSITIONS[current]:
        allowed = [s for s in STAGES if s in TRANSITIONS[current]]
        return ValueProblem(f"项目不能从「{current}」转为「{new}」（可转为：{'、'.join(allowed) or '无'}）",
                            f"a project cannot move from {current} to {new} "
                            f"(it may move to: {', '.join(allowed) or 'nothing'})")
    return None


def stage_after_start(stage: str) -> bool:
    return stage in STARTED


# -- approvals checklist (前期手续) -----------------------------------------------------------

NOT_STARTED_ITEM = "未启动"
IN_PROGRESS_ITEM = "办理中"
OBTAINED = "已取得"
NOT_NEEDED = "无需办理"
APPROVAL_STATUSES = (NOT_STARTED_ITEM, IN_PROGRESS_ITEM, OBTAINED, NOT_NEEDED)
CLEARED = frozenset({OBTAINED, NOT_NEEDED})

# The usual order of items for a 房建/市政 project (domain §2.2); 施工许可 is the last gate.
APPROVAL_KINDS = (
    "项目代码赋码", "立项（审批）", "立项（核准）", "立项（备案）", "用地预审与选址", "环评", "节能审查", "水土保持",
    "社会稳定风险评估", "建设用地规划许可", "土地出让/划拨", "规划方案审查", "建设工程规划许可", "施工图审查",
    "施工许可", "竣工验收",
)
# The checklist a new project starts with: (kind, required).
DEFAULT_CHECKLIST = (
    ("项目代码赋码", True), ("立项（备案）", True), ("用地预审与选址", True), ("环评", True), ("节能审查", True),
    ("建设用地规划许可", True), ("土地出让/划拨", True), ("建设工程规划许可", True), ("施工图审查", False),
    ("施工许可", True),
)


def missing_approvals(items: Iterable[tuple[str, bool, str]]) -> list[str]:
    """The required items (kind, required, status) not yet 已取得 or 无需办理, in order."""
    return [kind for kind, required, status in items if required and status not in CLEARED]


def ready_to_start(items: Iterable[tuple[str, bool, str]]) -> bool:
    """具备开工条件: every required item is obtained or not needed (an empty checklist is not ready)."""
    rows = list(items)
    return bool(rows) and not missing_approvals(rows)


# -- dates ----------------------------------------------------------------------------------

def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clipped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# -- lights ---------------------------------------------------------------------------------

ORDER = {None: 0, GREEN: 1, YELLOW: 2, RED: 3}


def worst(lights: Iterable[str | None]) -> str | None:
    """The most severe of some lights (red > yellow > green); None when there is none."""
    found: str | None = None
    for light in lights:
        if ORDER.get(light, 0) > ORDER.get(found, 0):
            found = light
    return found


@dataclass(frozen=True)
class Rules:
    """The library's warning thresholds (configurable per plan, defaults from domain §2.3 and §6).

    - 入库: a started project with total investment ≥ ``stats_threshold`` 万元 and not in the
      statistics database is yellow ``stats_yellow_months`` after its start, red after
      ``stats_red_months``.
    - 开工: a project past its planned start and not started is yellow, red once
      ``unstarted_red_months`` have passed.
    - 投资: a started project whose year-to-date investment is behind the seasonal plan curve
      by ``invest_yellow``/``invest_red`` percentage points.
    - 专项债: unspent money idle for ``idle_yellow_days``/``idle_red_days``; spending behind a
      straight line to full spending ``spend_months`` after the first quota by
      ``spend_yellow``/``spend_red`` points.
    """

    stats_threshold: Decimal = Decimal(500)
    stats_yellow_months: int = 1
    stats_red_months: int = 2
    unstarted_red_months: int = 3
    invest_yellow: float = 10.0
    invest_red: float = 30.0
    idle_yellow_days: int = 30
    idle_red_days: int = 90
    spend_months: int = 12
    spend_yellow: float = 10.0
    spend_red: float = 20.0
    curve: tuple[float, ...] | None = None  # 12 cumulative shares; None = linear month/12


DEFAULT_RULES = Rules()

# The default plan curve for investment in a Changchun zone (domain §8), cumulative by month.
SEASONAL_CURVE = (0.0125, 0.025, 0.055, 0.125, 0.235, 0.365, 0.495, 0.625, 0.755, 0.875, 0.955, 1.0)


def stats_light(started_on: dt.date | None, total: Decimal | None, in_stats: bool, as_of: dt.date,
                rules: Rules = DEFAULT_RULES) -> str | None:
    """入库 light: None when the rule does not apply (not started, below the threshold, or after as-of);
    green when in the statistics database; else yellow/red by the months passed since the start."""
    if started_on is None or started_on > as_of or total is None or total < rules.stats_threshold:
        return None
    if in_stats:
        return GREEN
    if as_of >= add_months(started_on, rules.stats_red_months):
        return RED
    if as_of >= add_months(started_on, rules.stats_yellow_months):
        return YELLOW
    return GREEN


def start_light(planned_start: dt.date | None, actual_start: dt.date | None, stage: str, as_of: dt.date,
                rules: Rules = DEFAULT_RULES) -> str | None:
    """开工 light: None without a planned start or for a removed/terminated project; green when
    started (on or before as-of) or not yet due; yellow once the planned start has passed; red
    ``unstarted_red_months`` after it."""
    if planned_start is None or stage in CLOSED:
        return None
    if actual_start is not None and actual_start <= as_of:
        return GREEN
    if as_of <= planned_start:
        return GREEN
    if as_of >= add_months(planned_start, rules.unstarted_red_months):
        return RED
    return YELLOW


def lag_limit(share: float, points: float) -> Decimal:
    """The completion (a fraction) at or below which a project lags by ``points`` or more."""
    return Decimal(str(share)) - Decimal(str(points)) / 100


def share_since(curve: Sequence[float] | None, start_month: int, month: int) -> float:
    """The share of the annual plan due by the end of ``month`` for a project that started in
    ``start_month`` of the plan year (1 for one started earlier): the plan curve's remainder from
    the start month, scaled to the whole year's plan."""
    if month <= 0 or start_month > month:
        return 0.0
    before = expected_share(curve, start_month - 1)
    if before >= 1:
        return 1.0
    return (expected_share(curve, month) - before) / (1 - before)


def investment_light(ytd: Decimal, annual_plan: Decimal | None, month: int, rules: Rules = DEFAULT_RULES,
                     start_month: int = 1) -> str | None:
    """投资 light: completion = ytd / annual plan against the share due at month m (the plan
    curve from the project's start month, see :func:`share_since`).

    None without an annual plan or before anything is due; red when behind by ``invest_red``
    points or more, yellow by ``invest_yellow``, else green. Compared as
    ``ytd ≤ plan × (share − points/100)`` in decimals, the same inequality the list filter
    puts into SQL.
    """
    share = share_since(rules.curve, start_month, month)
    if not annual_plan or annual_plan <= 0 or share <= 0:
        return None
    if ytd <= annual_plan * lag_limit(share, rules.invest_red):
        return RED
    if ytd <= annual_plan * lag_limit(share, rules.invest_yellow):
        return YELLOW
    return GREEN


def latest_start(as_of: dt.date, months: int) -> dt.date:
    """The latest day d with ``add_months(d, months) <= as_of``: a date ``months`` before as-of,
    taking month ends into account (at 28 Feb, one month back reaches 31 Jan)."""
    back = add_months(as_of, -months)
    if as_of.day == calendar.monthrange(as_of.year, as_of.month)[1]:
        return back.replace(day=calendar.monthrange(back.year, back.month)[1])
    return back


class ProjectFacts(Protocol):
    """What the lights read of a project (a Project row satisfies it)."""

    planned_start: dt.date | None
    actual_start: dt.date | None
    stage: str
    total_investment: Decimal
    annual_plan: Decimal
    in_statistics: bool
    statistics_date: dt.date | None


LIGHT_KINDS = ("start", "stats", "investment")


def start_month(actual_start: dt.date, year: int) -> int:
    """The plan-year month a project started in: 1 when it started in an earlier year, 13 (never
    due) when in a later one."""
    if actual_start.year < year:
        return 1
    return actual_start.month if actual_start.year == year else 13


def project_lights(p: ProjectFacts, ytd: Decimal, as_of: dt.date, month: int, rules: Rules = DEFAULT_RULES,
                   year: int | None = None) -> dict[str, str | None]:
    """A project's lights at as-of: 开工 (start), 入库 (stats) and 投资 (investment, on ``ytd``
    through month m of plan year ``year``, default as-of's). The statistics flag counts from its
    date when one is recorded."""
    in_stats = p.in_statistics and (p.statistics_date is None or p.statistics_date <= as_of)
    started = p.actual_start is not None and p.actual_start <= as_of and p.stage not in CLOSED
    first = start_month(p.actual_start, year or as_of.year) if p.actual_start is not None else 1
    return {
        "start": start_light(p.planned_start, p.actual_start, p.stage, as_of, rules),
        "stats": stats_light(p.actual_start, p.total_investment, in_stats, as_of, rules) if p.stage not in CLOSED
        else None,
        "investment": investment_light(ytd, p.annual_plan, month, rules, first) if started else None,
    }


# -- special bonds (专项债) ------------------------------------------------------------------

def spending_progress(quota_total: Decimal, spent_total: Decimal) -> float | None:
    """支付进度 = 累计实际支出 / 已下达额度, as a fraction; None without a quota."""
    if quota_total <= 0:
        return None
    return float(spent_total / quota_total)


def idle_days(disbursements: Sequence[tuple[dt.date, Decimal]], expenditures: Sequence[tuple[dt.date, Decimal]],
              as_of: dt.date) -> int:
    """Days the money paid to the project (拨付) has sat unspent at as-of (资金闲置天数).

    0 when nothing is unspent. Otherwise the days since the last expenditure, or since the
    first disbursement when nothing has been spent yet; movements after as-of are ignored.
    """
    paid = sum((a for d, a in disbursements if d <= as_of), Decimal(0))
    spent_rows = [(d, a) for d, a in expenditures if d <= as_of]
    spent = sum((a for _, a in spent_rows), Decimal(0))
    if paid <= 0 or spent >= paid:
        return 0
    since = max(d for d, _ in spent_rows) if spent_rows else min(d for d, _ in disbursements if d <= as_of)
    return max(0, (as_of - since).days)


def expected_spending(first_quota: dt.date | None, as_of: dt.date, rules: Rules = DEFAULT_RULES) -> float:
    """The share of the quota due to be spent at as-of: a straight line from the first quota to
    ``spend_months`` later."""
    if first_quota is None or as_of <= first_quota:
        return 0.0
    end = add_months(first_quota, rules.spend_months)
    if as_of >= end:
        return 1.0
    return (as_of - first_quota).days / (end - first_quota).days


def idle_light(days: int, rules: Rules = DEFAULT_RULES) -> str | None:
    if days >= rules.idle_red_days:
        return RED
    if days >= rules.idle_yellow_days:
        return YELLOW
    return None


def spending_light(progress: float | None, expected: float, rules: Rules = DEFAULT_RULES) -> str | None:
    """支出 light: None without a quota; else by the lag in points against the straight line."""
    if progress is None:
        return None
    lag = 100 * (expected - progress)
    if lag >= rules.spend_red - 1e-9:
        return RED
    if lag >= rules.spend_yellow - 1e-9:
        return YELLOW
    return GREEN


# The bond pipeline (domain §3.1): 谋划 → 储备申报 → 审核中 → 审核通过 | 退回 → 额度已下达 → 已发行 →
# 拨付中 → 支出中 → 支出完毕 → 存续期 → 已到期. Quotas, disbursements and expenditures move a bond
# forward on their own (a quota makes it 额度已下达, and so on); the other moves are explicit.
BOND_PLANNING = "谋划"
BOND_DECLARED = "储备申报"
BOND_REVIEW = "审核中"
BOND_APPROVED = "审核通过"
BOND_REJECTED = "退回"
BOND_QUOTA = "额度已下达"
BOND_ISSUED = "已发行"
BOND_DISBURSING = "拨付中"
BOND_SPENDING = "支出中"
BOND_SPENT = "支出完毕"
BOND_SERVICING = "存续期"
BOND_MATURED = "已到期"
BOND_STATES = (BOND_PLANNING, BOND_DECLARED, BOND_REVIEW, BOND_APPROVED, BOND_REJECTED, BOND_QUOTA, BOND_ISSUED,
               BOND_DISBURSING, BOND_SPENDING, BOND_SPENT, BOND_SERVICING, BOND_MATURED)
BOND_TRANSITIONS: dict[str, frozenset[str]] = {
    BOND_PLANNING: frozenset({BOND_DECLARED}),
    BOND_DECLARED: frozenset({BOND_REVIEW, BOND_PLANNING}),
    BOND_REVIEW: frozenset({BOND_APPROVED, BOND_REJECTED}),
    BOND_REJECTED: frozenset({BOND_DECLARED, BOND_PLANNING}),
    BOND_APPROVED: frozenset({BOND_QUOTA}),
    BOND_QUOTA: frozenset({BOND_ISSUED, BOND_DISBURSING}),
    BOND_ISSUED: frozenset({BOND_DISBURSING}),
    BOND_DISBURSING: frozenset({BOND_SPENDING}),
    BOND_SPENDING: frozenset({BOND_SPENT}),
    BOND_SPENT: frozenset({BOND_SERVICING, BOND_SPENDING}),
    BOND_SERVICING: frozenset({BOND_MATURED}),
    BOND_MATURED: frozenset(),
}
# States in which the project has been declared (申报) and counts among the zone's bond projects.
BOND_DECLARED_STATES = frozenset(BOND_STATES) - {BOND_PLANNING, BOND_REJECTED}
# From which state each kind of money movement may be recorded, and where it moves the bond.
QUOTA_FROM = frozenset({BOND_APPROVED, BOND_QUOTA, BOND_ISSUED, BOND_DISBURSING, BOND_SPENDING, BOND_SPENT})
DISBURSE_FROM = frozenset({BOND_QUOTA, BOND_ISSUED, BOND_DISBURSING, BOND_SPENDING, BOND_SPENT})
SPEND_FROM = frozenset({BOND_DISBURSING, BOND_SPENDING, BOND_SPENT})


def bond_transition_problem(current: str, new: str) -> str | None:
    """Why a bond project cannot move from ``current`` to ``new`` (in Chinese), or None when it can."""
    problem = bond_move_problem(current, new)
    return None if problem is None else problem.message_zh


def bond_move_problem(current: str, new: str) -> ValueProblem | None:
    """:func:`bond_transition_problem` in both languages."""
    if new not in BOND_STATES:
        return ValueProblem(f"未知的专项债状态：{new}（可用：{'、'.join(BOND_STATES)}）",
                            f"unknown bond state {new} (use one of {', '.join(BOND_STATES)})")
    if new == current or new in BOND_TRANSITIONS[current]:
        return None
    allowed = [s for s in BOND_STATES if s in BOND_TRANSITIONS[current]]
    return ValueProblem(f"专项债项目不能从「{current}」转为「{new}」（可转为：{'、'.join(allowed) or '无'}）",
                        f"a bond project cannot move from {current} to {new} "
                        f"(it may move to: {', '.join(allowed) or 'nothing'})")


def bond_state_after(current: str, movement: str) -> str:
    """The state a bond moves to when a quota, disbursement or expenditure is recorded."""
    if movement == "quota" and current == BOND_APPROVED:
        return BOND_QUOTA
    if movement == "disbursement" and current in (BOND_QUOTA, BOND_ISSUED):
        return BOND_DISBURSING
    if movement == "expenditure" and current == BOND_DISBURSING:
        return BOND_SPENDING
    return current
