"""The bulletin as a Word document laid out like an official document (GB/T 9704, roughly).

A4 with 37/35/28/26 mm margins; a red masthead 「调度通报」 with 第N期, the issuing unit and the
date over a red rule; the title in 方正小标宋简体 (fallback 宋体), headings 一、 in 黑体, （一） in
楷体_GB2312, body text 仿宋_GB2312 3号 on a 28 pt line; tables whose header rows repeat on
every page; charts as images; page numbers 「— 1 —」 in the footer; annexes in landscape.

Fonts are named as official documents name them and each gets a fallback in the font table
(``w:altName``: 仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体, 方正小标宋简体 → 宋体), so Word substitutes
sensibly on machines without the GB2312 fonts. East-Asian fonts are set through
``w:rFonts/@w:eastAsia``.

Tables are written as WordprocessingML text and parsed once (python-docx's cell API costs
milliseconds per cell). A task annex of more than :data:`FULL_ANNEX_LIMIT` rows keeps the
fronts and the red and yellow tasks only, and says that the full table is in the Excel
version, where every row is.
"""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from shigongtu.bulletins import charts as C
from shigongtu.bulletins.blocks import LIGHT, NUMBER, Section, Table
from shigongtu.bulletins.content import BulletinContent
from shigongtu.bulletins.masthead import Masthead, annex_rows
from shigongtu.lib.periods import format_date_zh

FANGSONG, KAITI, HEITI, XIAOBIAOSONG, SONGTI = "仿宋_GB2312", "楷体_GB2312", "黑体", "方正小标宋简体", "宋体"
FALLBACKS = {FANGSONG: "仿宋", KAITI: "楷体", XIAOBIAOSONG: SONGTI, HEITI: "SimHei", SONGTI: "SimSun"}
RED = RGBColor(0xC0, 0x00, 0x00)
LIGHT_HEX = {"红灯": "C00000", "黄灯": "B87A00", "绿灯": "17693A", "已完成": "1B4F9C"}
BODY_PT, LINE_PT = 16, 28
TABLE_PT = 9
IMPRINT_PT = 14  # 4号


def _font(run_or_style: object, name: str, size: float | None = None, bold: bool | None = None) -> None:
    """Set a run's (or style's) fonts: the East-Asian one through w:eastAsia, Latin alike."""
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = name
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    element = run_or_style.element  # type: ignore[attr-defined]
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _para(doc: DocxDocument, text: str = "", *, font: str = FANGSONG, size: float = BODY_PT, bold: bool = False,
          align: int | None = None, indent: bool = True, color: RGBColor | None = None,
          line: float | None = LINE_PT, before: float = 0, after: float = 0) -> Paragraph:
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        fmt.alignment = align
    else:
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if text:
        run = p.add_run(text)
        _font(run, font, size, bold)
        if color is not None:
            run.font.color.rgb = color
    return p


def _setup(doc: DocxDocument, content: BulletinContent, mast: Masthead) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(25)
    normal = doc.styles["Normal"]
    _font(normal, FANGSONG, BODY_PT)
    props = doc.core_properties
    props.title, props.subject, props.author = content.title, "调度通报", mast.issuer
    props.last_modified_by, props.comments = mast.issuer, mast.number_label
    when = dt.datetime.combine(mast.date, dt.time(9, 0))
    props.created = props.modified = when
    _font_table(doc)
    _footer(section)


def _font_table(doc: DocxDocument) -> None:
    """Declare the official fonts with their fallbacks (w:altName) in word/fontTable.xml."""
    for part in doc.part.package.iter_parts():
        if str(part.partname) == "/word/fontTable.xml":
            blob = part.blob.decode("utf-8")
            extra = "".join(
                f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
                f'<w:family w:val="{"modern" if name == HEITI else "roman"}"/><w:pitch w:val="variable"/></w:font>'
                for name, alt in FALLBACKS.items())
            part._blob = blob.replace("</w:fonts>", extra + "</w:fonts>").encode("utf-8")
            return


def _footer(section: object) -> None:
    """「— 1 —」: the PAGE field between em dashes, 4号宋体, centred."""
    footer = section.footer  # type: ignore[attr-defined]
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font = f'<w:rPr><w:rFonts w:ascii="{SONGTI}" w:hAnsi="{SONGTI}" w:eastAsia="{SONGTI}"/><w:sz w:val="28"/></w:rPr>'
    runs = (
        f'<w:r {nsdecls("w")}>{font}<w:t xml:space="preserve">— </w:t></w:r>',
        f'<w:r {nsdecls("w")}>{font}<w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {nsdecls("w")}>{font}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
        f'<w:r {nsdecls("w")}>{font}<w:fldChar w:fldCharType="separate"/></w:r>',
        f'<w:r {nsdecls("w")}>{font}<w:t>1</w:t></w:r>',
        f'<w:r {nsdecls("w")}>{font}<w:fldChar w:fldCharType="end"/></w:r>',
        f'<w:r {nsdecls("w")}>{font}<w:t xml:space="preserve"> —</w:t></w:r>',
    )
    for xml in runs:
        p._p.append(parse_xml(xml))


