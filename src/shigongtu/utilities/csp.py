"""Content-Security-Policy (Django 5.2 has none built in): every response says where its scripts,
styles, images and connections may come from, so an injected ``<script>`` or ``onclick`` does not run.

Scripts: our own files only (no inline script anywhere: the pages' scripts are static files).
Styles: our own files and ``'unsafe-inline'``, because progress bars and the tree set their
widths through ``style="--value: …"`` attributes; styles cannot run code. Images may also come
from the map tile server (``SHIGONGTU_MAP_TILE_URL``).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def tile_origin(url: str) -> str:
    """The scheme and host of a tile URL template, or '' (``https://t{s}.example/{z}/{x}/{y}.png``)."""
    if not url:
        return ""
    parts = urlsplit(url.replace("{", "").replace("}", ""))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def policy(map_tile_url: str = "") -> str:
    """The header's value."""
    images = ["'self'", "data:", "blob:"]
    origin = tile_origin(map_tile_url)
    if origin:
        # a template like https://t{s}.tianditu.gov.cn/… names several hosts: allow the domain's subdomains
        host = urlsplit(origin).netloc
        images.append(origin if "{" not in map_tile_url.split("/")[2] else f"{urlsplit(origin).scheme}://*."
                      + host.split(".", 1)[-1])
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": images,
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class ContentSecurityPolicyMiddleware:
    """Sets ``Content-Security-Policy`` on every response that has not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.value = policy(str(getattr(settings, "MAP_TILE_URL", "") or ""))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.value)
        return response
