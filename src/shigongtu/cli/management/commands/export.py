"""``shigongtu export --kind KIND [--plan CODE] -o FILE.xlsx``: a ledger out, re-importable unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from shigongtu.cli.command import ShigongtuCommand
from shigongtu.ledgers.engine import export_ledger
from shigongtu.plans.models import Plan


class Command(ShigongtuCommand):
    help = "Export a ledger as a styled .xlsx."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", required=True)
        parser.add_argument("--plan")
        parser.add_argument("-o", "--output", required=True)
        parser.add_argument("--template", action="store_true", help="a blank template with the headers only")
        parser.add_argument("--front", help="nodes: only this front's subtree (分施工图)")
        parser.add_argument("--period", help="reports: only this month")

    def run(self, **options: Any) -> None:
        plan = None
        if options["plan"]:
            plan = Plan.objects.select_related("unit").filter(code=options["plan"]).first()
            if plan is None:
                raise CommandError(f"no plan with code {options['plan']!r}", returncode=1)
        out = Path(options["output"])
        if out.suffix.lower() != ".xlsx":
            raise CommandError("the output file must end in .xlsx", returncode=2)
        filters = {k: options[k] for k in ("front", "period") if options.get(k)}
        data = export_ledger(options["kind"], plan, None, filters, blank=options["template"])
        out.write_bytes(data)
        self.stdout.write(f"wrote {out} ({len(data):,} bytes)")
