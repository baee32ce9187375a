"""``shigongtu supervision_weekly --plan CODE [--week-of YYYY-MM-DD] -o FILE.docx``: the 督办周报."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from shigongtu.bulletins import supervision_weekly
from shigongtu.cli.command import ShigongtuCommand
from shigongtu.cli.management.commands._planarg import plan_and_date
from shigongtu.plans.selectors import default_as_of
from shigongtu.supervision import selectors


class Command(ShigongtuCommand):
    help = ("Write the weekly supervision report (督办周报, .docx) of the week holding --week-of "
            "(default: the plan's as-of date): totals, new, done and overdue items by unit and leader.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True)
        parser.add_argument("--week-of", dest="week_of", help="a day of the week, YYYY-MM-DD")
        parser.add_argument("-o", "--output", required=True, help="the .docx file to write")

    def run(self, **options: Any) -> None:
        plan, day = plan_and_date(options["plan"], options["week_of"])
        week = selectors.weekly(plan, day, until=default_as_of(plan))
        out = Path(options["output"])
        out.write_bytes(supervision_weekly.render(week))
        s = week.summary
        self.stdout.write(f"{out}: {week.first}—{week.last} 新交办 {week.new.total} 项，办结 {week.done.total} 项，"
                          f"逾期 {s.overdue} 项（事项 {s.total} 项，销号率 {s.closure_rate * 100:.1f}%）")
