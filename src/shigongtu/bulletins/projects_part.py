"""The project library's part of a bulletin: the projects at the bulletin's as-of date.

Everything is read from ``projects_document`` (the same document as ``shigongtu projects
--json`` and the API) at the bulletin's as-of date, plus the project lights and the
special-bond money from the project read model (``projects.selectors``, which the dashboard
prints too). A plan without projects has no project part. Stages are the projects' current
ones (the library keeps no stage snapshot per month). The section modules lay it out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shigongtu.bulletins import numbers as N
from shigongtu.lib.periods import last_complete_month
from shigongtu.plans.models import Plan
from shigongtu.projects.documents import projects_document
from shigongtu.projects.fields import year_kind_of
from shigongtu.projects.models import Project, ProjectSettings
from shigongtu.projects.rules.stages import REMOVED, STAGES
from shigongtu.projects.selectors import ProjectFigures, month_figures


def build(plan: Plan, as_of: dt.date) -> ProjectsPart | None:
    """The plan's project figures at ``as_of``, or None when the plan has no projects."""
    if not Project.objects.filter(plan=plan).exists():
        return None
    curve = ProjectSettings.rules_for(plan).curve
    return ProjectsPart(plan, as_of, projects_document(plan, as_of), tuple(curve) if curve else None,
                        month_figures(plan, as_of))


STAGE_ORDER: tuple[str, ...] = tuple(STAGES)


@dataclass
class ProjectsPart:
    plan: Plan
    as_of: dt.date
    doc: dict[str, Any]
    curve: tuple[float, ...] | None
    read_model: ProjectFigures  # lights and bond money, as the dashboard prints them

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [r for r in self.doc["projects"] if r["stage"] != REMOVED]

    @property
    def month(self) -> int:
        return int(self.doc.get("month") or last_complete_month(self.as_of, self.plan.year))

    def _date(self, raw: Any) -> dt.date | None:
        if raw in (None, ""):
            return None
        return raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))

    def _by(self, raw: Any) -> bool:
        """Whether a date is set, in the plan year and not after the as-of date."""
        day = self._date(raw)
        return day is not None and day.year == self.plan.year and day <= self.as_of

    def _year_kind(self, row: dict[str, Any]) -> str:
        """The row's 开工类型 as recorded, else as the project library derives it."""
        return str(row.get("year_kind") or year_kind_of(self._date(row["actual_start"]), row.get("nature") or "",
                                                          self._date(row["planned_start"]), self.plan.year))

    def starts(self) -> dict[str, Any]:
        """开复工 as an office counts it: 新开工 projects planned for the year and those of them
        started by the as-of date (开工率); 续建 projects and those resumed (复工, a dated event)
        by then; 开复工率 over both."""
        kinds = [(r, self._year_kind(r)) for r in self.rows]
        new = [r for r, kind in kinds if kind == "新开工"]
        new_started = [r for r in new if self._by(r["actual_start"])]
        going = [r for r, kind in kinds if kind == "续建"]
        resumed = [r for r in going if self._by(r.get("resumed_on"))]

        def rate(part: int, whole: int) -> Decimal | None:
            return N.percent(Decimal(part) / whole) if whole else None

        return {"new_planned": len(new), "new_started": len(new_started),
                "new_rate": rate(len(new_started), len(new)), "continuing": len(going),
                "resumed": len(resumed), "resume_rate": rate(len(new_started) + len(resumed), len(new) + len(going))}

    def figures(self) -> dict[str, Any]:
        """The section's printed figures (rounded once), also kept in the content's figures."""
        rows, month = self.rows, self.month
        annual = sum((Decimal(str(r["annual_plan"])) for r in rows), Decimal(0))
        ytd = sum((Decimal(str(r["ytd_investment"])) for r in rows), Decimal(0))
        stats = sum((Decimal(str(r.get("ytd_stats_investment") or 0)) for r in rows), Decimal(0))
        total = sum((Decimal(str(r["total_investment"])) for r in rows), Decimal(0))
        completion = N.percent(ytd / annual) if annual else None
        linear = N.percent(Decimal(month) / 12)
        curve = N.percent(self.curve[month - 1]) if self.curve and month > 0 else None
        planned = [r for r in rows if (d := self._date(r["planned_start"])) and d.year == self.plan.year]
        due = [r for r in planned if self._date(r["planned_start"]) <= self.as_of]  # type: ignore[operator]
        started_due = [r for r in due if r["started"]]
        early = [r for r in planned if r["started"] and r not in due]
        completed = [r for r in rows if (d := self._date(r.get("actual_completion"))) and d <= self.as_of]
        started = [r for r in rows if r["started"]]
        in_stats = [r for r in started if r["in_statistics"]]
        return {**self.starts(),
            "projects": len(rows), "total": N.YI.of(total), "annual": N.YI.of(annual), "ytd": N.YI.of(ytd),
            "ytd_stats": N.YI.of(stats),
            "said": {"total": N.money(total), "annual": N.money(annual), "ytd": N.money(ytd),
                     "ytd_stats": N.money(stats)},
            "completion": completion, "linear": linear, "curve": curve,
            "vs_linear": N.points(completion, linear) if completion is not None else None,
            "vs_curve": N.points(completion, curve) if completion is not None and curve is not None else None,
            "stages": Counter(r["stage"] for r in self.doc["projects"]),
            "planned": len(planned), "due": len(due), "started_due": len(started_due), "early": len(early),
            "start_rate": N.percent(Decimal(len(started_due)) / len(due)) if due else None,
            "started": len(started), "completed": len(completed), "in_stats": len(in_stats),
        }
