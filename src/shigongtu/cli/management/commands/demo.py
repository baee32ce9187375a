"""``shigongtu demo [--port N] [--no-serve]``: a fresh demo database, its accounts, and a server."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandParser
from django.db import connection

from shigongtu.cli.command import ShigongtuCommand, ensure_schema


class Command(ShigongtuCommand):
    help = "Create a fresh demo database from the seed and serve it."
    needs_schema = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-serve", action="store_true")
        parser.add_argument("--password", default=None, help="password for every demo account (default: random)")

    def run(self, **options: Any) -> None:
        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("sqlite3"):
            connection.close()
            path = Path(str(db["NAME"]))
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            sys.stderr.write("demo: resetting the PostgreSQL schema of DATABASE_URL\n")
            with connection.cursor() as cur:
                cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        ensure_schema()
        from shigongtu.demo.build import DEMO_PLAN, build
        from shigongtu.plans.selectors import clear_cache

        sys.stderr.write("demo: building the 2023 blueprint …\n")
        result = build(options["password"] or os.environ.get("SHIGONGTU_DEMO_PASSWORD"))
        clear_cache()
        out = self.stdout
        out.write(f"\n施工图 demo ready — master blueprint {DEMO_PLAN}; plans: {', '.join(result['plans'])}")
        out.write(f"database: {db['NAME']}\n")
        out.write("demo accounts (username / password — role @ unit):")
        for a in result["accounts"]:
            out.write(f"  {a['username']:<12} {a['password']}  {a['role']} @ {a['unit']}  ({a['label']})")
        if not options["no_serve"]:
            out.write(f"\nopen http://{options['host']}:{options['port']}/  (Ctrl+C to stop)\n")
            call_command("serve", host=options["host"], port=options["port"])
