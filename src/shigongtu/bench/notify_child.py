"""One evaluation of every notification rule in a fresh process, so that its peak memory is its own.

``python -m shigongtu.bench.notify_child '["PLAN", …]'`` prints one JSON line: seconds, resident
memory before the work and the process's peak (the interpreter and Django included)."""

from __future__ import annotations

import json
import os
import sys
import time


def main(codes: list[str]) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shigongtu.settings")
    django.setup()
    from shigongtu.bench.child import _memory_mb
    from shigongtu.bench.notify import evaluate_all

    before = _memory_mb("VmRSS")
    wall = time.perf_counter()
    result = evaluate_all(codes)
    sys.stdout.write(json.dumps({"seconds": round(time.perf_counter() - wall, 3), "rss_before_mb": before,
                                 "peak_rss_mb": _memory_mb(), "events": result["events"]}) + "\n")


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
