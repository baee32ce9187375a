"""Every page carries a Content-Security-Policy that allows no inline script, and no template has one."""

from __future__ import annotations

import re
from pathlib import Path

from shigongtu.utilities.csp import policy, tile_origin

SRC = Path(__file__).parents[2] / "src" / "shigongtu"


def test_pages_carry_a_policy_without_inline_script(cast):
    response = cast.client("coordinator").get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_login_page_and_the_api_carry_it_too(client):
    assert "Content-Security-Policy" in client.get("/login/").headers
    assert "Content-Security-Policy" in client.get("/api/v1/openapi.json").headers


def test_no_template_holds_an_inline_script_or_event_handler():
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
    found = [str(p.relative_to(SRC)) for p in SRC.rglob("*.html")
             if inline.search(p.read_text(encoding="utf-8")) and "bulletins/templates" not in str(p)]
    assert found == []


def test_map_tiles_from_another_host_may_be_shown():
    assert tile_origin("https://tile.example.cn/{z}/{x}/{y}.png") == "https://tile.example.cn"
    assert "img-src 'self' data: blob: https://*.tianditu.gov.cn" in policy("https://t{s}.tianditu.gov.cn/{z}/{x}/{y}")
    assert tile_origin("") == "" and "img-src 'self' data: blob:;" in policy("")
