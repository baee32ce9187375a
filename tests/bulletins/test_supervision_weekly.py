"""The weekly 督办周报: the read model's week (new, done, overdue by unit and leader), the .docx,
the command and the download on the supervision list page."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from docx import Document

from shigongtu.bulletins import supervision_weekly
from shigongtu.supervision import selectors, services

WEEK_OF = dt.date(2023, 6, 14)  # a Wednesday: the week is 2023-06-12 (Mon) to 2023-06-18 (Sun)


@pytest.fixture(autouse=True)
def _june() -> Any:
    with time_machine.travel(dt.datetime(2023, 6, 19, 9, tzinfo=dt.UTC)):
        yield


@pytest.fixture
def week_items(cast: Any) -> None:
    def add(code: str, assigned: str, deadline: str, unit: Any, leader: str) -> Any:
        return services.save_item(cast.plan, {"code": code, "title": f"事项{code}", "source": "督察反馈",
                                              "lead_unit": unit, "assigned_on": assigned, "deadline": deadline,
                                              "leader": leader}, cast.coordinator, today=dt.date(2023, 6, 1))

    add("N-1", "2023-06-12", "2023-07-31", cast.dept, "郑海（示例）")        # new this week
    add("N-2", "2023-06-18", "2023-07-31", cast.other_dept, "王明（示例）")  # new, on the Sunday
    add("O-1", "2023-05-01", "2023-06-10", cast.other_dept, "王明（示例）")  # overdue at the Sunday
    add("L-1", "2023-06-19", "2023-07-31", cast.dept, "郑海（示例）")        # next week: not new
    done = add("D-1", "2023-05-01", "2023-06-30", cast.dept, "郑海（示例）")
    services.acknowledge(done, cast.coordinator, on="2023-05-02")
    services.apply_done(done, "已完成", "照片", cast.coordinator, on="2023-06-13")


def test_the_week_runs_monday_to_sunday() -> None:
    assert selectors.week_span(WEEK_OF) == (dt.date(2023, 6, 12), dt.date(2023, 6, 18))
    assert selectors.week_span(dt.date(2023, 6, 18)) == (dt.date(2023, 6, 12), dt.date(2023, 6, 18))


def test_the_week_lists_new_done_and_overdue_items(cast: Any, week_items: None) -> None:
    week = selectors.weekly(cast.plan, WEEK_OF)
    assert [r.code for r in week.new.rows] == ["N-1", "N-2"]
    assert [r.code for r in week.done.rows] == ["D-1"]
    assert [r.code for r in week.overdue.rows] == ["O-1"]
    assert week.overdue.rows[0].unit == "科技创新局" and week.overdue.rows[0].leader == "王明（示例）"
    assert week.summary == selectors.summary(cast.plan, dt.date(2023, 6, 18))


def test_the_docx_has_the_totals_and_three_tables(cast: Any, week_items: None) -> None:
    week = selectors.weekly(cast.plan, WEEK_OF)
    doc = Document(io.BytesIO(supervision_weekly.render(week)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "督办周报" in text and "2023年6月12日—6月18日" in text
    assert "共有督办事项5项" in text and "逾期未办结1项" in text and "本周新交办2项，办结1项" in text
    assert [h for h in ("一、本周新交办事项", "二、本周办结事项", "三、逾期事项") if h in text] == [
        "一、本周新交办事项", "二、本周办结事项", "三、逾期事项"]
    assert len(doc.tables) == 3
    overdue = doc.tables[2]
    assert [c.text for c in overdue.rows[0].cells][:3] == ["序号", "牵头单位", "责任领导"]
    assert [c.text for c in overdue.rows[1].cells][1:4] == ["科技创新局", "王明（示例）", "O-1"]
    body = doc.element.body
    assert body[-1].tag.endswith("sectPr")  # tables stay inside the body's last section


def test_an_empty_week_says_so(cast: Any) -> None:
    doc = Document(io.BytesIO(supervision_weekly.render(selectors.weekly(cast.plan, WEEK_OF))))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "本周无。" in text and "无逾期事项。" in text and not doc.tables


def test_the_command_writes_the_report(cast: Any, week_items: None, tmp_path: Any, capsys: Any) -> None:
    out = tmp_path / "weekly.docx"
    call_command("supervision_weekly", "--plan", "JY-T", "--week-of", "2023-06-14", "-o", str(out))
    assert len(Document(str(out)).tables) == 3
    assert "新交办 2 项" in capsys.readouterr().out


def test_the_list_page_offers_the_download_in_scope(cast: Any, week_items: None) -> None:
    url = "/plans/JY-T/supervision/weekly.docx"
    assert "weekly.docx" in cast.client("viewer").get("/plans/JY-T/supervision/").content.decode()
    response = cast.client("viewer").get(url, {"week_of": "2023-06-14"})
    assert response.status_code == 200
    assert response["Content-Type"] == supervision_weekly.DOCX_TYPE
    assert "2023-06-12" in response["Content-Disposition"]
    assert len(Document(io.BytesIO(response.content)).tables) == 3
    assert cast.client("outsider").get(url).status_code == 404


def test_a_report_written_midweek_counts_to_its_day(cast: Any, week_items: None) -> None:
    week = selectors.weekly(cast.plan, WEEK_OF, until=dt.date(2023, 6, 14))
    assert (week.first, week.last, week.until) == (dt.date(2023, 6, 12), dt.date(2023, 6, 18), dt.date(2023, 6, 14))
    assert [r.code for r in week.new.rows] == ["N-1"]  # N-2 is assigned on the Sunday, after the report
    assert week.summary == selectors.summary(cast.plan, dt.date(2023, 6, 14))
    text = "\n".join(p.text for p in Document(io.BytesIO(supervision_weekly.render(week))).paragraphs)
    assert "截至2023年6月14日" in text and "2023年6月12日—6月18日" in text
