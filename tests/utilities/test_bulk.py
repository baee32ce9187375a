"""The bulk insert and update helpers store what Django itself would store."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from shigongtu.projects.models import Project, StageChange
from shigongtu.utilities import bulk


@given(st.dictionaries(st.text(), st.lists(st.text() | st.integers(), max_size=3), max_size=4))
def test_ascii_json_is_exactly_what_json_dumps_writes_by_default(value):
    assert bulk.ascii_json(json.dumps(value, ensure_ascii=False)) == json.dumps(value)


def test_inserted_and_updated_rows_read_back_as_saved_ones(cast):
    now = timezone.now()
    base = bulk.new_row(Project, now)
    base.update(plan_id=cast.plan.pk, code="BULK-1", name="批量项目", total_investment=Decimal("1234.5678"),
                planned_start=dt.date(2023, 4, 1), lng=Decimal("125.3245678"), lat=Decimal("43.8812345"))
    columns = list(base)
    assert bulk.insert_rows(Project, columns, [[base[c] for c in columns]]) == 1
    project = Project.objects.get(plan=cast.plan, code="BULK-1")
    assert (project.name, project.total_investment, project.planned_start) == (
        "批量项目", Decimal("1234.5678"), dt.date(2023, 4, 1))
    assert project.created_at == now and project.version == 1 and project.stage == "谋划"
    bulk.update_rows(Project, ("name", "actual_start", "version"), [("改名项目", dt.date(2023, 5, 2), 2, project.pk)])
    project.refresh_from_db()
    assert (project.name, project.actual_start, project.version) == ("改名项目", dt.date(2023, 5, 2), 2)
    bulk.insert_rows(StageChange, ("project_id", "from_stage", "to_stage", "effective", "note", "flags", "at"),
                     [(project.pk, "", "在建", dt.date(2023, 5, 2), "", bulk.JSONText('[{"message":"未取得手续"}]'), now),
                      (project.pk, "在建", "竣工", dt.date(2023, 6, 2), "", [{"k": 1.5}], now)])
    flags = list(StageChange.objects.filter(project=project).order_by("effective").values_list("flags", flat=True))
    assert flags == [[{"message": "未取得手续"}], [{"k": 1.5}]]
    assert StageChange.objects.filter(project=project, flags__0__message="未取得手续").exists()
