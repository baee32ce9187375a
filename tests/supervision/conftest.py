"""Helpers for the supervision tests: a ledger as CSV bytes, items registered through the service."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shigongtu.ledgers.engine import import_ledger
from shigongtu.supervision import services
from shigongtu.supervision.models import SupervisionItem


def csv_bytes(rows: list[list[Any]]) -> bytes:
    return "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows).encode("utf-8")


def load(cast: Any, rows: list[list[Any]], **options: Any) -> Any:
    return import_ledger(csv_bytes(rows), "items.csv", "supervision", cast.plan, cast.coordinator, **options)


@pytest.fixture
def item(cast: Any) -> SupervisionItem:
    """An item the front's department (the reporter's unit) leads, assigned 2023-03-01, due 2023-06-30."""
    return services.save_item(cast.plan, {"code": "DC-1", "title": "扬尘整治", "source": "督察反馈",
                                          "lead_unit": cast.dept, "assigned_on": "2023-03-01",
                                          "deadline": "2023-06-30", "leader": "郑海（示例）"},
                              cast.coordinator, today=dt.date(2023, 3, 1))
