"""``shigongtu notify [--plan CODE] [--as-of YYYY-MM-DD] [--json]``: evaluate the notification rules and send.

Idempotent (running it twice sends nothing twice), for cron or a systemd timer; ``--queue`` hands
the same run to the background-task queue instead (``shigongtu db_worker`` runs it).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from shigongtu.cli.command import ShigongtuCommand, parse_as_of
from shigongtu.notifications.tasks import notify, run_all


class Command(ShigongtuCommand):
    help = "Evaluate the plans' notification rules (提醒规则), raise the new notices and send what is due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", help="one plan's code (default: every open plan)")
        parser.add_argument("--as-of", dest="as_of",
                            help="judge at this date (default: the plan's pinned date, or today)")
        parser.add_argument("--queue", action="store_true", help="enqueue the run as a background task")
        parser.add_argument("--json", action="store_true")

    def run(self, **options: Any) -> None:
        as_of = parse_as_of(options["as_of"])
        day = as_of.isoformat() if as_of else None
        if options["queue"]:
            result = notify.enqueue(options["plan"], day)
            doc: dict[str, Any] = {"queued": True, "task": str(result.id), "status": str(result.status)}
        else:
            doc = {"ok": True, **run_all(options["plan"], day)}
        if options["json"]:
            self.emit(doc)
            return
        if options["queue"]:
            self.stdout.write(f"已加入后台队列：{doc['task']}")
            return
        for r in doc["runs"]:
            self.stdout.write(f"{r['plan']}  截至 {r['as_of']}  事件 {r['events']} 项，新提醒 {r['notices']} 条")
        sent = doc["deliveries"]
        self.stdout.write("发送：" + ("，".join(f"{k} {v}" for k, v in sorted(sent.items())) if sent else "无待发送"))
