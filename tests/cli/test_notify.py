"""``shigongtu notify``: one JSON document, idempotent, a bad plan or date refused; the background
task runs the same."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from shigongtu.notifications import services
from shigongtu.notifications.models import Notice
from shigongtu.notifications.tasks import notify
from shigongtu.plans import services as plan_services
from tests.notifications import conftest as notification_fixtures
from tests.notifications.sink import Sink

sink, robots = notification_fixtures.sink, notification_fixtures.robots  # the local HTTP sink's fixtures


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings: Any) -> None:
    # As .ci/run sets SHIGONGTU_ENV=test; here too when the file runs alone.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def returned(cast: Any) -> None:
    services.save_rule(cast.plan, {"kind": "report_returned", "roles": ["reporter"], "channels": ["wecom"]},
                       cast.coordinator)
    report = plan_services.file_report(cast.node("1.1"), "2023-05", {"progress": 40}, cast.reporter)
    plan_services.review_report(report, False, cast.coordinator, reason="请补充现场照片")


def notify_json(capsys: Any, *args: str) -> dict[str, Any]:
    capsys.readouterr()
    call_command("notify", *args, "--json")
    return dict(json.loads(capsys.readouterr().out))


def test_notify_sends_once_and_prints_one_json_document(cast: Any, returned: None, robots: Sink,
                                                        capsys: Any) -> None:
    first = notify_json(capsys, "--plan", cast.plan.code, "--as-of", "2023-06-10")
    assert first["ok"] and first["runs"][0]["notices"] == 1 and first["deliveries"] == {"sent": 1}
    second = notify_json(capsys, "--plan", cast.plan.code, "--as-of", "2023-06-10")
    assert second["runs"][0]["notices"] == 0 and second["deliveries"] == {} and len(robots.received) == 1


def test_an_unknown_plan_is_refused_naming_it(cast: Any, capsys: Any) -> None:
    with pytest.raises(SystemExit) as exit_:
        call_command("notify", "--plan", "NOPE", "--json")
    assert exit_.value.code == 1
    assert json.loads(capsys.readouterr().out)["errors"][0]["field"] == "plan"


def test_a_bad_date_is_a_usage_error(cast: Any) -> None:
    with pytest.raises(CommandError, match="--as-of must be YYYY-MM-DD"):
        call_command("notify", "--as-of", "2023-13-01")


def test_the_background_task_runs_the_same(cast: Any, returned: None, robots: Sink,
                                           django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify.enqueue(cast.plan.code, dt.date(2023, 6, 10).isoformat())
    assert Notice.objects.get().recipient == cast.reporter and len(robots.received) == 1


def test_queueing_from_the_command_line(cast: Any, returned: None, robots: Sink, capsys: Any,
                                       django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        doc = notify_json(capsys, "--plan", cast.plan.code, "--as-of", "2023-06-10", "--queue")
    assert doc["queued"] is True and Notice.objects.count() == 1  # the test suite runs tasks at once
