"""The map: the located projects (WGS84) with their overall light, the located supervision items
(卫片图斑 and other findings) by type and light as a second layer, and the tiles covering them."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from shigongtu.dashboard.cards.common import YI
from shigongtu.dashboard.cards.context import CardContext
from shigongtu.dashboard.cards.project_tally import Tally
from shigongtu.plans.models import Plan
from shigongtu.plans.readmodel import Memo, reaches_side
from shigongtu.plans.rules.lights import GREEN, RED, YELLOW
from shigongtu.projects.models import Project, ProjectSettings
from shigongtu.projects.rules.stages import CLOSED
from shigongtu.projects.selectors import lit_projects, unit_q
from shigongtu.projects.selectors.filters import attach_lights
from shigongtu.supervision.selectors import map_points

MAP_FINDINGS = 3000  # the map draws at most this many findings (red first, then yellow, green, done)
FINDING_ORDER = {"red": 0, "yellow": 1, "green": 2, "done": 3}

MAP_POINTS = 3000  # the map draws at most this many projects (the largest first)


@dataclass
class MapPoint:
    code: str
    name: str
    lng: float
    lat: float
    light: str
    stage: str
    total: float  # 亿元


@dataclass
class MapData:
    points: list[MapPoint]
    located: int                              # projects with coordinates (may exceed the points drawn)
    extent: tuple[float, float, float, float]  # min lng, min lat, max lng, max lat (WGS84)

    @property
    def truncated(self) -> bool:
        return self.located > len(self.points)


def map_data(plan: Plan, as_of: dt.date, month: int, path: str | None,
             kept: Tally | None = None) -> MapData | None:
    """The located projects (WGS84) with their overall light, the largest first; None without any.
    With the projects' ``kept`` tally (the dashboard's), the points come from it and the lights
    from the read model's project lights; without, from the database."""
    if kept is not None:
        return _kept_map(plan, as_of, path, kept)
    qs = (Project.objects.filter(plan=plan, lng__isnull=False, lat__isnull=False).filter(unit_q(path))
          .exclude(stage__in=CLOSED))
    located = qs.count()
    if not located:
        return None
    rows = list(qs.only("pk", "code", "name", "lng", "lat", "stage", "total_investment", "annual_plan",
                        "planned_start", "actual_start", "in_statistics", "statistics_date", "ytd_investment")
                .order_by("-total_investment", "code")[:MAP_POINTS])
    attach_lights(rows, as_of, month, ProjectSettings.rules_for(plan), plan.year, plan=plan)
    points = [MapPoint(p.code, p.name, float(p.lng or 0), float(p.lat or 0), getattr(p, "light", GREEN), p.stage,
                       float(p.total_investment / YI)) for p in rows]
    return _map(points, located)


def _map(points: list[MapPoint], located: int) -> MapData:
    lngs, lats = [p.lng for p in points], [p.lat for p in points]
    return MapData(points, located, (min(lngs), min(lats), max(lngs), max(lats)))


def _kept_map(plan: Plan, as_of: dt.date, path: str | None, kept: Tally) -> MapData | None:
    if not kept.located:
        return None
    lit = lit_projects(plan, as_of, path)
    points = []
    for _, _, pk in kept.located[:MAP_POINTS]:
        p = kept.rows[pk]
        light = RED if pk in lit[RED] else YELLOW if pk in lit[YELLOW] else GREEN
        points.append(MapPoint(p.code, p.name, float(p.lng or 0), float(p.lat or 0), light, p.stage,
                               float((p.total_investment or 0) / YI)))
    return _map(points, len(kept.located))


@dataclass
class Findings:
    """The located supervision items (督办事项: 卫片图斑, 督察 findings …) as the map draws them:
    points ``{"code", "title", "source", "type", "light", "lng", "lat"}`` from
    ``supervision.selectors.map_points`` (the same read model as the API's map), the most urgent first."""

    points: list[dict[str, Any]]
    located: int

    @property
    def truncated(self) -> bool:
        return self.located > len(self.points)

    @property
    def extent(self) -> tuple[float, float, float, float]:
        lngs, lats = [p["lng"] for p in self.points], [p["lat"] for p in self.points]
        return min(lngs), min(lats), max(lngs), max(lats)


def findings(plan: Plan, as_of: dt.date) -> Findings | None:
    """The plan's located items at ``as_of`` (red first); None when there are none."""
    points = map_points(plan, as_of)
    if not points:
        return None
    ranked = sorted(points, key=lambda p: (FINDING_ORDER.get(p["light"], 4), p["code"]))
    return Findings(ranked[:MAP_FINDINGS], len(points))


def tile_grid(extent: tuple[float, float, float, float], max_tiles: int = 48) -> dict[str, int]:
    """The Web Mercator (XYZ) tiles covering an extent, at the deepest zoom that needs at most
    ``max_tiles`` tiles: ``{"z", "x0", "x1", "y0", "y1"}``."""
    min_lng, min_lat, max_lng, max_lat = extent
    for z in range(17, 2, -1):
        x0, y1 = lnglat_to_tile(min_lng, min_lat, z)
        x1, y0 = lnglat_to_tile(max_lng, max_lat, z)
        x0, y0, x1, y1 = math.floor(x0), math.floor(y0), math.floor(x1), math.floor(y1)
        if (x1 - x0 + 1) * (y1 - y0 + 1) <= max_tiles:
            return {"z": z, "x0": x0, "x1": x1, "y0": y0, "y1": y1}
    return {"z": 3, "x0": 0, "x1": 7, "y0": 0, "y1": 7}


def lnglat_to_tile(lng: float, lat: float, z: int) -> tuple[float, float]:
    """WGS84 to fractional XYZ tile coordinates at zoom ``z`` (Web Mercator)."""
    n = 2 ** z
    lat_r = math.radians(max(min(lat, 85.05), -85.05))
    return (lng + 180) / 360 * n, (1 - math.asinh(math.tan(lat_r)) / math.pi) / 2 * n


def build(ctx: CardContext) -> dict[str, Any]:
    """The map's projects, for a plan (or unit) with projects (a project-side card)."""
    return {"map": map_data(ctx.plan, ctx.as_of, ctx.month, ctx.path, ctx.tally) if ctx.panel else None}


# kept by the read model across the other record types' writes (the points' own cache is per revision)
FINDINGS: Memo[Findings | None] = Memo("dashboard.findings", lambda plan, as_of: findings(plan, as_of),
                                       depends=reaches_side("supervision"))


def build_findings(ctx: CardContext) -> dict[str, Any]:
    """The map's located supervision findings, for the whole plan."""
    return {"findings": FINDINGS.get(ctx.plan, ctx.as_of) if ctx.path is None else None}
