"""Page tests run on 10 July 2023: reports for January–July can be filed, June's are due by 5 July."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

TODAY = dt.datetime(2023, 7, 10, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _july_2023() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield
