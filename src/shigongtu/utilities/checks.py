"""Django system checks for a misconfigured deployment, each with a hint (``shigongtu check --deploy``)."""

from __future__ import annotations

import shutil
import subprocess
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


@register(Tags.caches, deploy=True)
def replicas_without_a_shared_cache(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if getattr(settings, "DATABASE_REPLICAS", None) and not settings.REDIS_URL:
        return [Warning("read replicas are configured but each server process keeps its own cache",
                        hint="Set SHIGONGTU_REDIS_URL: a writer is kept on the primary by a shared cache entry "
                             "(API clients keep no cookie), and the plan's figures are built once for all servers.",
                        id="shigongtu.W004")]
    return []


def pdf_typesetting_problem() -> str | None:
    """Why WeasyPrint cannot typeset a Chinese PDF here (its package, Pango, a CJK font), or None."""
    try:
        import weasyprint  # noqa: F401 (loading it is the check: it opens Pango)
    except ImportError:
        return "WeasyPrint is not installed"
    except OSError as exc:
        return f"WeasyPrint cannot load Pango ({exc})"
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return "fontconfig (fc-list) is missing, so no CJK font can be found"
    try:
        out = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True,  # noqa: S603
                             timeout=20, check=False).stdout
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"fc-list failed ({exc})"
    return None if out.strip() else "no CJK font is installed"


@register()
def pdf_typesetter_present(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if not settings.PRODUCTION:
        return []
    problem = pdf_typesetting_problem()
    if problem is not None:
        return [Warning(f"PDF bulletins cannot be typeset: {problem}",
                        hint="apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk and "
                             "pip install weasyprint (Word and Excel bulletins work without them).",
                        id="shigongtu.W003")]
    return []
