import io
import random
import re
import struct
import zipfile

import openpyxl
import pytest

from shigongtu.ledgers.io import LedgerFileError, read_ledger

from .files import NODES, ods, xlsx

GOOD = xlsx([["编号", "任务名称"], ["1", "招商"]])


def refused(data: bytes, **kwargs) -> LedgerFileError:
    with pytest.raises(LedgerFileError) as info:
        read_ledger(data, "upload.xlsx", NODES, **kwargs)
    assert info.value.message_en  # every refusal speaks both languages
    return info.value


def zip_of(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return out.getvalue()


def with_sheet_xml(data: bytes, edit) -> bytes:
    """The workbook with its first worksheet's XML passed through ``edit``."""
    src = zipfile.ZipFile(io.BytesIO(data))
    members = {i.filename: src.read(i.filename) for i in src.infolist()}
    members["xl/worksheets/sheet1.xml"] = edit(members["xl/worksheets/sheet1.xml"])
    return zip_of(members)


@pytest.mark.parametrize("data", [b"", b"   \r\n\t  "])
def test_an_empty_file_is_refused(data):
    assert str(refused(data)) == "文件为空"


def test_a_file_over_the_size_limit_is_refused_before_parsing():
    err = refused(GOOD, max_bytes=1000)
    assert "文件过大" in str(err)


def test_random_bytes_are_not_a_spreadsheet():
    noise = random.Random(4).randbytes(4096)
    assert "不是 Excel" in str(refused(noise))


def test_a_truncated_workbook_is_reported_as_damaged():
    assert "损坏或不完整" in str(refused(GOOD[: len(GOOD) // 2]))


def test_a_workbook_with_a_corrupted_member_is_reported_as_damaged():
    at = GOOD.index(b"xl/worksheets/sheet1.xml") + 200  # inside the compressed sheet data
    corrupt = GOOD[:at] + bytes(b ^ 0xFF for b in GOOD[at : at + 40]) + GOOD[at + 40 :]
    assert "损坏" in str(refused(corrupt))


def test_a_zip_bomb_is_refused_by_its_declared_size_before_anything_is_inflated():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            block = b"<row/>" * (1 << 17)
            for _ in range(300 * 1024 * 1024 // len(block)):
                f.write(block)
    data = out.getvalue()
    assert len(data) < 2 * 1024 * 1024
    assert "压缩炸弹" in str(refused(data))


def test_a_member_with_an_extreme_compression_ratio_is_refused():
    data = zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>", "xl/x.xml": b" " * (4 << 20)})
    assert "压缩比" in str(refused(data))


def test_small_members_are_never_refused_for_their_ratio():
    assert read_ledger(GOOD, "x.xlsx", NODES, max_ratio=1.01).format == "xlsx"


def test_the_uncompressed_limit_is_configurable():
    assert "压缩炸弹" in str(refused(GOOD, max_uncompressed=1000))


def test_a_member_that_inflates_beyond_its_declared_size_is_refused():
    data = bytearray(zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>" + b" " * 5000}))
    # lie in the central directory: claim the workbook (its second entry) is 100 bytes
    entry = data.index(b"PK\x01\x02", data.index(b"PK\x01\x02") + 4)
    struct.pack_into("<I", data, entry + 24, 100)
    assert "压缩炸弹" in str(refused(bytes(data)))


def test_an_encrypted_ooxml_file_is_recognised():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(512)
    assert str(refused(ole)) == "文件已加密，请取消密码后再上传"


def test_a_password_protected_zip_member_is_recognised():
    data = bytearray(GOOD)
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        for m in re.finditer(re.escape(sig), bytes(data)):
            flag_at = m.start() + (6 if sig == b"PK\x03\x04" else 8)
            data[flag_at] |= 0x01
    assert str(refused(bytes(data))) == "文件已加密，请取消密码后再上传"


def test_an_encrypted_ods_is_recognised():
    src = zipfile.ZipFile(io.BytesIO(ods([["编号", "任务名称"]])))
    members = {i.filename: src.read(i.filename) for i in src.infolist()}
    members["META-INF/manifest.xml"] = members["META-INF/manifest.xml"].replace(
        b"</manifest:manifest>", b"<manifest:encryption-data/></manifest:manifest>"
    )
    members["content.xml"] = random.Random(7).randbytes(300)  # what encryption leaves of it
    assert "已加密" in str(refused(zip_of(members)))


def test_a_word_document_is_not_a_spreadsheet():
    docx = zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    assert "Word" in str(refused(docx))
    doc = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "WordDocument".encode("utf-16-le") + bytes(512)
    assert "不是 Excel" in str(refused(doc))


def test_a_csv_whose_first_letters_are_pk_is_still_a_csv():
    table = read_ledger("PK值,编号,任务名称\r\n1,2,招商\r\n".encode(), "x.csv", NODES)
    assert table.format == "csv"
    assert table.unknown_headers == ["PK值"]


def test_a_plain_zip_is_not_a_spreadsheet():
    assert "不是 Excel" in str(refused(zip_of({"photo.jpg": b"\xff\xd8\xff" + bytes(100)})))


def test_an_xlsb_workbook_is_refused_with_advice():
    data = zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x00" * 10})
    assert ".xlsb" in str(refused(data))


def test_an_html_table_saved_as_xls_is_refused_with_advice():
    page = "<html><body><table><tr><td>编号</td><td>任务名称</td></tr></table></body></html>".encode()
    assert "网页" in str(refused(page))


def test_a_text_file_without_a_header_says_what_header_is_needed():
    assert "没有找到表头" in str(refused("这只是一段说明文字。\n没有表格。\n".encode()))


def test_a_formula_without_a_cached_value_is_handed_to_the_caller_by_row_and_column():
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["编号", "任务名称", "权重"])
    ws.append(["1", "招商", 1])
    ws.append(["2", "建设", "=C2*2"])
    out = io.BytesIO()
    wb.save(out)
    rows = list(read_ledger(out.getvalue(), "n.xlsx", NODES).rows)  # not refused whole any more
    assert rows[1].number == 3 and rows[1].uncalculated == [("权重", "=C2*2")]
    assert rows[1].values["权重"] is None and not rows[0].uncalculated


def test_formulas_with_cached_values_are_read_as_their_values():
    def calculated(xml: bytes) -> bytes:
        text = xml.replace(
            b'<c r="B2" t="inlineStr"><is><t>ab</t></is></c>', b'<c r="B2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
        )
        return text.replace(b"<v>2</v>", b"<f>1+1</f><v>2</v>")

    data = with_sheet_xml(xlsx([["编号", "任务名称", "权重"], ["1", "ab", 2]]), calculated)
    assert zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").count(b"<f>") == 2
    [row] = read_ledger(data, "x.xlsx", NODES).rows
    assert row.values == {"编号": "1", "任务名称": "ab", "权重": 2}


def test_a_formula_whose_cached_text_is_empty_is_fine():
    base = xlsx([["编号", "任务名称", "状态"], ["1", "招商", "x"]])
    cell = b'<c r="C2" t="inlineStr"><is><t>x</t></is></c>'
    data = with_sheet_xml(base, lambda xml: xml.replace(cell, b'<c r="C2" t="str"><f>""</f><v></v></c>'))
    [row] = read_ledger(data, "x.xlsx", NODES).rows
    assert row.values["状态"] is None


def test_error_values_of_formulas_are_passed_on_as_their_text_not_as_blanks():
    base = xlsx([["编号", "任务名称", "权重"], ["1", "ab", 2]])
    data = with_sheet_xml(
        base, lambda x: x.replace(b'<c r="C2" t="n"><v>2</v>', b'<c r="C2" t="e"><f>1/0</f><v>#DIV/0!</v>')
    )
    [row] = read_ledger(data, "x.xlsx", NODES).rows
    assert row.values["权重"] == "#DIV/0!"


def test_two_cells_far_apart_are_refused_before_the_parser_allocates_the_rectangle():
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"], ws["B1"] = "编号", "任务名称"
    ws["XFD1048576"] = 1
    out = io.BytesIO()
    wb.save(out)
    assert "使用范围过大" in str(refused(out.getvalue()))


def test_the_cell_budget_is_configurable():
    assert "使用范围过大" in str(refused(GOOD, max_cells=3))


def test_an_ods_whose_repeated_cells_would_expand_beyond_the_budget_is_refused():
    bomb = (
        '<table:table-row table:number-rows-repeated="20000">'
        '<table:table-cell table:number-columns-repeated="1000" office:value-type="float" office:value="1">'
        "<text:p>1</text:p></table:table-cell></table:table-row>"
    )
    assert "使用范围过大" in str(refused(ods(raw_rows=bomb)))


def test_an_ods_with_the_usual_trailing_empty_repeats_is_fine():
    rows = (
        '<table:table-row><table:table-cell office:value-type="string"><text:p>编号</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>任务名称</text:p></table:table-cell>'
        '<table:table-cell table:number-columns-repeated="16382"/></table:table-row>'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>1</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>招商</text:p></table:table-cell></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/>'
        "</table:table-row>"
    )
    [row] = read_ledger(ods(raw_rows=rows), "x.ods", NODES).rows
    assert row.values == {"编号": "1", "任务名称": "招商"}


def test_an_ods_with_a_doctype_is_refused():
    data = ods(raw_rows="")
    src = zipfile.ZipFile(io.BytesIO(data))
    members = {i.filename: src.read(i.filename) for i in src.infolist()}
    members["content.xml"] = members["content.xml"].replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaa">]>', 1)
    assert "不是 Excel" in str(refused(zip_of(members)))
