"""``shigongtu warnings --plan CODE [--as-of YYYY-MM-DD] --json``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from shigongtu.cli.command import ShigongtuCommand
from shigongtu.cli.management.commands._planarg import plan_and_date
from shigongtu.plans.documents import warnings_document


class Command(ShigongtuCommand):
    help = "Print the plan's warnings (lag, overdue, missing reports, indicators)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True)
        parser.add_argument("--as-of", dest="as_of")
        parser.add_argument("--json", action="store_true")

    def run(self, **options: Any) -> None:
        plan, as_of = plan_and_date(options["plan"], options["as_of"])
        doc = warnings_document(plan, as_of)
        if options["json"]:
            self.emit(doc)
            return
        for w in doc["warnings"]:
            extra = f" {w['indicator']}" if "indicator" in w else ""
            self.stdout.write(f"[{w['light']}] {w['kind']} {w['node']}{extra}")
        self.stdout.write(f"{len(doc['warnings'])} warnings at {as_of}")
