"""Submitting and reviewing the same investment report at once never deadlocks (PostgreSQL).

Both take the project's lock before the report's, so one waits for the other; each pair ends
with one clear winner and the loser told why (a refusal), never a database error.
"""

from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
import time_machine
from django.db import connection

from shigongtu.lib.errors import Conflict, InputRejected, NotAllowed
from shigongtu.projects.models import InvestmentReport
from shigongtu.projects.services.investment import review_investment, submit_investment
from tests.conftest import build_cast, make_user
from tests.projects.conftest import make_project

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
PAIRS = 12
REFUSALS = (Conflict, InputRejected, NotAllowed)


@pytest.mark.skipif(not ON_POSTGRES, reason="row locks and deadlocks are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
@time_machine.travel(dt.datetime(2023, 7, 10, 9, tzinfo=dt.UTC), tick=True)
def test_submit_and_review_of_the_same_report_race_without_deadlock():
    cast = build_cast()
    owner = make_user("owner", cast.dept, "reporter")
    project = make_project(cast)
    outcomes: list[tuple[str, str]] = []

    def act(name, work):
        try:
            work()
            outcomes.append((name, "ok"))
        except REFUSALS:
            outcomes.append((name, "refused"))
        except Exception as exc:  # a deadlock or any database error is the failure we look for
            outcomes.append((name, f"error: {exc!r}"))
        finally:
            connection.close()

    for i in range(PAIRS):
        report = submit_investment(project, {"period": "2023-06", "amount": str(800 + i)}, owner)
        threads = _pair(act, project, owner, report, cast.coordinator, 900 + i)
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not any(t.is_alive() for t in threads), "a thread hung"
        if InvestmentReport.objects.get(pk=report.pk).status != "submitted":
            report.refresh_from_db()
            InvestmentReport.objects.filter(pk=report.pk).update(status="submitted")
    errors = [o for o in outcomes if o[1].startswith("error")]
    assert (len(outcomes), errors) == (2 * PAIRS, [])


def _pair(act, project, owner, report, reviewer, amount):
    """Two threads released together: the owner files the month again while the reviewer approves it."""
    start = threading.Barrier(2)

    def submit():
        start.wait()
        act("submit", lambda: submit_investment(project, {"period": "2023-06", "amount": str(amount)}, owner))

    def review():
        start.wait()
        act("review", lambda: review_investment(report, True, reviewer))

    return [threading.Thread(target=submit), threading.Thread(target=review)]
