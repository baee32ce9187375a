"""``shigongtu bulletin --plan CODE --period YYYY-MM -o FILE``: the month's dispatch bulletin (调度通报).

The format follows the suffix (.docx, .xlsx, .pdf). When the period has been issued, the
file written is the issued one, byte for byte; otherwise the live draft (草稿, no number).
``--draft`` renders the draft even after issue. ``--issue`` issues the period first (the
next number of the plan's year); with ``--correct`` it re-issues an issued period as a
correction (更正) under a new number. ``--date`` sets the document date (default today) and
``--issuer`` the issuing unit (default the plan's unit).

Exit codes: 1 unknown plan, period outside the plan year or not yet over, already issued,
no PDF typesetting here (WeasyPrint, Pango or a CJK font missing); 2 malformed period or date, unknown suffix.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from shigongtu.bulletins import services
from shigongtu.cli.command import ShigongtuCommand
from shigongtu.lib.errors import InputRejected
from shigongtu.lib.periods import Period
from shigongtu.plans.models import Plan


def read_date(raw: str | None) -> dt.date | None:
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, got {raw!r}", returncode=2) from None


def read_period_arg(raw: str) -> Period:
    """``YYYY-MM`` strictly (a usage error otherwise); the plan-year check comes later."""
    try:
        year, month = raw.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return Period(int(year), int(month))
    except ValueError:
        raise CommandError(f"--period must be YYYY-MM, got {raw!r}", returncode=2) from None


class Command(ShigongtuCommand):
    help = "Write the dispatch bulletin (调度通报) of a plan for a month as .docx, .xlsx or .pdf."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True)
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument("-o", "--output", required=True, help="FILE.docx | FILE.xlsx | FILE.pdf")
        parser.add_argument("--issue", action="store_true", help="issue the period first (numbered, frozen)")
        parser.add_argument("--correct", action="store_true", help="with --issue: re-issue as a correction")
        parser.add_argument("--draft", action="store_true", help="render the live draft even if issued")
        parser.add_argument("--date", help="document date YYYY-MM-DD (default today)")
        parser.add_argument("--issuer", help="issuing unit (default the plan's unit)")
        parser.add_argument("--json", action="store_true")

    def run(self, **options: Any) -> None:
        out = Path(options["output"])
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in services.FORMATS:
            raise CommandError(f"unknown output format {out.suffix or '(none)'!r}: use .docx, .xlsx or .pdf",
                               returncode=2)
        period = read_period_arg(options["period"])
        date = read_date(options["date"])
        if options["correct"] and not options["issue"]:
            raise CommandError("--correct goes with --issue", returncode=2)
        plan = Plan.objects.select_related("unit").filter(code=options["plan"]).first()
        if plan is None:
            raise CommandError(f"no plan with code {options['plan']!r}", returncode=1)
        services.read_period(plan, period)
        try:
            if options["issue"]:
                services.issue(plan, period, None, date=date, issuer=options["issuer"], correct=options["correct"])
            doc = services.document(plan, period, fmt, draft=options["draft"], date=date, issuer=options["issuer"])
        except (services.PdfUnavailable, services.FileUnavailable) as exc:
            raise CommandError(str(exc), returncode=1) from None
        if not out.parent.exists():
            raise InputRejected(f"目录不存在：{out.parent}", field="output", value=str(out))
        out.write_bytes(doc.data)
        b = doc.bulletin
        result = {"plan": plan.code, "period": period.key, "format": fmt, "file": str(out), "bytes": len(doc.data),
                  "status": b.status if b else "draft", "number": b.number if b else None}
        if options["json"]:
            self.emit(result)
        else:
            what = f"第{b.number}期（已印发）" if b else "草稿"
            sys.stdout.write(f"{out}: {plan.code} {period.label_zh} 调度通报 {what}, {len(doc.data):,} bytes\n")
