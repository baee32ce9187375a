"""``shigongtu bench NAME [--json]``: the project's own benchmarks (``shigongtu.bench.NAME``).

Each benchmark module has ``add_arguments(parser)`` (optional) and ``run(options) -> dict``,
builds its own synthetic data in the database of DATABASE_URL (use a scratch database:
benchmarks create and delete data), and returns figures in seconds/milliseconds.
"""

from __future__ import annotations

import platform
import time
from types import ModuleType
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from shigongtu.bench import (
    attraction,
    backup,
    bulletin,
    create,
    enterprises,
    imports,
    notify,
    pages,
    projects,
    scale,
    supervision,
    tree,
    upload,
    web,
)
from shigongtu.cli.command import ShigongtuCommand

# Every benchmark, by the name the command line uses, in the order `--help` lists them.
# A new record type's bench is added here (ARCHITECTURE.md, "Adding a record type").
BENCHES: dict[str, ModuleType] = {
    "tree": tree,
    "projects": projects,
    "import": imports,  # "import" is a keyword, not a module name
    "web": web,
    "bulletin": bulletin,
    "backup": backup,
    "enterprises": enterprises,
    "leads": attraction,
    "supervision": supervision,
    "notify": notify,
    "pages": pages,
    "create": create,
    "upload": upload,
    "scale": scale,
}


class Command(ShigongtuCommand):
    help = "Run a benchmark on synthetic data and print its figures as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="bench", required=True)
        for name in BENCHES:
            p = sub.add_parser(name)
            p.add_argument("--json", action="store_true")
            p.add_argument("--scale", type=float, default=1.0, help="fraction of the full synthetic size")
            module = BENCHES[name]
            if hasattr(module, "add_arguments"):
                module.add_arguments(p)

    def run(self, **options: Any) -> None:
        name = options["bench"]
        module = BENCHES[name]
        started = time.perf_counter()
        figures = module.run(options)
        doc = {
            "bench": name,
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "python": platform.python_version(),
            "machine": {"cpus": __import__("os").cpu_count(), "platform": platform.platform()},
            "scale": options["scale"],
            "figures": figures,
            "total_seconds": round(time.perf_counter() - started, 3),
        }
        if options.get("json"):
            self.emit(doc)
        else:
            import json

            self.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2))
