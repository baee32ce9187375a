"""ECharts options for the dashboard's chart endpoints, built from the cached :class:`Dashboard`.

Each builder takes the dashboard data and a :class:`ChartContext` (URLs, tile server) and
returns a plain JSON-ready dict. Labels are translated here, at request time, so the cached
data stays language-free. Two keys are ours, read by ``app.js`` before ``setOption``:
``sgtAspect`` (keep the plot's width/height ratio, for maps) and ``sgtTiles`` (an XYZ tile
layer drawn under a map's points).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from shigongtu.dashboard.cards.map import lnglat_to_tile, tile_grid
from shigongtu.dashboard.data import Dashboard

COLORS = {"red": "#d3362c", "yellow": "#dc9a00", "green": "#2e9650", "done": "#2f6fd0", "pending": "#98a2b3",
          "cancelled": "#b4bac4"}
PRIMARY = "#1d5bbf"


@dataclass
class ChartContext:
    plan_code: str
    node_prefix: str          # /plans/<code>/nodes/
    project_prefix: str       # /plans/<code>/projects/ ("" when the project pages are not installed)
    supervision_prefix: str = ""  # /plans/<code>/supervision/ (a finding's page)
    tile_url: str = ""        # XYZ template with {z} {x} {y}; empty: points over a plain extent
    dark: bool = False


def light_word(light: str) -> str:
    return {
        "red": pgettext("light", "滞后"), "yellow": pgettext("light", "预警"), "green": pgettext("light", "正常"),
        "done": pgettext("light", "完成"), "pending": pgettext("light", "未开始"),
        "cancelled": pgettext("light", "已取消"),
    }.get(light, light)


def months() -> list[str]:
    return [_("%(month)s月") % {"month": m} for m in range(1, 13)]


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _empty(text: str) -> dict[str, Any]:
    return {"title": {"text": text, "left": "center", "top": "middle",
                      "textStyle": {"fontSize": 14, "fontWeight": "normal", "color": "#98a2b3"}},
            "series": []}


def investment(d: Dashboard, ctx: ChartContext) -> dict[str, Any]:
    """Monthly and cumulative completed investment against the plan curve and the linear time line."""
    s = d.investment
    if s is None:
        return _empty(_("暂无投资数据"))
    pad: list[None] = [None] * (12 - s.month)
    series: list[dict[str, Any]] = [
        {"name": _("当月完成"), "type": "bar", "barMaxWidth": 16, "z": 1,
         "itemStyle": {"color": "#8fb4ea" if not ctx.dark else "#2b5ea8", "borderRadius": [2, 2, 0, 0]},
         "data": [_r(v) for v in s.monthly] + pad},
        {"name": _("累计完成（调度口径）"), "type": "line", "smooth": False, "symbolSize": 6, "z": 4,
         "lineStyle": {"width": 3, "color": PRIMARY if not ctx.dark else "#4fb2ff"},
         "itemStyle": {"color": PRIMARY if not ctx.dark else "#4fb2ff"},
         "data": [_r(v) for v in s.cumulative] + pad},
    ]
    if s.stats_cumulative is not None:
        series.append({"name": _("累计完成（统计口径）"), "type": "line", "symbolSize": 5, "z": 3,
                       "lineStyle": {"width": 2, "color": "#7b61c9"}, "itemStyle": {"color": "#7b61c9"},
                       "data": [_r(v) for v in s.stats_cumulative] + pad})
    series += [
        {"name": _("计划曲线"), "type": "line", "symbol": "none", "z": 2,
         "lineStyle": {"width": 2, "type": "dashed", "color": COLORS["yellow"]},
         "itemStyle": {"color": COLORS["yellow"]},
         "data": [_r(v) for v in s.plan_line]},
        {"name": _("序时进度"), "type": "line", "symbol": "none", "z": 2,
         "lineStyle": {"width": 1.5, "type": "dotted", "color": "#98a2b3"}, "itemStyle": {"color": "#98a2b3"},
         "data": [_r(v) for v in s.linear_line]},
    ]
    return {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "left": 0, "itemGap": 8, "itemWidth": 14, "itemHeight": 8, "textStyle": {"fontSize": 11}},
        "grid": {"left": 8, "right": 12, "top": 46, "bottom": 4, "containLabel": True},
        "xAxis": {"type": "category", "data": months(), "axisTick": {"alignWithLabel": True}},
        "yAxis": {"type": "value", "splitLine": {"lineStyle": {"type": "dashed", "opacity": .5}}},
        "series": series,
    }


def lights(d: Dashboard, ctx: ChartContext) -> dict[str, Any]:
    """The nodes in scope by light (a ring)."""
    data = [{"name": light_word(light), "value": n, "itemStyle": {"color": COLORS[light]}}
            for light, n in d.lights if n]
    return {
        "animation": False,
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}（{d}%）"},
        "legend": {"orient": "vertical", "right": 0, "top": "middle", "itemWidth": 10, "itemHeight": 10},
        "series": [{"type": "pie", "radius": ["52%", "78%"], "center": ["38%", "50%"], "avoidLabelOverlap": True,
                    "label": {"show": True, "position": "center", "formatter": str(d.total_nodes),
                              "fontSize": 26, "fontWeight": "bold", "color": "#fff" if ctx.dark else "#1f2933"},
                    "labelLine": {"show": False}, "data": data}],
    }


def _short(title: str) -> str:
    head = title.split("：", 1)[0]
    return head if len(head) <= 12 else head[:11] + "…"


def fronts(d: Dashboard, ctx: ChartContext) -> dict[str, Any]:
    """Each front's rolled-up progress (bars coloured by light) with its time progress as a tick."""
    rows = list(reversed(d.fronts))
    return {
        "animation": False,
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 40, "top": 8, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"},
                  "splitLine": {"lineStyle": {"opacity": .3}}},
        "yAxis": {"type": "category", "data": [_short(f.title) for f in rows], "axisTick": {"show": False}},
        "series": [
            {"name": _("进度"), "type": "bar", "barMaxWidth": 16,
             "label": {"show": True, "position": "insideLeft", "formatter": "{c}%", "color": "#fff"},
             "data": [{"value": round(f.progress, 1), "itemStyle": {"color": COLORS.get(f.light, PRIMARY)},
                       "url": f"{ctx.node_prefix}{quote(f.code)}/"} for f in rows]},
            {"name": _("时间进度"), "type": "scatter", "symbol": "rect", "symbolSize": [3, 20], "z": 5,
             "itemStyle": {"color": "#fff" if ctx.dark else "#1f2933"},
             "data": [round(f.expected, 1) for f in rows]},
        ],
    }


