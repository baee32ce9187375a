"""Charts for bulletins, drawn with matplotlib (Agg) in a CJK font, as PNG bytes.

The font is Noto Sans CJK (Debian's ``fonts-noto-cjk``, installed by the project's set-up).
Its file is registered with matplotlib explicitly (:func:`cjk_font`), so a font cache built
before the font was installed does not matter; a machine with no CJK font at all gets
:class:`ChartFontMissing` (naming the package to install) instead of charts whose Chinese
labels are boxes.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.figure import Figure

from shigongtu.bulletins.blocks import Chart

PREFERRED = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei",
             "Microsoft YaHei", "Noto Serif CJK SC")
KNOWN_FILES = (  # Debian/Ubuntu fonts-noto-cjk, Fedora, Arch
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
SAMPLE = "调度通报序时进度"
LIGHT_COLOURS = {"red": "#d3362c", "yellow": "#dc9a00", "green": "#2e9650", "done": "#2f6fd0",
                 "pending": "#8a919c", "cancelled": "#b0b5bd"}
DPI = 200


class ChartFontMissing(RuntimeError):
    """No font that can draw Chinese is installed, so a chart would show boxes (□)."""


def font_files() -> list[str]:
    """CJK font files on this machine: what fontconfig matches for the preferred families,
    then the distributions' known paths."""
    found: list[str] = []
    if shutil.which("fc-match"):
        for family in (PREFERRED[0], f"{PREFERRED[0]}:lang=zh-cn"):
            try:
                out = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True,  # noqa: S603,S607
                                     text=True, timeout=10, check=False).stdout.strip()
            except (OSError, subprocess.TimeoutExpired):
                continue
            if out:
                found.append(out)
    found.extend(path for path in KNOWN_FILES if Path(path).exists())
    return list(dict.fromkeys(path for path in found if Path(path).exists()))


def is_cjk(family: str) -> bool:
    """Whether ``family`` is one of the CJK families charts may be drawn in."""
    return family in PREFERRED


def _draws_chinese(family: str) -> bool:
    """Whether matplotlib resolves ``family`` to a real font file (no silent fallback)."""
    try:
        path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    except ValueError:
        return False
    return bool(path) and Path(path).exists()


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """The CJK font family the charts are drawn in, registered from its file.

    Raises :class:`ChartFontMissing` when the machine has none (``apt-get install
    fonts-noto-cjk``)."""
    for path in font_files():
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            continue
    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in PREFERRED:
        if name in names and _draws_chinese(name):
            return name
    raise ChartFontMissing("图表无法显示中文：未找到中文字体（请安装 fonts-noto-cjk，"
                           "如 apt-get install fonts-noto-cjk）")


def _figure(width_cm: float, height_cm: float) -> Figure:
    fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI)
    return fig


def _style(fig: Figure) -> dict[str, Any]:
    return {"fontfamily": cjk_font()}


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
