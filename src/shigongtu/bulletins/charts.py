"""Charts for bulletins, drawn with matplotlib (Agg) in a CJK font, as PNG bytes.

The font is Noto Sans CJK (Debian's ``fonts-noto-cjk``, installed by the project's set-up);
without any CJK font the charts still draw, with boxes for the Chinese labels.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.figure import Figure

from shigongtu.bulletins.blocks import Chart

PREFERRED = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei",
             "Microsoft YaHei", "Noto Serif CJK SC")
LIGHT_COLOURS = {"red": "#d3362c", "yellow": "#dc9a00", "green": "#2e9650", "done": "#2f6fd0",
                 "pending": "#8a919c", "cancelled": "#b0b5bd"}
DPI = 200


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first installed CJK font family of :data:`PREFERRED` (None when there is none)."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in PREFERRED if name in names), None)


def _figure(width_cm: float, height_cm: float) -> Figure:
    fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI)
    return fig


def _style(fig: Figure) -> dict[str, Any]:
    font = cjk_font()
    return {"fontfamily": font} if font else {}


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def curve(chart: Chart) -> bytes:
    """Cumulative actual by month against the plan curve and the linear 序时 line."""
    d = chart.data
    fig = _figure(15.5, 7.5)
    kw = _style(fig)
    ax = fig.add_subplot(1, 1, 1)
    months = d["months"]
    ax.plot(months, d["linear"], linestyle=":", color="#667085", linewidth=1.4, label="序时进度（线性）")
    if d.get("plan"):
        ax.plot(months, d["plan"], linestyle="--", color="#1d5bbf", linewidth=1.4, label="计划曲线")
    actual = d["actual"]
    ax.plot(months[: len(actual)], actual, color="#c00000", linewidth=2.2, marker="o", markersize=4, label="累计完成")
    if actual:
        ax.annotate(f"{actual[-1]:g}", (len(actual), actual[-1]), textcoords="offset points", xytext=(4, 6),
                    fontsize=8, color="#c00000", **kw)
    ax.set_xticks(months)
    ax.set_xticklabels([f"{m}月" for m in months], fontsize=8, **kw)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_ylabel(d.get("unit", ""), fontsize=8, **kw)
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", color="#dde2ea", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    legend = ax.legend(fontsize=8, frameon=False, loc="upper left")
    if kw:
        for t in legend.get_texts():
            t.set_fontfamily(kw["fontfamily"])
    fig.tight_layout(pad=0.6)
    return _png(fig)


def bars(chart: Chart) -> bytes:
    """Each front's progress as a bar coloured by its light, with its 序时 as a tick."""
    items = chart.data["bars"]
    fig = _figure(15.5, max(4.0, 0.85 * len(items) + 1.6))
    kw = _style(fig)
    ax = fig.add_subplot(1, 1, 1)
    ys = list(range(len(items)))[::-1]
    progress = [b["progress"] for b in items]
    ax.barh(ys, progress, height=0.55, color=[LIGHT_COLOURS.get(b["light"], "#667085") for b in items])
    ax.scatter([b["expected"] for b in items], ys, marker="|", s=260, color="#1f2933", linewidths=2,
               label="序时进度", zorder=3)
    for y, b in zip(ys, items, strict=True):
        ax.text(b["progress"] + 1, y, f"{b['progress']:.1f}%", va="center", fontsize=7.5, **kw)
    ax.set_yticks(ys)
    ax.set_yticklabels([b["name"] for b in items], fontsize=8, **kw)
    ax.set_xlim(0, 110)
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#dde2ea", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    legend = ax.legend(fontsize=8, frameon=False, loc="lower right")
    if kw:
        for t in legend.get_texts():
            t.set_fontfamily(kw["fontfamily"])
    fig.tight_layout(pad=0.6)
    return _png(fig)


def render(chart: Chart) -> bytes:
    return curve(chart) if chart.kind == "curve" else bars(chart)


def render_all(charts: list[Chart]) -> dict[str, bytes]:
    """Chart key → PNG, drawn once per document."""
    return {c.key: render(c) for c in charts}