def funnel(d: Dashboard, ctx: ChartContext) -> dict[str, Any]:
    """Projects by lifecycle stage, 谋划 → 投产."""
    p = d.projects
    if p is None:
        return _empty(_("暂无重点项目"))
    stages = [s for s in p.funnel]
    return {
        "animation": False,
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 48, "top": 8, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "show": False},
        "yAxis": {"type": "category", "inverse": True, "data": [s.stage for s in stages], "axisTick": {"show": False}},
        "series": [{"name": _("项目数"), "type": "bar", "barMaxWidth": 18,
                    "label": {"show": True, "position": "right"},
                    "itemStyle": {"color": "#4f9dff" if ctx.dark else PRIMARY, "borderRadius": [0, 3, 3, 0]},
                    "data": [s.count for s in stages]}],
    }


def ranking(d: Dashboard, ctx: ChartContext) -> dict[str, Any]:
    """Lead units by on-time reporting and completion (bars), reds as a line."""
    rows = list(reversed(d.ranking[:12]))
    return {
        "animation": False,
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 28, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {"type": "category", "data": [r.name for r in rows], "axisTick": {"show": False}},
        "series": [
            {"name": _("按时报送率"), "type": "bar", "barGap": 0, "barMaxWidth": 10,
             "itemStyle": {"color": "#2e9650"}, "data": [_r(r.on_time, 1) for r in rows]},
            {"name": _("完成率"), "type": "bar", "barMaxWidth": 10, "itemStyle": {"color": PRIMARY},
             "data": [_r(r.completion, 1) for r in rows]},
        ],
    }


def finding_light_word(light: str) -> str:
    return {"red": pgettext("finding light", "逾期"), "yellow": pgettext("finding light", "临期"),
            "green": pgettext("finding light", "正常"), "done": pgettext("finding light", "已办结")}.get(light, light)


def finding_type_word(kind: str) -> str:
    """A finding type (图斑类型) in the interface language; the types are the contract's fixed words."""
    words = {"建筑工地": pgettext("finding type", "建筑工地"), "拆迁现场": pgettext("finding type", "拆迁现场"),
             "物料堆场": pgettext("finding type", "物料堆场"), "裸露地面": pgettext("finding type", "裸露地面"),
             "违法建设": pgettext("finding type", "违法建设"), "其他": pgettext("finding type", "其他")}
    return words.get(kind, kind)


def _extent(d: Dashboard) -> tuple[float, float, float, float]:
    extents = [layer.extent for layer in (d.map, d.findings) if layer is not None]
    return (min(e[0] for e in extents), min(e[1] for e in extents), max(e[2] for e in extents),
            max(e[3] for e in extents))


