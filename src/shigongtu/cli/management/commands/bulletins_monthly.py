"""``shigongtu bulletins_monthly [--dir DIR] [--issue] [--period YYYY-MM]``: the monthly cron job.

For every published plan whose year holds the period (default: the month before today), write
the bulletin into DIR (default ``.``) as ``CODE-YYYY-MM-调度通报…`` in each format of
``--formats`` (default docx,xlsx,pdf). With ``--issue`` the period is issued first where it
has not been (an issued period is left as it is, so the job can be re-run safely); without
it, drafts are written. A plan that fails is reported and the others go on; exit 1 if any
failed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from shigongtu.bulletins import services
from shigongtu.bulletins.content import default_period
from shigongtu.cli.command import ShigongtuCommand
from shigongtu.cli.management.commands.bulletin import read_date, read_period_arg
from shigongtu.lib.errors import InputRejected, NotAllowed
from shigongtu.plans.models import Plan


class Command(ShigongtuCommand):
    help = "Write (and optionally issue) last month's bulletin of every published plan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", default=".", help="output directory (created if missing)")
        parser.add_argument("--issue", action="store_true", help="issue periods not yet issued")
        parser.add_argument("--period", help="YYYY-MM (default: last month)")
        parser.add_argument("--formats", default="docx,xlsx,pdf")
        parser.add_argument("--date", help="document date YYYY-MM-DD (default today)")
        parser.add_argument("--json", action="store_true")

    def run(self, **options: Any) -> None:
        period = read_period_arg(options["period"]) if options["period"] else default_period(timezone.localdate())
        date = read_date(options["date"])
        formats = [f.strip().lower().lstrip(".") for f in options["formats"].split(",") if f.strip()]
        bad = [f for f in formats if f not in services.FORMATS]
        if bad or not formats:
            raise CommandError(f"unknown format(s) {', '.join(bad) or '(none)'}: use docx, xlsx, pdf", returncode=2)
        target = Path(options["dir"])
        target.mkdir(parents=True, exist_ok=True)
        results, failed = [], 0
        for plan in Plan.objects.filter(status=Plan.Status.PUBLISHED, year=period.year).select_related("unit") \
                .order_by("code"):
            entry: dict[str, Any] = {"plan": plan.code, "period": period.key, "files": []}
            try:
                issued = services.current(plan, period)
                if options["issue"] and issued is None:
                    issued = services.issue(plan, period, None, date=date)
                    entry["issued"] = True
                for fmt in formats:
                    doc = services.document(plan, period, fmt, draft=False, date=date)
                    path = target / doc.name
                    path.write_bytes(doc.data)
                    entry["files"].append(str(path))
                entry["status"] = "issued" if issued else "draft"
                entry["number"] = issued.number if issued else None
            except (InputRejected, NotAllowed, services.PdfUnavailable, services.FileUnavailable) as exc:
                failed += 1
                entry["error"] = str(exc)
                sys.stderr.write(f"error: {plan.code} {period.key}: {exc}\n")
            results.append(entry)
        if options["json"]:
            self.emit({"period": period.key, "dir": str(target), "plans": results, "failed": failed})
        else:
            for e in results:
                state = e.get("error") or (f"第{e['number']}期" if e.get("number") else "草稿")
                sys.stdout.write(f"{e['plan']} {e['period']}: {state}; {len(e['files'])} file(s)\n")
            if not results:
                sys.stdout.write(f"no published plan for {period.key}\n")
        if failed:
            sys.exit(1)
