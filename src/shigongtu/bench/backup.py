"""``shigongtu bench backup``: backup → restore → verify on a 20,000-node plan with 240,000 reports.

The synthetic plan is written in bulk, so its history is written the way an import writes it
(one entry per report and indicator, through ``audit.record_many``). Figures: writing that
history, ``audit verify`` on the live database (chain + figures), ``shigongtu backup`` (in
process), and ``shigongtu restore`` + its ``audit verify`` into a scratch database (a process of
its own, so including start-up and the migrations check). The history stays (it is append-only):
run it on a scratch database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from shigongtu.audit import backups
from shigongtu.audit.services import record_many
from shigongtu.audit.verify import verify_history
from shigongtu.bench.synthetic import build_plan, drop_plan
from shigongtu.bench.util import timed
from shigongtu.plans.models import Indicator, Report


def add_arguments(parser: Any) -> None:
    parser.add_argument("--keep", action="store_true", help="keep the synthetic plan afterwards")


def _history(plan: Any) -> int:
    written = 0
    rows = Report.objects.filter(node__plan=plan).values_list("pk", "node__code", "period", "progress")
    batch: list[dict[str, Any]] = []
    for pk, code, period, progress in rows.iterator(chunk_size=20000):
        batch.append({"action": "import-update", "object_type": "report", "object_id": pk,
                      "label": f"{code} {period}", "plan_code": plan.code, "changes": {"进度": [None, progress]}})
        if len(batch) == 20000:
            written += record_many(batch, "bench")
            batch = []
    batch += [{"action": "create", "object_type": "indicator", "object_id": i.pk, "plan_code": plan.code,
               "changes": {"name": [None, i.name], "target": [None, i.target]}}
              for i in Indicator.objects.filter(plan=plan)]
    return written + record_many(batch, "bench")


def _scratch_url(workdir: Path) -> tuple[str, str | None]:
    """A database to restore into: a new SQLite file, or a new PostgreSQL database (its name)."""
    if backups.engine() == "sqlite":
        return f"sqlite:///{workdir / 'restored.sqlite3'}", None
    name = f"bench_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    return settings.DATABASE_URL.rsplit("/", 1)[0] + "/" + name, name


def _restore(url: str, backup: Path) -> tuple[float, bool]:
    env = {**os.environ, "DATABASE_URL": url}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "shigongtu", "restore", str(backup)], env=env,  # noqa: S603
                          capture_output=True, text=True, check=False)
    return time.perf_counter() - started, done.returncode == 0


def run(options: dict[str, Any]) -> dict[str, Any]:
    scale = float(options.get("scale", 1.0))
    leaves_per = max(2, round(20 * scale))
    build_s, built = timed(lambda: build_plan("BENCH-" + uuid.uuid4().hex[:6].upper(), (10, 10, 10, leaves_per)))
    plan = built["plan"]
    figures: dict[str, Any] = {"nodes": built["nodes"], "reports": built["reports"], "build_seconds": round(build_s, 2)}
    scratch: str | None = None
    try:
        history_s, entries = timed(lambda: _history(plan))
        figures.update({"history_entries": entries, "history_seconds": round(history_s, 2)})
        verify_s, verdict = timed(verify_history)
        figures.update({"verify_seconds": round(verify_s, 2), "verify_ok": verdict.ok,
                        "entries_verified": verdict.entries})
        with tempfile.TemporaryDirectory(prefix="shigongtu-bench-") as tmp:
            target = Path(tmp) / "backup.bin"
            backup_s, _ = timed(lambda: backups.backup(target))
            figures.update({"backup_seconds": round(backup_s, 2), "backup_mb": round(target.stat().st_size / 2**20, 1)})
            url, scratch = _scratch_url(Path(tmp))
            restore_s, ok = _restore(url, target)
            figures.update({"restore_and_verify_seconds": round(restore_s, 2), "restore_verify_ok": ok})
    finally:
        if scratch is not None:
            with connection.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        if not options.get("keep"):
            drop_plan(plan)
    return figures
