"""One measured ledger import or export in a fresh process, so that its peak memory is its own.

``python -m shigongtu.bench.child '{"op": "import", "kind": ..., "plan": ..., "file": ..., "dry_run": ...}'``
prints one JSON line: the seconds taken (and this process's CPU seconds: steadier on a loaded
machine, though a PostgreSQL server's own CPU is not in them), the counts, and the process's peak resident memory
(the interpreter and Django included) next to its resident memory before the work began.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from typing import Any


def _memory_mb(field: str = "VmHWM") -> float:
    """This process's peak (VmHWM) or current (VmRSS) resident memory. Read from /proc: unlike
    ``ru_maxrss``, which Linux carries over from the parent across fork and exec, VmHWM
    belongs to this program alone."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run(args: dict[str, Any]) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shigongtu.settings")
    django.setup()
    from shigongtu.ledgers.engine import export_ledger, import_ledger
    from shigongtu.plans.models import Plan

    plan = Plan.objects.get(code=args["plan"])
    data = b""
    if args["op"] == "import":
        with open(args["file"], "rb") as fh:
            data = fh.read()
    before = _memory_mb("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    out: dict[str, Any] = {}
    if args["op"] == "import":
        result = import_ledger(data, os.path.basename(args["file"]), args["kind"], plan, None,
                               dry_run=bool(args.get("dry_run")), keep_record=False)
        out.update(ok=result.ok, created=result.created, updated=result.updated, unchanged=result.unchanged,
                   errors=[f"{e.row} {e.column}: {e.message}" for e in result.errors[:3]])
    else:
        content = export_ledger(args["kind"], plan)
        out.update(ok=True, bytes=len(content))
    out.update(seconds=time.perf_counter() - started, cpu_seconds=time.process_time() - cpu, rss_before_mb=before,
               peak_rss_mb=_memory_mb())
    return out


if __name__ == "__main__":
    sys.stdout.write(json.dumps(run(json.loads(sys.argv[1]))) + "\n")
