"""schemathesis over the whole API: no input, however odd, gives a 5xx or an answer the schema does not declare.

A bounded budget (a few examples per operation) so it runs in CI on SQLite and PostgreSQL alike;
the findings it produced are kept as plain regression tests in ``test_hostile_input.py``.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
import schemathesis
import time_machine
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from shigongtu.orgs.services import issue_token
from shigongtu.plans import services
from shigongtu.wsgi import application
from tests.conftest import build_cast

STATUSES: dict[int, int] = {}  # answers seen, for the report (printed with -s)
EXAMPLES = int(os.environ.get("SHIGONGTU_FUZZ_EXAMPLES", "6"))  # the CI budget; raise it to hunt


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The raw WSGI app closes connections after each request; inside a test's transaction it must
    not (Django's own test client unhooks the same signal)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def coordinator_token(db: Any) -> str:
    cast = build_cast()
    node = cast.node("1.1")
    services.file_report(node, "2023-04", {"progress": "40", "narrative": "示例"}, user=cast.reporter, submit=True)
    return issue_token(cast.coordinator)


@pytest.mark.fuzz
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_input_gives_a_server_error(case: Any, coordinator_token: str) -> None:
    with time_machine.travel(dt.datetime(2023, 6, 30, 12, tzinfo=dt.UTC), tick=False):
        _aim(case)
        response = case.call(headers={"Authorization": f"Bearer {coordinator_token}"})
    STATUSES[response.status_code] = STATUSES.get(response.status_code, 0) + 1
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance,
                                               response_schema_conformance])


def _aim(case: Any) -> None:
    """Most cases go to the plan and node that exist, so the fuzzer reaches the handlers' reading."""
    params = case.path_parameters or {}
    if "code" in params:
        params["code"] = "JY-T"
    if "node_code" in params and not str(params["node_code"]).startswith("9"):
        params["node_code"] = "1.1"


def test_zz_the_fuzzer_reached_the_handlers() -> None:
    """Not every answer was a refusal at the door: some requests got through (2xx)."""
    if not STATUSES:
        pytest.skip("the fuzz cases did not run in this process")
    print("schemathesis answers:", dict(sorted(STATUSES.items())))
    assert any(200 <= s < 300 for s in STATUSES)
    assert not any(s >= 500 for s in STATUSES)
