"""Projects on the cast's plan JY-T: helpers shared by the project library's tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from shigongtu.projects.models import Project
from shigongtu.projects.services.projects import save_project

# A real-shaped credit code (check character verified) and national project code.
CREDIT = "91220101MA0Y4L7Q60"
NATIONAL = "2023-220104-48-01-123456"


def make_project(cast: Any, code: str = "P-001", **fields: Any) -> Project:
    """A project on the cast's plan led by the reporter's unit (项目服务中心), written as a system job."""
    data: dict[str, Any] = {"code": code, "name": f"测试项目{code}", "lead_unit": cast.dept,
                            "total_investment": Decimal(10000), "annual_plan": Decimal(4000)}
    data.update(fields)
    return save_project(cast.plan, data, today=dt.date(2023, 12, 31))


@pytest.fixture
def project(cast: Any) -> Project:
    return make_project(cast)