def _project_series(d: Dashboard, ctx: ChartContext, xy: Callable[[float, float], list[float]]
                    ) -> list[dict[str, Any]]:
    if d.map is None:
        return []
    biggest = max((p.total for p in d.map.points), default=1.0) or 1.0
    by_light: dict[str, list[dict[str, Any]]] = {"red": [], "yellow": [], "green": []}
    for p in d.map.points:
        item = {"name": f"{p.code} {p.name} · {p.stage} · {p.total:.2f}{_('亿元')}", "value": xy(p.lng, p.lat),
                "symbolSize": round(5 + 9 * math.sqrt(max(p.total, 0) / biggest), 1)}
        if ctx.project_prefix:
            item["url"] = f"{ctx.project_prefix}{quote(p.code)}/"
        by_light.get(p.light, by_light["green"]).append(item)
    return [{"name": light_word(light), "type": "scatter", "data": items, "z": 10 - i,
             "itemStyle": {"color": COLORS[light], "opacity": .85, "borderColor": "#fff", "borderWidth": 1},
             "emphasis": {"scale": 1.4}}
            for i, (light, items) in enumerate(by_light.items()) if items]


def _finding_series(d: Dashboard, ctx: ChartContext, xy: Callable[[float, float], list[float]]
                    ) -> list[dict[str, Any]]:
    """督办事项 with coordinates as a second layer: diamonds coloured by light, one legend entry per
    light (so a click hides or shows them), the type and source in the tooltip."""
    if d.findings is None:
        return []
    by_light: dict[str, list[dict[str, Any]]] = {"red": [], "yellow": [], "green": [], "done": []}
    for p in d.findings.points:
        item = {"name": f"{p['code']} {p['title']} · {finding_type_word(p['type'])} · "
                        f"{finding_light_word(p['light'])}", "value": xy(p["lng"], p["lat"])}
        if ctx.supervision_prefix:
            item["url"] = f"{ctx.supervision_prefix}{quote(p['code'])}/"
        by_light.get(p["light"], by_light["green"]).append(item)
    return [{"name": _("督办%(light)s") % {"light": finding_light_word(light)}, "type": "scatter", "symbol": "diamond",
             "symbolSize": 9, "data": items, "z": 20 - i,
             "itemStyle": {"color": COLORS[light], "opacity": .9, "borderColor": "#fff", "borderWidth": 1},
             "emphasis": {"scale": 1.5}}
            for i, (light, items) in enumerate(by_light.items()) if items]


def project_map(d: Dashboard, ctx: ChartContext) -> dict[str, Any]:
    """Projects as points coloured by their light and, as a second layer, located 督办事项 (卫片图斑
    and other findings) as diamonds coloured by theirs, over the extent of both (with an XYZ tile
    layer underneath when a tile server is configured)."""
    if d.map is None and d.findings is None:
        return _empty(_("暂无带坐标的项目"))
    min_lng, min_lat, max_lng, max_lat = _extent(d)
    tiles = bool(ctx.tile_url)
    grid: dict[str, Any] = tile_grid((min_lng, min_lat, max_lng, max_lat)) if tiles else {}

    def xy(lng: float, lat: float) -> list[float]:
        if not tiles:
            return [round(lng, 6), round(lat, 6)]
        x, y = lnglat_to_tile(lng, lat, grid["z"])
        return [round(x, 5), round(y, 5)]

    series = _project_series(d, ctx, xy) + _finding_series(d, ctx, xy)
    if tiles:
        x_min, x_max = grid["x0"], grid["x1"] + 1
        y_min, y_max = grid["y0"], grid["y1"] + 1
        aspect = (x_max - x_min) / (y_max - y_min)
    else:
        pad_lng = max((max_lng - min_lng) * 0.08, 0.005)
        pad_lat = max((max_lat - min_lat) * 0.08, 0.005)
        x_min, x_max = min_lng - pad_lng, max_lng + pad_lng
        y_min, y_max = min_lat - pad_lat, max_lat + pad_lat
        aspect = (x_max - x_min) * math.cos(math.radians((y_min + y_max) / 2)) / (y_max - y_min)
    option: dict[str, Any] = {
        "animation": False,
        "tooltip": {"trigger": "item", "formatter": "{b}"},
        "legend": {"top": 0, "left": 0, "itemWidth": 10, "itemHeight": 10},
        "grid": {"left": 4, "right": 4, "top": 28 if d.findings is None or d.map is None else 48, "bottom": 4,
                 "show": not tiles, "backgroundColor": "rgba(79,157,255,.06)" if ctx.dark else "#f3f6fa",
                 "borderColor": "rgba(84,140,220,.32)" if ctx.dark else "#dde2ea"},
        "xAxis": {"type": "value", "min": _r(x_min, 5), "max": _r(x_max, 5), "show": False},
        "yAxis": {"type": "value", "min": _r(y_min, 5), "max": _r(y_max, 5), "show": False, "inverse": tiles},
        "series": series,
        "sgtAspect": round(aspect, 4),
    }
    if tiles:
        option["sgtTiles"] = {"url": ctx.tile_url, **grid}
    return option


CHARTS: dict[str, Callable[[Dashboard, ChartContext], dict[str, Any]]] = {
    "investment": investment,
    "lights": lights,
    "fronts": fronts,
    "funnel": funnel,
    "ranking": ranking,
    "map": project_map,
}
