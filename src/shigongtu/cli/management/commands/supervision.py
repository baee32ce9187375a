"""``shigongtu supervision --plan CODE [--as-of YYYY-MM-DD] --json``: the plan's 督办/整改 items at d."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from shigongtu.cli.command import ShigongtuCommand
from shigongtu.cli.management.commands._planarg import plan_and_date
from shigongtu.supervision.documents import supervision_document


class Command(ShigongtuCommand):
    help = "List the plan's supervision items (督办/整改) with their state and light at a date, and the summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True)
        parser.add_argument("--as-of", dest="as_of")
        parser.add_argument("--json", action="store_true")

    def run(self, **options: Any) -> None:
        plan, as_of = plan_and_date(options["plan"], options["as_of"])
        doc = supervision_document(plan, as_of)
        if options["json"]:
            self.emit(doc)
            return
        s = doc["summary"]
        self.stdout.write(f"{plan.code} {plan.name}  截至 {as_of}  督办事项 {s['total']} 项，已办结 {s['done']} 项，"
                          f"已销号 {s['closed']} 项（销号率 {s['closure_rate'] * 100:.1f}%），逾期 {s['overdue']} 项")
        marks = {"green": "●", "yellow": "▲", "red": "■", "done": "✓"}
        for i in doc["items"]:
            due = i["deadline"] or "长期坚持"
            self.stdout.write(f"{marks.get(i['light'], ' ')} {i['code']:<14} {i['status']:<4} {due:<10} "
                              f"{i['lead_unit'] or '—'}  {i['title']}")
