"""A bulletin as an office sends it: dated, signed by its issuing office, closed by its 版记."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.oxml.ns import qn

from shigongtu.bulletins import render_docx, render_html, services
from shigongtu.bulletins.content import build_content, issuing_office, page_period
from shigongtu.lib.periods import Period

from .conftest import JUNE, at


def test_a_draft_is_dated_the_report_deadline_of_the_following_month_not_today(june_plan):
    with at(dt.date(2024, 3, 1)):
        assert services.draft_masthead(june_plan, JUNE).date == dt.date(2023, 7, 5)
    june_plan.report_deadline_day = 10
    assert services.draft_masthead(june_plan, Period(2023, 12)).date == dt.date(2024, 1, 10)


def test_an_issued_bulletin_is_dated_its_issue_day(june_plan, cast):
    bulletin = services.issue(june_plan, JUNE, cast.coordinator, today=dt.date(2023, 7, 12))
    assert bulletin.doc_date == dt.date(2023, 7, 12)


def test_the_issuing_office_is_the_plans_setting_else_the_units_coordination_office(june_plan):
    assert issuing_office(june_plan) == f"{june_plan.unit.name}重点工作推进办公室"
    june_plan.issuing_office = "净月高新区重点工作推进办公室"
    assert issuing_office(june_plan) == "净月高新区重点工作推进办公室"
    assert services.draft_masthead(june_plan, JUNE).issuer == "净月高新区重点工作推进办公室"
    assert build_content(june_plan, JUNE).issuer == "净月高新区重点工作推进办公室"


def test_the_word_file_is_signed_by_the_office_and_closes_with_copy_to_and_print_lines(june_plan):
    june_plan.issuing_office = "净月高新区重点工作推进办公室"
    june_plan.copy_to = "市发改委、市工信局"
    content = build_content(june_plan, JUNE)
    doc = Document(io.BytesIO(render_docx.render(content, services.draft_masthead(june_plan, JUNE), {})))
    texts = [p.text for p in doc.paragraphs if p.text]
    assert texts[-2:] == ["抄送：市发改委，市工信局。", "净月高新区重点工作推进办公室\t2023年7月5日印发"]
    signature = texts.index("净月高新区重点工作推进办公室")
    assert texts[signature + 1] == "2023年7月5日"
    copy_line = doc.paragraphs[[p.text for p in doc.paragraphs].index("抄送：市发改委，市工信局。")]
    borders = copy_line._p.pPr.find(qn("w:pBdr"))
    assert borders.find(qn("w:top")).get(qn("w:sz")) == "8"  # thick rule above 抄送
    assert borders.find(qn("w:bottom")).get(qn("w:sz")) == "6"  # thin rule between 抄送 and 印发
    assert list(doc.element.body.iterchildren())[-1].tag == qn("w:sectPr")


def test_page_breaks_come_before_annexes_only(june_plan):
    content = build_content(june_plan, JUNE)
    body = render_docx.render(content, services.draft_masthead(june_plan, JUNE), {})
    doc = Document(io.BytesIO(body))
    assert len(doc.sections) == 1 + len(content.annexes)
    assert 'w:br w:type="page"' not in doc.element.xml


def test_the_html_version_has_the_same_closing_lines(june_plan):
    june_plan.copy_to = "市发改委"
    content = build_content(june_plan, JUNE)
    html = render_html.render(content, services.draft_masthead(june_plan, JUNE), {})
    assert "抄送：市发改委。" in html and "2023年7月5日印发" in html


def test_the_bulletin_page_opens_on_the_latest_complete_month(june_plan, cast):
    assert page_period(june_plan) == JUNE  # frozen on 2023-07-10
    with at(dt.date(2024, 3, 1)):  # after the year: the month its reports left it at
        assert page_period(june_plan) == JUNE
        html = cast.client("viewer").get("/plans/JY-T/bulletins/").content.decode()
    assert '<option value="2023-06" selected>' in html