PPR_AFTER_BORDERS = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                     "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                     "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                     "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                     "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def _borders(p: Paragraph, edges: str) -> None:
    """Rules above/below a paragraph (w:pBdr), in its schema place inside w:pPr."""
    ppr = p._p.get_or_add_pPr()
    ppr.insert_element_before(parse_xml(f'<w:pBdr {nsdecls("w")}>{edges}</w:pBdr>'), *PPR_AFTER_BORDERS)


def _masthead(doc: DocxDocument, content: BulletinContent, mast: Masthead) -> None:
    _para(doc, "调度通报", font=XIAOBIAOSONG, size=44, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
          color=RED, line=None, before=6, after=6)
    _para(doc, mast.number_label, size=BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=10)
    p = _para(doc, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    width = Mm(210 - 28 - 26)
    p.paragraph_format.tab_stops.add_tab_stop(width, alignment=WD_TAB_ALIGNMENT.RIGHT)  # at the right margin
    run = p.add_run(f"{mast.issuer}\t{format_date_zh(mast.date)}")
    _font(run, FANGSONG, BODY_PT)
    _borders(p, '<w:bottom w:val="single" w:sz="18" w:space="4" w:color="C00000"/>')
    if mast.correction_of:
        _para(doc, f"（本期为第{mast.correction_of}期的更正，原第{mast.correction_of}期作废）", size=14,
              align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=6)


def _title(doc: DocxDocument, content: BulletinContent) -> None:
    _para(doc, content.title, font=XIAOBIAOSONG, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
          line=36, before=24, after=18)
    _para(doc, content.recipients, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(doc, content.opening)


def _cell(text: str, width: int, *, head: bool = False, number: bool = False, light: bool = False,
          level: int = 0) -> str:
    style = "BulletinTableHead" if head else "BulletinTableText"
    jc = "center" if head or light else ("right" if number else "left")
    ind = f'<w:ind w:left="{level * 180}"/>' if level and not head else ""
    rpr = ""
    if light and text in LIGHT_HEX:
        rpr = f'<w:rPr><w:color w:val="{LIGHT_HEX[text]}"/><w:b/></w:rPr>'
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{style}"/><w:jc w:val="{jc}"/>{ind}</w:pPr>'
            f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p></w:tc>')


def _table(doc: DocxDocument, table: Table, width_twips: int, rows: list[list[str]] | None = None,
           levels: list[int] | None = None) -> None:
    """Append ``table`` as one parsed <w:tbl>: fixed layout, borders, header row repeated."""
    rows = table.rows if rows is None else rows
    levels = table.levels if levels is None else levels
    total = sum(c.width for c in table.columns) or 1
    widths = [int(width_twips * c.width / total) for c in table.columns]
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    borders = "".join(border.format(side) for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    head = "".join(_cell(c.label, w, head=True) for c, w in zip(table.columns, widths, strict=True))
    parts = [f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
             f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
             f'<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
             f'</w:tblPr><w:tblGrid>{grid}</w:tblGrid>',
             f'<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>{head}</w:tr>']
    kinds = [c.kind for c in table.columns]
    for i, row in enumerate(rows):
        level = levels[i] if i < len(levels) else 0
        bold = bool(levels) and level == 0
        cells = []
        for j, (text, w) in enumerate(zip(row, widths, strict=True)):
            cell = _cell(text, w, number=kinds[j] == NUMBER, light=kinds[j] == LIGHT, level=level if j == 1 else 0)
            if bold and kinds[j] != LIGHT:
                cell = cell.replace("<w:r><w:t", "<w:r><w:rPr><w:b/></w:rPr><w:t")
            cells.append(cell)
        parts.append(f'<w:tr><w:trPr><w:cantSplit/></w:trPr>{"".join(cells)}</w:tr>')
    parts.append("</w:tbl>")
    _insert(doc, parse_xml("".join(parts)))
    # Word needs a paragraph between consecutive tables and after the last one.
    _para(doc, "", indent=False, line=12)


def _insert(doc: DocxDocument, element: object) -> None:
    """Put a block element at the end of the body's content, before the body's final
    section properties (``w:sectPr`` must stay the body's last child, or Word and
    LibreOffice show the element after the document's last section)."""
    body = doc.element.body
    sect = body.find(qn("w:sectPr"))
    if sect is None:
        body.append(element)
    else:
        sect.addprevious(element)


def _styles(doc: DocxDocument) -> None:
    for name, font, bold in (("BulletinTableText", FANGSONG, False), ("BulletinTableHead", HEITI, False)):
        style = doc.styles.add_style(name, 1)
        _font(style, font, TABLE_PT, bold)
        fmt = style.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        fmt.first_line_indent = Pt(0)


def _table_title(doc: DocxDocument, title: str) -> None:
    _para(doc, title, font=HEITI, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, line=None,
          before=6, after=4).paragraph_format.keep_with_next = True  # a caption never ends a page


def _section(doc: DocxDocument, sec: Section, images: dict[str, bytes], width_twips: int) -> None:
    _para(doc, sec.heading, font=HEITI, size=BODY_PT).paragraph_format.keep_with_next = True  # no orphan headings
    for block in sec.blocks:
        if block.kind == "sub":
            _para(doc, block.text, font=KAITI, size=BODY_PT).paragraph_format.keep_with_next = True
        elif block.kind == "para":
            p = _para(doc)
            if block.lead:
                _font(p.add_run(block.lead), FANGSONG, BODY_PT, True)
            _font(p.add_run(block.text), FANGSONG, BODY_PT)
        elif block.kind == "note":
            _para(doc, block.text, size=12, line=20)
        elif block.table is not None:
            _table_title(doc, block.table.title)
            _table(doc, block.table, width_twips)
            if block.table.note:
                _para(doc, "注：" + block.table.note, size=10.5, line=16, indent=False)
        elif block.chart is not None and block.chart.key in images:
            p = _para(doc, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, line=None)
            p.add_run().add_picture(io.BytesIO(images[block.chart.key]), width=Cm(15.5))
            _para(doc, block.chart.title, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, line=20)


def _closing(doc: DocxDocument, content: BulletinContent, mast: Masthead) -> None:
    annexes = [f"{i}. {t.title}" for i, t in enumerate((t for a in content.annexes for t in a.tables()), start=1)]
    if annexes:
        p = _para(doc, before=14)
        _font(p.add_run("附件：" + annexes[0]), FANGSONG, BODY_PT)
        for line in annexes[1:]:
            q = _para(doc, indent=False)
            q.paragraph_format.left_indent = Pt(BODY_PT * 5)
            _font(q.add_run(line), FANGSONG, BODY_PT)
    _para(doc, mast.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, before=28).paragraph_format.right_indent = \
        Pt(BODY_PT * 4)
    _para(doc, format_date_zh(mast.date), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False).paragraph_format.right_indent \
        = Pt(BODY_PT * 4)
    _para(doc, "注：" + content.rounding_note, size=12, line=20, before=14)


def _imprint_line(doc: DocxDocument, text: str, top: int | None, bottom: int, width: int) -> None:
    """One 版记 line in 4号仿宋, indented one character each side, between rules of ``top``
    and ``bottom`` eighths of a point (thick 0.35 mm ≈ 8, thin 0.25 mm ≈ 6)."""
    p = _para(doc, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT, line=None, before=2, after=2)
    fmt = p.paragraph_format
    fmt.left_indent = fmt.right_indent = Pt(IMPRINT_PT)
    fmt.tab_stops.add_tab_stop(width - Pt(IMPRINT_PT * 2), alignment=WD_TAB_ALIGNMENT.RIGHT)
    _font(p.add_run(text), FANGSONG, IMPRINT_PT)
    rule = '<w:{0} w:val="single" w:sz="{1}" w:space="1" w:color="000000"/>'
    edges = (rule.format("top", top) if top else "") + rule.format("bottom", bottom)
    _borders(p, edges)


def _imprint(doc: DocxDocument, content: BulletinContent, mast: Masthead, width: int) -> None:
    """版记 (GB/T 9704 §7.4), the document's last lines: 抄送 between a thick rule above and
    a thin one below, then 印发机关 left and 印发日期 right over a thick rule."""
    _para(doc, "", indent=False, line=None, before=18)
    if content.copy_to:
        _imprint_line(doc, f"抄送：{content.copy_to}。", 8, 6, width)
    _imprint_line(doc, f"{mast.issuer}\t{format_date_zh(mast.date)}印发", None if content.copy_to else 8, 8, width)
    if mast.history_line:  # under the 版记, small: the history's head when issued (for anchors)
        note = _para(doc, mast.history_line, size=9, indent=False, line=None, before=4)
        note.paragraph_format.left_indent = Pt(IMPRINT_PT)  # in line with the 版记 above it


def _annexes(doc: DocxDocument, content: BulletinContent) -> None:
    for n, annex in enumerate(content.annexes, start=1):
        section = doc.add_section()
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
        section.left_margin, section.right_margin = Mm(30), Mm(30)
        width = int((297 - 60) / 25.4 * 1440)
        _para(doc, f"附件{n}", font=HEITI, size=BODY_PT, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
        for table in annex.tables():
            _para(doc, table.title, font=XIAOBIAOSONG, size=18, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
                  line=None, before=6, after=10)
            rows, levels, note = annex_rows(table)
            _table(doc, table, width, rows, levels)
            if note:
                _para(doc, "注：" + note, size=12, line=20, indent=False)


def render(content: BulletinContent, mast: Masthead, images: dict[str, bytes] | None = None) -> bytes:
    """The .docx bytes of a bulletin."""
    images = C.render_all(content.charts()) if images is None else images
    doc = Document()
    _setup(doc, content, mast)
    _styles(doc)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    _masthead(doc, content, mast)
    _title(doc, content)
    width = int((210 - 28 - 26) / 25.4 * 1440)
    for sec in content.sections:
        _section(doc, sec, images, width)
    _closing(doc, content, mast)
    _annexes(doc, content)
    landscape = bool(content.annexes)
    _imprint(doc, content, mast, Mm(297 - 60) if landscape else Mm(210 - 28 - 26))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
