"""Charts draw their Chinese labels in a registered CJK font, or refuse to draw boxes."""

from __future__ import annotations

import io

import pytest
from matplotlib import font_manager
from PIL import Image

from shigongtu.bulletins import charts as C
from shigongtu.bulletins.blocks import Chart

BARS = Chart("fronts", "各战线进度与序时进度（%）", "bars",
             {"bars": [{"name": "项目建设", "progress": 40.0, "expected": 50.0, "light": "yellow"}]})


@pytest.fixture
def stale_cache(monkeypatch):
    """A font cache built before any CJK font was installed (a fresh machine after apt-get)."""
    manager = font_manager.fontManager
    monkeypatch.setattr(manager, "ttflist", [f for f in manager.ttflist if not C.is_cjk(f.name)])
    manager._findfont_cached.cache_clear()
    C.cjk_font.cache_clear()
    yield manager
    C.cjk_font.cache_clear()
    manager._findfont_cached.cache_clear()


@pytest.mark.skipif(not C.font_files(), reason="needs a CJK font file (fonts-noto-cjk)")
def test_the_cjk_font_file_is_registered_even_when_the_font_cache_predates_it(stale_cache):
    assert not any(C.is_cjk(f.name) for f in stale_cache.ttflist)
    family = C.cjk_font()
    assert C.is_cjk(family)
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert path in C.font_files()
    png = C.render(BARS)
    assert Image.open(io.BytesIO(png)).size[0] > 500


def test_a_machine_without_a_cjk_font_gets_a_clear_error_not_boxes(stale_cache, monkeypatch):
    monkeypatch.setattr(C, "font_files", list)
    with pytest.raises(C.ChartFontMissing, match="fonts-noto-cjk"):
        C.render(BARS)
