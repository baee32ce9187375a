"""The lead list's filters, read from query parameters once for the API and the pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from shigongtu.attraction.models import MODES, Lead
from shigongtu.attraction.rules import stages
from shigongtu.attraction.selectors import stage_q
from shigongtu.lib.errors import FieldError

SORTS = ("code", "-code", "investment", "-investment", "signed_on", "-signed_on", "funds", "-funds")


@dataclass
class LeadFilter:
    """``stage`` (at the as-of date), ``mode``, ``team``, ``unit`` (name), ``q`` (code, name or investor), ``sort``."""

    stage: str = ""
    mode: str = ""
    team: str = ""
    unit: str = ""
    q: str = ""
    sort: str = "code"
    problems: list[FieldError] = field(default_factory=list)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> LeadFilter:
        f = cls(mode=str(params.get("mode") or "").strip(), team=str(params.get("team") or "").strip(),
                unit=str(params.get("unit") or "").strip(), q=str(params.get("q") or "").strip(),
                sort=str(params.get("sort") or "code").strip())
        raw_stage = str(params.get("stage") or "").strip()
        if raw_stage:
            f.stage = stages.read_stage(raw_stage) or ""
            if not f.stage:
                f.problems.append(FieldError(f"未知的阶段（可用：{'、'.join(stages.STAGES)}）", field="stage",
                                             value=raw_stage, message_en="unknown stage"))
        if f.mode and f.mode not in MODES:
            f.problems.append(FieldError(f"招商方式应为{'、'.join(MODES)}之一", field="mode", value=f.mode,
                                         message_en="unknown mode"))
        if f.sort not in SORTS:
            f.problems.append(FieldError(f"不能按{f.sort}排序", field="sort", value=f.sort, message_en="unknown sort"))
        return f

    def apply(self, qs: QuerySet[Lead], as_of: dt.date) -> QuerySet[Lead]:
        if self.stage:
            qs = qs.filter(stage_q(self.stage, as_of))
        if self.mode:
            qs = qs.filter(mode=self.mode)
        if self.team:
            qs = qs.filter(team=self.team)
        if self.unit:
            qs = qs.filter(lead_unit__name=self.unit)
        if self.q:
            qs = qs.filter(Q(code__icontains=self.q) | Q(name__icontains=self.q) | Q(investor__icontains=self.q))
        return qs.order_by(self.sort if self.sort in SORTS else "code", "code")

    def as_params(self) -> dict[str, str]:
        return {k: v for k, v in (("stage", self.stage), ("mode", self.mode), ("team", self.team), ("unit", self.unit),
                                  ("q", self.q)) if v}
