"""The weekly 督办周报 as a Word document, from the supervision read model (``selectors.weekly``).

Laid out as the 调度通报 is (GB/T 9704, roughly; the helpers of :mod:`render_docx`): a red
masthead 「督办周报」 with the issuing office and the date over a red rule, the title naming the
week, a totals paragraph (事项总数, 已办结, 已销号 with 销号率, 逾期), then 一、本周新交办,
二、本周办结 and 三、逾期事项, each a table by lead unit and responsible leader (包保领导) whose
header row repeats on every page. A table longer than ``WEEKLY_ROWS`` says how many it leaves to
the ledger.
"""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm

from shigongtu.bulletins import render_docx as R
from shigongtu.bulletins.blocks import NUMBER, TEXT, Column, Table
from shigongtu.bulletins.content import issuing_office
from shigongtu.lib.periods import format_date_zh
from shigongtu.supervision.selectors import Weekly, WeeklyTable

WIDTH_TWIPS = int((210 - 28 - 26) / 25.4 * 1440)
HEADINGS = (("new", "一、本周新交办事项", "交办日期"), ("done", "二、本周办结事项", "销号日期"),
            ("overdue", "三、逾期事项", "交办日期"))
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _day(day: dt.date | None, year: int) -> str:
    """``6月5日`` within the report's year, ``2022年12月5日`` outside it: a date fits its cell."""
    if day is None:
        return "—"
    return f"{day.month}月{day.day}日" if day.year == year else format_date_zh(day)


def _rate(value: float) -> str:
    return f"{value * 100:.1f}%"


def totals_sentence(week: Weekly) -> str:
    """The totals paragraph: the figures of contract §4 at the week's Sunday and the week's movement."""
    s = week.summary
    return (f"截至{format_date_zh(week.until)}，{week.plan.name}共有督办事项{s.total}项，已办结{s.done}项"
            f"（办结率{_rate(s.done_rate)}），已销号{s.closed}项（销号率{_rate(s.closure_rate)}），"
            f"逾期未办结{s.overdue}项。本周新交办{week.new.total}项，办结{week.done.total}项。")


def _rows(table: WeeklyTable, year: int) -> list[list[str]]:
    rows: list[list[str]] = []
    unit = leader = None
    for i, r in enumerate(table.rows, start=1):
        # The unit and the leader are printed where they change: the table reads as groups.
        same_unit = r.unit == unit
        shown_leader = "" if same_unit and r.leader == leader else (r.leader or "—")
        due = _day(r.deadline, year) if r.deadline else "长期坚持"
        rows.append([str(i), "" if same_unit else r.unit, shown_leader, r.code, r.title, _day(r.day, year), due,
                     r.status])
        unit, leader = r.unit, r.leader
    return rows


def _table_of(key: str, title: str, day_label: str, table: WeeklyTable, year: int) -> Table:
    columns = [Column("序号", NUMBER, width=0.4), Column("牵头单位", TEXT, width=1.35),
               Column("责任领导", TEXT, width=1.2), Column("编号", TEXT, width=1.5),
               Column("事项名称", TEXT, width=2.3), Column(day_label, TEXT, width=1.2),
               Column("整改时限", TEXT, width=1.2), Column("状态", TEXT, width=0.85)]
    return Table(key, title, columns, _rows(table, year))


def render(week: Weekly, issuer: str | None = None, date: dt.date | None = None) -> bytes:
    """The .docx bytes of the week's 督办周报."""
    issuer = issuer or issuing_office(week.plan)
    date = date or week.until
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(25)
    R._font(doc.styles["Normal"], R.FANGSONG, R.BODY_PT)
    props = doc.core_properties
    props.title, props.subject, props.author = f"{week.plan.name}督办周报", "督办周报", issuer
    props.created = props.modified = dt.datetime.combine(date, dt.time(9, 0), tzinfo=dt.UTC)
    R._font_table(doc)
    R._footer(section)
    R._styles(doc)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    R._para(doc, "督办周报", font=R.XIAOBIAOSONG, size=44, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
            color=R.RED, line=None, before=6, after=16)
    p = R._para(doc, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    p.paragraph_format.tab_stops.add_tab_stop(Mm(210 - 28 - 26), alignment=WD_TAB_ALIGNMENT.RIGHT)
    R._font(p.add_run(f"{issuer}\t{format_date_zh(date)}"), R.FANGSONG, R.BODY_PT)
    R._borders(p, '<w:bottom w:val="single" w:sz="18" w:space="4" w:color="C00000"/>')
    tail = format_date_zh(week.last) if week.last.year != week.first.year else f"{week.last.month}月{week.last.day}日"
    span = f"{format_date_zh(week.first)}—{tail}"
    R._para(doc, f"督办事项办理情况周报\n（{span}）", font=R.XIAOBIAOSONG, size=22, align=WD_ALIGN_PARAGRAPH.CENTER,
          indent=False, line=36, before=24, after=18)
    R._para(doc, totals_sentence(week))
    for key, heading, day_label in HEADINGS:
        table: WeeklyTable = getattr(week, key)
        R._para(doc, heading, font=R.HEITI, size=R.BODY_PT).paragraph_format.keep_with_next = True
        if not table.rows:
            R._para(doc, "本周无。" if key != "overdue" else "无逾期事项。")
            continue
        block = _table_of(key, f"{heading[2:]}（{table.total}项）", day_label, table, week.last.year)
        R._table_title(doc, block.title)
        R._table(doc, block, WIDTH_TWIPS)
        if table.total > len(table.rows):
            R._para(doc, f"注：共{table.total}项，此处列出前{len(table.rows)}项，全部事项见督办事项台账。", size=12,
                  line=20, indent=False)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def filename(week: Weekly) -> str:
    return f"{week.plan.code}-督办周报-{week.first.isoformat()}.docx"
