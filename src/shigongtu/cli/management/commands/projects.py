"""``shigongtu projects --plan CODE [--as-of YYYY-MM-DD] --json``: the plan's key projects."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from shigongtu.cli.command import ShigongtuCommand
from shigongtu.cli.management.commands._planarg import plan_and_date
from shigongtu.lib.amounts import format_wan
from shigongtu.projects.documents import projects_document


class Command(ShigongtuCommand):
    help = "List the plan's projects with stage, amounts (万元) and year-to-date investment."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True)
        parser.add_argument("--as-of", dest="as_of")
        parser.add_argument("--json", action="store_true")

    def run(self, **options: Any) -> None:
        plan, as_of = plan_and_date(options["plan"], options["as_of"])
        doc = projects_document(plan, as_of)
        if options["json"]:
            self.emit(doc)
            return
        marks = {"green": "●", "yellow": "▲", "red": "■"}
        totals = doc["totals"]
        self.stdout.write(f"{plan.code} {plan.name}  截至 {as_of}  项目 {totals['projects']} 个，"
                          f"已开工 {totals['started']} 个，本年完成投资 {format_wan(totals['ytd_investment'])}")
        for p in doc["projects"]:
            amounts = f"{format_wan(p['ytd_investment']):>16} / {format_wan(p['annual_plan']):>16}"
            self.stdout.write(f"{marks.get(p['light'], ' ')} {p['code']:<14} {p['stage']:<6} {amounts}  {p['name']}")
