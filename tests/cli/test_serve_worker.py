"""``shigongtu serve`` on one machine also runs the background-task worker, and stops it when it stops."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import shigongtu

ENQUEUE = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shigongtu.settings")
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from shigongtu.ledgers.tasks import run_import
from shigongtu.utilities import jobs
job = jobs.start("ledger_import", "x", "x", user=None, unit_id=None, params={"plan": 0, "dry_run": True})
run_import.enqueue(job.pk)
print(job.pk)
"""
STATUS = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shigongtu.settings")
django.setup()
from shigongtu.utilities.models import Job
print(Job.objects.get(pk={pk}).status)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


@pytest.mark.slow
def test_serve_runs_the_queue_and_stops_its_worker_with_it(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SHIGONGTU_ENV"}
    src = str(Path(shigongtu.__file__).resolve().parents[1])  # this checkout, from any working directory
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH", "")]))
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}", SHIGONGTU_JOBS_DIR=str(tmp_path / "jobs"))
    run = {"env": env, "capture_output": True, "text": True, "timeout": 120, "cwd": tmp_path}
    pk = subprocess.run([sys.executable, "-c", ENQUEUE], check=True, **run).stdout.strip()
    serve = subprocess.Popen([sys.executable, "-m", "shigongtu", "serve", "--port", str(_free_port()), "--workers", "1"],
                             env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        status, deadline = "queued", time.monotonic() + 90
        while status in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(1)
            status = subprocess.run([sys.executable, "-c", STATUS.replace("{pk}", pk)], **run).stdout.strip()
        assert status == "failed"  # the worker picked the task up and ran it (its plan does not exist)
        workers = [c for c in _children(serve.pid) if "db_worker" in _cmdline(c)]
        assert len(workers) == 1
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
    time.sleep(0.5)
    assert "db_worker" not in _cmdline(workers[0])  # stopped with the server
