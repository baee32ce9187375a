"""``shigongtu projects --plan CODE [--as-of D] --json`` (contract §1)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command

from shigongtu.projects.services.investment import submit_investment
from tests.projects.conftest import make_project


def _run(*args):
    out = io.StringIO()
    call_command("projects", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def ledger(cast):
    with time_machine.travel(dt.datetime(2023, 7, 10, 10, tzinfo=dt.UTC)):
        p = make_project(cast, actual_start="2023-03-01", stage="在建", annual_plan="5000")
        submit_investment(p, {"period": "2023-05", "amount": "1200.5"})
        submit_investment(p, {"period": "2023-06", "amount": "300"})
        make_project(cast, "P-002", planned_start="2023-09-01", stage="前期")


def test_it_prints_one_json_document_with_year_to_date_investment(cast, ledger, capsys):
    call_command("projects", "--plan", "JY-T", "--as-of", "2023-06-30", "--json")
    doc = json.loads(capsys.readouterr().out)
    assert doc["plan"] == "JY-T" and doc["as_of"] == "2023-06-30"
    first = doc["projects"][0]
    assert (first["code"], first["stage"], first["ytd_investment"], first["annual_plan"]) == (
        "P-001", "在建", 1500.5, 5000.0)
    assert doc["totals"]["ytd_investment"] == 1500.5 and doc["totals"]["started"] == 1


def test_year_to_date_stops_at_the_last_complete_month(cast, ledger, capsys):
    call_command("projects", "--plan", "JY-T", "--as-of", "2023-06-29", "--json")
    doc = json.loads(capsys.readouterr().out)
    assert doc["projects"][0]["ytd_investment"] == 1200.5  # June is not complete yet


def test_warnings_ride_along(cast, ledger, capsys):
    call_command("projects", "--plan", "JY-T", "--as-of", "2023-06-30", "--json")
    doc = json.loads(capsys.readouterr().out)
    kinds = {w["kind"] for w in doc["projects"][0]["warnings"]}
    assert "not_in_statistics" in kinds and doc["projects"][0]["light"] == "red"


def test_without_json_it_prints_a_table(cast, ledger):
    assert "P-001" in _run("--plan", "JY-T", "--as-of", "2023-06-30")


def test_an_unknown_plan_exits_1(cast):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as exc:
        _run("--plan", "NOPE", "--json")
    assert exc.value.returncode == 1
