"""Special bonds (专项债): the pipeline's states and moves, and the rules over a bond's money
(支付进度, idle days, spending behind the straight line)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shigongtu.lib.errors import ValueProblem
from shigongtu.plans.rules.lights import GREEN, RED, YELLOW
from shigongtu.projects.rules.dates import add_months
from shigongtu.projects.rules.lights import DEFAULT_RULES, Rules


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


@dataclass(frozen=True)
class BondFigures:
    """A bond project's money at a date: quota, disbursed, spent (万元), spending progress, idle days."""

    quota: Decimal
    disbursed: Decimal
    spent: Decimal
    first_quota: dt.date | None
    progress: float | None
    idle_days: int

    def as_dict(self) -> dict[str, Any]:
        return {"quota": self.quota, "disbursed": self.disbursed, "spent": self.spent,
                "first_quota": self.first_quota, "progress": self.progress, "idle_days": self.idle_days}


def figures_from(quotas: list[tuple[dt.date, Decimal]], paid: list[tuple[dt.date, Decimal]],
                 spent: list[tuple[dt.date, Decimal]], as_of: dt.date) -> BondFigures:
    """A bond's money at ``as_of`` from its dated quotas, disbursements and expenditures."""
    q = sum((a for d, a in quotas if d <= as_of), Decimal(0))
    p = sum((a for d, a in paid if d <= as_of), Decimal(0))
    s = sum((a for d, a in spent if d <= as_of), Decimal(0))
    first = min((d for d, _ in quotas if d <= as_of), default=None)
    return BondFigures(q, p, s, first, spending_progress(q, s), idle_days(paid, spent, as_of))
