"""``shigongtu enterprises --plan CODE [--as-of YYYY-MM-DD] --json``: the registry of the plan's
org unit and below, and the count of each tier valid at d (contract §4)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from shigongtu.cli.command import ShigongtuCommand
from shigongtu.cli.management.commands._planarg import plan_and_date
from shigongtu.enterprises.documents import enterprises_document


class Command(ShigongtuCommand):
    help = "List the enterprises of the plan's unit with their tiers, and each tier's counts at the date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True)
        parser.add_argument("--as-of", dest="as_of")
        parser.add_argument("--json", action="store_true")

    def run(self, **options: Any) -> None:
        plan, as_of = plan_and_date(options["plan"], options["as_of"])
        doc = enterprises_document(plan, as_of)
        if options["json"]:
            self.emit(doc)
            return
        self.stdout.write(f"{plan.code} {plan.unit.name} 企业梯度培育  截至 {as_of}")
        for t in doc["tiers"]:
            self.stdout.write(f"  {t['tier']:<10} 有效 {t['valid']:>6}  培育中 {t['pipeline']:>6}  "
                              f"180天内到期 {t['expiring']:>5}")
        for t in doc["targets"]:
            self.stdout.write(f"  目标 {t['name']}: {t['actual']:.0f} / {t['target']:.0f}（上年末 {t['baseline']:.0f}，"
                              f"完成净增目标 {100 * t['completion']:.1f}%）")
