"""``shigongtu leads --plan CODE [--as-of YYYY-MM-DD] --json``: the plan's 招商 leads and the year's summary."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from shigongtu.attraction.documents import leads_document
from shigongtu.cli.command import ShigongtuCommand
from shigongtu.cli.management.commands._planarg import plan_and_date
from shigongtu.lib.amounts import format_wan


class Command(ShigongtuCommand):
    help = "List the plan's investment-attraction leads (招商项目) with their stage at a date, and the year's summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True)
        parser.add_argument("--as-of", dest="as_of")
        parser.add_argument("--json", action="store_true")

    def run(self, **options: Any) -> None:
        plan, as_of = plan_and_date(options["plan"], options["as_of"])
        doc = leads_document(plan, as_of)
        if options["json"]:
            self.emit(doc)
            return
        s = doc["summary"]
        self.stdout.write(f"{plan.code} {plan.name}  截至 {as_of}  签约 {s['signed']} 个，"
                          f"协议投资额 {format_wan(s['signed_investment'])}，开工 {s['started']} 个"
                          f"（开工率 {s['start_rate']:.1%}），到位资金 {format_wan(s['funds'])}"
                          f"（资金到位率 {s['funds_rate']:.1%}）")
        for r in doc["leads"]:
            self.stdout.write(f"{r['code']:<14} {r['stage']:<4} {format_wan(r['investment']):>16}  {r['name']}")
