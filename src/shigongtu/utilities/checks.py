"""Django system checks for a misconfigured deployment, each with a hint (``shigongtu check --deploy``)."""

from __future__ import annotations

import shutil
from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


def database_engine() -> str:
    return str(settings.DATABASES["default"]["ENGINE"])


@register(Tags.database, deploy=True)
def sqlite_in_production(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.PRODUCTION and database_engine().endswith("sqlite3"):
        return [Warning("SHIGONGTU_ENV=production runs on a SQLite file",
                        hint="Set DATABASE_URL=postgres://… : several workers and offices write at once.",
                        id="shigongtu.W001")]
    return []


@register(Tags.caches, deploy=True)
def local_cache_in_production(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.PRODUCTION and not settings.REDIS_URL:
        return [Warning("each server process keeps its own cache",
                        hint="Set SHIGONGTU_REDIS_URL so dashboard pictures are shared by all workers.",
                        id="shigongtu.W002")]
    return []


@register()
def pdf_printer_present(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.PRODUCTION and not (shutil.which("chromium") or shutil.which("chromium-browser")):
        return [Warning("PDF bulletins cannot be printed: Chromium is not installed",
                        hint="apt-get install chromium fonts-noto-cjk (Word and Excel bulletins work without it).",
                        id="shigongtu.W003")]
    return []
