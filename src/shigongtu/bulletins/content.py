"""The bulletin's content (调度通报内容): sections of paragraphs, tables and charts, as plain data.

The blocks are in :mod:`.blocks`, the sections in :mod:`.sections` (in document order).
:func:`build_content` snapshots every figure of a plan at the last day of a reporting month.
The result is plain dataclasses that turn into JSON and back (:meth:`BulletinContent.to_dict`,
:meth:`BulletinContent.from_dict`): the API previews it, an issued bulletin stores it, and the
Word, Excel, HTML and PDF renderers only lay it out. Table cells are the printed strings
(rounded once by :mod:`.numbers`); each column says whether it is text, a number or a light.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from shigongtu.bulletins import sections, sentences
from shigongtu.bulletins.blocks import Block, Chart, Column, Section, Table
from shigongtu.bulletins.facts import Facts
from shigongtu.bulletins.numbers import ROUNDING_NOTE
from shigongtu.lib.periods import Period, last_complete_month
from shigongtu.plans.models import Plan
from shigongtu.plans.selectors import default_as_of


@dataclass
class BulletinContent:
    """Everything a bulletin says, at ``as_of`` (the period's last day).

    ``figures`` repeats the headline numbers as rounded strings keyed by name, for the API
    and for checks; ``annexes`` are sections holding one table each (附件1, 附件2…).
    """

    plan_code: str
    plan_name: str
    year: int
    period: str
    as_of: str
    issuer: str
    title: str
    recipients: str
    opening: str
    rounding_note: str
    sections: list[Section] = field(default_factory=list)
    annexes: list[Section] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    has_projects: bool = False
    copy_to: str = ""  # 抄送机关 (版记), from the plan's setting, snapshotted with the content

    @property
    def month(self) -> int:
        return int(self.period[5:7])

    def section(self, key: str) -> Section | None:
        return next((s for s in [*self.sections, *self.annexes] if s.key == key), None)

    def tables(self) -> list[Table]:
        """Every table, in document order (annexes last)."""
        return [t for s in [*self.sections, *self.annexes] for t in s.tables()]

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables() if t.key == key), None)

    def charts(self) -> list[Chart]:
        return [b.chart for s in self.sections for b in s.blocks if b.chart is not None]

    def paragraphs(self) -> list[str]:
        """All running text (leads joined to their paragraphs), for checks and search."""
        return [b.lead + b.text for s in self.sections for b in s.blocks if b.kind in ("para", "sub", "note")]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BulletinContent:
        def table(raw: dict[str, Any] | None) -> Table | None:
            if raw is None:
                return None
            return Table(raw["key"], raw["title"], [Column(**c) for c in raw["columns"]], raw["rows"],
                         raw.get("levels", []), raw.get("note", ""))

        def section(raw: dict[str, Any]) -> Section:
            blocks = [Block(b["kind"], b.get("text", ""), b.get("lead", ""), table(b.get("table")),
                            Chart(**b["chart"]) if b.get("chart") else None) for b in raw["blocks"]]
            return Section(raw["key"], raw["heading"], blocks)

        plain = {k: v for k, v in data.items() if k not in ("sections", "annexes")}
        return cls(**plain, sections=[section(s) for s in data["sections"]],
                   annexes=[section(s) for s in data["annexes"]])


def build_content(plan: Plan, period: Period, issuer: str | None = None) -> BulletinContent:
    """The bulletin of ``plan`` for ``period`` (a month of the plan year), every figure taken at
    the period's last day from the same computations as the API (roll-up, indicators,
    warnings, the project library when it is installed)."""
    as_of = period.last_day
    facts = Facts.gather(plan, period)
    content = BulletinContent(
        plan_code=plan.code, plan_name=plan.name, year=plan.year, period=period.key, as_of=as_of.isoformat(),
        issuer=issuer or issuing_office(plan), title=sentences.issue_title(plan.name, period.year, period.month),
        recipients="各战线牵头单位、各有关部门：", opening=sentences.opening(plan.name, period.year, period.month),
        rounding_note=ROUNDING_NOTE, copy_to=copy_to_line(plan.copy_to),
    )
    content.has_projects = facts.projects is not None
    body = [s for build in sections.SECTIONS if (s := build(facts, content.figures)) is not None]
    for n, section in enumerate(body, start=1):
        section.heading = f"{sentences.ordinal(n)}、{section.heading}"
    content.sections = body
    annexes = [s for build in sections.ANNEXES if (s := build(facts, content.figures)) is not None]
    for n, annex in enumerate(annexes, start=1):
        annex.heading = f"附件{n}"
    content.annexes = annexes
    return content


def default_period(today: dt.date) -> Period:
    """The month the monthly job issues: the last complete month before ``today``."""
    return Period.of(today).prev()


def page_period(plan: Plan, today: dt.date | None = None) -> Period:
    """The month the bulletin page opens on: the latest complete month at the plan's default
    as-of date (the month every other page reads), January before any month is complete."""
    as_of = default_as_of(plan, today)
    return Period(plan.year, min(12, max(1, last_complete_month(as_of, plan.year))))


OFFICE_SUFFIX = "重点工作推进办公室"


def issuing_office(plan: Plan) -> str:
    """The 发文机关 that signs the plan's bulletins: the plan's setting, else the plan unit's
    重点工作推进办公室 (an office issues a 调度通报, not the zone itself)."""
    office = (plan.issuing_office or "").strip()
    if office:
        return office
    name = plan.unit.name
    return name if name.endswith(("办公室", "推进办", "指挥部")) else f"{name}{OFFICE_SUFFIX}"


def copy_to_line(raw: str) -> str:
    """The 抄送机关 as the 版记 prints them: separated by 、 or ，, normalised to ，, no end mark."""
    parts = [p.strip() for p in re.split(r"[、，,；;\s]+", raw or "") if p.strip()]
    return "，".join(parts)
