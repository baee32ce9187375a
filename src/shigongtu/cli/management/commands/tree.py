"""``shigongtu tree --plan CODE [--as-of YYYY-MM-DD] --json``: the rolled-up plan tree."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from shigongtu.cli.command import ShigongtuCommand
from shigongtu.cli.management.commands._planarg import plan_and_date
from shigongtu.plans.documents import tree_document


class Command(ShigongtuCommand):
    help = "Print the plan tree with roll-up and lights."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True)
        parser.add_argument("--as-of", dest="as_of")
        parser.add_argument("--depth", type=int, default=None, help="only levels 0..N")
        parser.add_argument("--json", action="store_true")

    def run(self, **options: Any) -> None:
        plan, as_of = plan_and_date(options["plan"], options["as_of"])
        doc = tree_document(plan, as_of, options["depth"])
        if options["json"]:
            self.emit(doc)
            return
        marks = {"green": "●", "yellow": "▲", "red": "■", "done": "✓", "pending": "○", "cancelled": "×"}
        self.stdout.write(f"{plan.code} {plan.name}  截至 {as_of}")
        for n in doc["nodes"]:
            indent = "  " * n["code"].count(".")
            self.stdout.write(
                f"{indent}{marks.get(n['light'], '?')} {n['code']} {n['title']}  "
                f"{n['progress']:.1f}% / 序时 {n['expected']:.1f}%"
            )
