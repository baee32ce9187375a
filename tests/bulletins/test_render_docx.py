"""The Word version read back with python-docx: the API's figures, official layout."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from shigongtu.bulletins import numbers as N
from shigongtu.bulletins import render_docx
from shigongtu.bulletins.content import build_content
from shigongtu.bulletins.masthead import Masthead
from shigongtu.plans.documents import tree_document
from shigongtu.plans.selectors import compute_indicators

from .conftest import JUNE

MAST = Masthead(6, dt.date(2023, 7, 10), "净月高新区")


def docx_of(plan):
    content = build_content(plan, JUNE)
    return content, Document(io.BytesIO(render_docx.render(content, MAST)))


def table_by_header(doc, first_header):
    return next(t for t in doc.tables if t.rows[0].cells[0].text == first_header and len(t.rows) > 1)


def test_every_task_figure_in_the_annex_equals_the_tree_api(june_plan):
    _, doc = docx_of(june_plan)
    tree = tree_document(june_plan, JUNE.last_day)
    annex = doc.tables[-1]
    body = [[c.text for c in row.cells] for row in annex.rows[1:]]
    assert [r[0] for r in body] == [n["code"] for n in tree["nodes"]]
    for row, node in zip(body, tree["nodes"], strict=True):
        assert row[1] == node["title"]
        assert row[5] == N.text(N.pct(node["progress"]))
        assert row[6] == N.text(N.pct(node["expected"]))


def test_every_indicator_figure_equals_compute_indicators(june_plan):
    _, doc = docx_of(june_plan)
    table = table_by_header(doc, "指标")
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    for ind in compute_indicators(june_plan, JUNE.last_day):
        row = rows[ind.name]
        q = N.quantity(ind.unit, [ind.target, ind.actual])
        assert row[4] == N.text(q.of(ind.target))
        assert row[5] == N.text(q.of(ind.actual))
        assert row[6] == N.text(N.percent(ind.completion))


def test_the_text_quotes_the_table_figures(june_plan):
    _, doc = docx_of(june_plan)
    text = "\n".join(p.text for p in doc.paragraphs)
    row = [c.text for c in table_by_header(doc, "指标").rows[1].cells]
    assert f"固定资产投资完成{row[5]}亿元，占年度目标{row[4]}亿元的{row[6]}%" in text


def test_it_is_laid_out_as_an_official_document(june_plan):
    _, doc = docx_of(june_plan)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "调度通报"
    assert texts[1] == "第6期"
    assert texts[2] == "净月高新区\t2023年7月10日"
    assert "关于2023年6月份测试施工图推进情况的通报" in texts
    assert {"一、总体情况", "二、各战线推进情况", "三、存在问题"} <= set(texts)
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)


def test_body_text_names_fangsong_as_its_east_asian_font(june_plan):
    _, doc = docx_of(june_plan)
    para = next(p for p in doc.paragraphs if p.text.startswith("截至6月底"))
    fonts = para.runs[0]._r.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    heading = next(p for p in doc.paragraphs if p.text == "一、总体情况")
    assert heading.runs[0]._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"


def test_table_header_rows_repeat_on_every_page(june_plan):
    _, doc = docx_of(june_plan)
    assert doc.tables
    for table in doc.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_the_footer_numbers_pages_with_dashes(june_plan):
    _, doc = docx_of(june_plan)
    xml = doc.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in xml and "— " in xml and " —" in xml


def test_charts_are_embedded_as_images(june_plan):
    _, doc = docx_of(june_plan)
    assert len(doc.inline_shapes) == 2


def test_the_font_table_gives_fallbacks(june_plan):
    content = build_content(june_plan, JUNE)
    data = render_docx.render(content, MAST)
    import zipfile

    fonts = zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in fonts


def test_section_properties_stay_last_and_each_table_follows_its_caption(june_plan):
    content, doc = docx_of(june_plan)
    body = doc.element.body
    children = list(body.iterchildren())
    assert children[-1].tag == qn("w:sectPr")
    tables = [i for i, el in enumerate(children) if el.tag == qn("w:tbl")]
    assert len(tables) == len(content.tables())
    for i, table in zip(tables, content.tables(), strict=True):
        assert Paragraph(children[i - 1], doc).text == table.title  # directly under its caption
    # the body's tables are interleaved with its text, not bunched at the end
    assert any(el.tag == qn("w:p") and Paragraph(el, doc).text.startswith("二、") for el in children[tables[0]:])
