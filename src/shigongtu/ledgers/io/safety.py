"""Checks an uploaded file must pass before any spreadsheet parser sees it.

A ledger comes from outside: it may be empty, encrypted, truncated, not a spreadsheet at all,
or built to exhaust memory (a zip bomb, or two cells far apart that make the parser allocate the
rectangle between them). Everything here works on the raw bytes in bounded memory and raises
:class:`LedgerFileError` with a message a clerk can act on.
"""

from __future__ import annotations

import html
import itertools
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import cast
from xml.etree import ElementTree as ET

from .errors import LedgerFileError

MAX_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100.0
MAX_CELLS = 10_000_000
_CHUNK = 1 << 20
_MAX_MEMBERS = 10_000
_MAX_ERROR_CELLS = 100_000
_RATIO_FLOOR = 1 << 20  # below this uncompressed size a member cannot hurt, whatever its ratio

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass(frozen=True)
class Limits:
    """How much an upload may cost: bytes on the wire, bytes once unzipped, cells in memory."""

    max_bytes: int = MAX_BYTES
    max_uncompressed: int = MAX_UNCOMPRESSED
    max_ratio: float = MAX_RATIO
    max_cells: int = MAX_CELLS


def fail(zh: str, en: str) -> LedgerFileError:
    return LedgerFileError(zh, en)


def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def _damaged() -> LedgerFileError:
    return fail(
        "文件已损坏或不完整（可能上传中断），请重新保存后再上传",
        "The file is damaged or incomplete (perhaps the upload was cut off); save it again and re-upload",
    )


def _not_spreadsheet(what: str = "") -> LedgerFileError:
    zh_what = f"（看起来是{what}）" if what else ""
    return fail(
        f"文件不是 Excel（.xlsx/.xls/.ods）或 CSV 表格{zh_what}",
        "The file is not an Excel (.xlsx/.xls/.ods) or CSV spreadsheet",
    )


def encrypted() -> LedgerFileError:
    return fail("文件已加密，请取消密码后再上传", "The file is password-protected; remove the password and re-upload")


def sniff(data: bytes, limits: Limits) -> str:
    """The file's format from its content (never its name): ``xlsx``, ``ods``, ``xls`` or ``csv``.

    Zip-based formats are fully checked here (directory, sizes, ratios, every member inflated
    once with its real size and CRC verified, except worksheets, which :func:`scan_xlsx_sheet`
    checks when one is chosen).
    """
    if not data or not data.strip():
        raise fail("文件为空", "The file is empty")
    if len(data) > limits.max_bytes:
        raise fail(
            f"文件过大（{_mb(len(data))}），上限为 {_mb(limits.max_bytes)}",
            f"The file is too large ({_mb(len(data))}); the limit is {_mb(limits.max_bytes)}",
        )
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return _check_zip(data, limits)
    if data[:8] == _OLE_MAGIC:
        return _check_ole(data)
    return "csv"


def _check_ole(data: bytes) -> str:
    # An encrypted .xlsx is an OLE2 container holding these two streams; names are UTF-16LE.
    if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
        raise encrypted()
    if "Workbook".encode("utf-16-le") not in data and "Book".encode("utf-16-le") not in data:
        raise _not_spreadsheet("Word 等其他 Office 文档")
    return "xls"


def _open_zip(data: bytes) -> zipfile.ZipFile:
    # zipfile builds an object per directory entry; refuse absurd directories before it does.
    eocd = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if eocd == -1 or eocd + 22 > len(data):
        raise _damaged()
    (entries,) = struct.unpack_from("<H", data, eocd + 10)
    if entries >= min(_MAX_MEMBERS, 0xFFFF):
        raise _not_spreadsheet()
    try:
        return zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise _damaged() from exc


def _check_zip(data: bytes, limits: Limits) -> str:
    zf = _open_zip(data)
    infos = zf.infolist()
    names = {i.filename for i in infos}
    if any(i.flag_bits & 0x1 for i in infos):
        raise encrypted()
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and ratio > limits.max_ratio:
            raise _bomb(f"成员 {info.filename} 压缩比 {ratio:.0f}:1 超过上限 {limits.max_ratio:.0f}:1")
    if total > limits.max_uncompressed:
        raise _bomb(f"解压后 {_mb(total)} 超过上限 {_mb(limits.max_uncompressed)}")

    fmt = _zip_format(data, zf, names)
    # An encrypted .ods keeps a plain manifest but encrypts content.xml: tell before inflating it.
    if fmt == "ods" and b"encryption-data" in _read_small(data, zf, "META-INF/manifest.xml"):
        raise encrypted()
    for info in infos:
        if fmt == "xlsx" and info.filename.startswith("xl/worksheets/"):
            continue  # checked by scan_xlsx_sheet, for the one sheet that is read
        for _ in inflate(data, info):
            pass
    if fmt == "ods":
        scan_ods_content(inflate(data, zf.getinfo("content.xml")), limits)
    return fmt


def _zip_format(data: bytes, zf: zipfile.ZipFile, names: set[str]) -> str:
    """Which spreadsheet a zip container holds ("xlsx" or "ods"), refusing .xlsb, Word and plain archives."""
    if "xl/workbook.bin" in names:
        raise fail(
            "不支持 .xlsb 二进制工作簿，请在 Excel 中另存为 .xlsx 后再上传",
            "Binary .xlsb workbooks are not supported; save as .xlsx and re-upload",
        )
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return "xlsx"
    if "mimetype" in names or "content.xml" in names:
        mime = next(inflate(data, zf.getinfo("mimetype")), b"")[:100] if "mimetype" in names else b""
        if mime and not mime.startswith(_ODS_MIME):
            raise _not_spreadsheet("其他 OpenDocument 文档")
        if "content.xml" not in names:
            raise _damaged()
        return "ods"
    if any(n.startswith("word/") for n in names):
        raise _not_spreadsheet("Word 文档")
    raise _not_spreadsheet("压缩包")


def _bomb(detail: str) -> LedgerFileError:
    return fail(
        f"文件解压后过大，疑似压缩炸弹，已拒绝（{detail}）",
        "The file expands too much when unzipped (a possible zip bomb) and was refused",
    )


def inflate(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A zip member's content in chunks, never more than its declared size, CRC verified.

    Done by hand rather than with zipfile because zipfile silently stops at the declared size,
    whereas the spreadsheet parser would go on inflating whatever the stream holds.
    """
    off = info.header_offset
    if data[off : off + 4] != b"PK\x03\x04":
        raise _damaged()
    name_len, extra_len = struct.unpack_from("<HH", data, off + 26)
    start = off + 30 + name_len + extra_len
    end = start + info.compress_size
    if end > len(data):
        raise _damaged()
    raw = memoryview(data)[start:end]
    crc = produced = 0
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise _damaged()
        for pos in range(0, len(raw), _CHUNK):
            chunk = bytes(raw[pos : pos + _CHUNK])
            crc = zlib.crc32(chunk, crc)
            yield chunk
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        d = zlib.decompressobj(-15)
        pos = 0
        while not d.eof:
            if d.unconsumed_tail:
                inp: bytes | memoryview = d.unconsumed_tail
            else:
                inp = raw[pos : pos + _CHUNK]
                pos += len(inp)
            try:
                out = d.decompress(inp, _CHUNK)
            except zlib.error as exc:
                raise _damaged() from exc
            if not out and not inp:
                raise _damaged()  # the stream ends before its end marker: truncated
            produced += len(out)
            if produced > info.file_size:
                raise _bomb(f"成员 {info.filename} 实际内容大于目录所写")
            crc = zlib.crc32(out, crc)
            if out:
                yield out
        if produced != info.file_size:
            raise _damaged()
    else:
        raise _not_spreadsheet()
    if crc != info.CRC:
        raise _damaged()


def _read_small(data: bytes, zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return b""
    return b"".join(inflate(data, info))


def _parse_small_xml(content: bytes) -> ET.Element:
    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        raise _not_spreadsheet()
    try:
        return ET.fromstring(content)  # noqa: S314 - no DTD (checked above), so no entity tricks
    except ET.ParseError as exc:
        raise _damaged() from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def xlsx_sheet_member(data: bytes, sheet_name: str) -> zipfile.ZipInfo | None:
    """The zip member holding the worksheet called ``sheet_name``, via workbook.xml and its rels."""
    zf = _open_zip(data)
    workbook = "xl/workbook.xml"
    for rel in _parse_small_xml(_read_small(data, zf, "_rels/.rels") or b"<r/>"):
        if rel.get("Type", "").endswith("/officeDocument"):
            workbook = rel.get("Target", workbook).lstrip("/")
    base, leaf = posixpath.split(workbook)
    rels = _parse_small_xml(_read_small(data, zf, f"{base}/_rels/{leaf}.rels") or b"<r/>")
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    for el in _parse_small_xml(_read_small(data, zf, workbook) or b"<r/>").iter():
        if _local(el.tag) != "sheet" or el.get("name") != sheet_name:
            continue
        rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
        target = targets.get(rid, "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"{base}/{target}")
        try:
            return zf.getinfo(path)
        except KeyError:
            return None
    return None


_ROW_R = re.compile(rb'<row\b[^>]*? r="(\d+)"')
_ROW_R_PREFIXED = re.compile(rb'<[A-Za-z_][\w.-]*:row\b[^>]*? r="(\d+)"')
_REF_MULTI = re.compile(rb' r="([A-Z]{2,3})\d')
_REF_SINGLE = [re.compile(rb' r="([%c-Z])\d' % c) for c in range(ord("A"), ord("Z") + 1)]
_CELL = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)c\b([^>]*?)(?:/>|>(.*?)</\1c>)", re.S)
_HAS_F = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_V = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v(?:\s[^>]*)?(/>|>([^<]*)<)")
_ATTR_T = re.compile(rb'\bt="(\w+)"')
_ATTR_R = re.compile(rb'\br="([A-Z]+\d+)"')


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


_F_TEXT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f(?:\s[^>]*)?>([^<]*)<")
UNCACHED = "\x00uncached"  # marks a formula cell without a value in the scan's result


def _uncached_formulas(part: bytes) -> Iterator[tuple[tuple[int, int], str]]:
    """The formula cells in ``part`` that have no cached value, by (row, 0-based column), with
    their formula text (``=SUM(D4:D9)``; shared formulas give only ``=``)."""
    for m in _CELL.finditer(part):
        inner = m.group(3) or b""
        if not _HAS_F.search(inner):
            continue
        v = _V.search(inner)
        t = _ATTR_T.search(m.group(2))
        kind = t.group(1) if t else b"n"
        if v is None or (kind not in (b"str", b"inlineStr") and not (v.group(2) or b"").strip()):
            ref = _ATTR_R.search(m.group(2))
            if ref is None:
                continue
            letters = ref.group(1).rstrip(b"0123456789")
            f = _F_TEXT.search(inner)
            text = "=" + html.unescape(f.group(1).decode(errors="replace")) if f else "="
            yield (int(ref.group(1)[len(letters):]), _col_number(letters) - 1), UNCACHED + text


def _safe_cut(buf: bytes) -> int:
    """Where to split streamed XML so that no row (or at least no cell) is cut in two."""
    for needle in (b"row>", b"c>", b">"):
        at = buf.rfind(needle)
        if at != -1:
            return at + len(needle)
    return len(buf)


def scan_xlsx_sheet(chunks: Iterable[bytes], limits: Limits) -> dict[tuple[int, int], str]:
    """Stream a worksheet's XML once: refuse it when its used rectangle is too big to hold,
    and note the formulas with no cached value (files written by programs that never calculated).

    Returns the cells holding an error value (``#DIV/0!``, ``#N/A``...) or a formula without a
    value (:data:`UNCACHED` + formula) by (row, 0-based column), which the parser would
    otherwise hand over as empty.
    """
    max_row = max_col = rows_seen = 0
    error_cells: dict[tuple[int, int], str] = {}
    single = _REF_SINGLE[0]
    pending = b""
    for chunk in itertools.chain(chunks, [b""]):
        buf = pending + chunk
        cut = _safe_cut(buf) if chunk else len(buf)
        part, pending = buf[:cut], buf[cut:]
        rows_seen += part.count(b"<row")
        rs = _ROW_R.findall(part)
        if b":row" in part:  # namespace-prefixed SpreadsheetML, as some generators write it
            rows_seen += part.count(b":row ")
            rs += _ROW_R_PREFIXED.findall(part)
        if rs:
            max_row = max(max_row, *map(int, rs))
        multi = _REF_MULTI.findall(part)
        if multi:
            max_col = max(max_col, *map(_col_number, set(multi)))
        elif max_col < 26 and single.search(part):
            max_col = max(max_col, *map(_col_number, set(single.findall(part))))
            single = _REF_SINGLE[min(max_col, 25)]
        if b"f>" in part and len(error_cells) < _MAX_ERROR_CELLS:
            # Not refused here: only a cell the ledger reads is an error, named by row and column.
            error_cells.update(_uncached_formulas(part))
        if b't="e"' in part and len(error_cells) < _MAX_ERROR_CELLS:
            error_cells.update(_error_values(part))
        if max(max_row, rows_seen) * max(max_col, 1) > limits.max_cells:
            raise _too_many_cells(limits)
    return error_cells


def _error_values(part: bytes) -> Iterator[tuple[tuple[int, int], str]]:
    for m in _CELL.finditer(part):
        if b't="e"' not in m.group(2):
            continue
        ref = _ATTR_R.search(m.group(2))
        v = _V.search(m.group(3) or b"")
        if ref is None or v is None:
            continue
        letters = ref.group(1).rstrip(b"0123456789")
        row = int(ref.group(1)[len(letters) :])
        yield (row, _col_number(letters) - 1), (v.group(2) or b"#ERROR").decode(errors="replace")


def _too_many_cells(limits: Limits) -> LedgerFileError:
    return fail(
        f"工作表的使用范围过大（超过 {limits.max_cells:,} 个单元格），请删除表格右侧和下方多余的内容后再上传",
        f"The sheet's used range is too large (over {limits.max_cells:,} cells); "
        "delete stray content to the right of and below the table",
    )


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_TEXT_S = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}s"


def scan_ods_content(chunks: Iterable[bytes], limits: Limits) -> None:
    """Walk content.xml once, counting the cells the parser would allocate once
    ``number-rows-repeated`` / ``number-columns-repeated`` are expanded (empty ones excepted)."""
    parser: ET.XMLPullParser = ET.XMLPullParser(events=("start", "end"))
    stack: list[ET.Element] = []
    cells = row = row_extent = col = row_max_col = table_max_col = spaces = 0
    first = True
    for chunk in chunks:
        if first and (b"<!DOCTYPE" in chunk or b"<!ENTITY" in chunk):
            raise _not_spreadsheet()
        first = False
        try:
            parser.feed(chunk)
            # only start/end events were asked for: (event, element) pairs
            events = cast("list[tuple[str, ET.Element]]", list(parser.read_events()))
        except ET.ParseError as exc:
            raise _damaged() from exc
        for event, el in events:
            if event == "start":
                stack.append(el)
                continue
            stack.pop()
            tag = el.tag
            if tag == _ODS_TEXT_S:
                spaces += int(el.get("{urn:oasis:names:tc:opendocument:xmlns:text:1.0}c", "1") or 1)
            elif tag in (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell"):
                reps = int(el.get(f"{_ODS_TABLE}number-columns-repeated", "1") or 1)
                if el.get(f"{_ODS_OFFICE}value-type") or len(el):
                    row_max_col = col + reps
                col += reps
            elif tag == f"{_ODS_TABLE}table-row":
                reps = int(el.get(f"{_ODS_TABLE}number-rows-repeated", "1") or 1)
                row += reps
                if row_max_col:
                    row_extent = row
                    table_max_col = max(table_max_col, row_max_col)
                col = row_max_col = 0
            elif tag == f"{_ODS_TABLE}table":
                cells += row_extent * table_max_col
                row = row_extent = table_max_col = 0
            else:
                continue
            if stack:
                stack[-1].remove(el)  # keep memory flat: the row or cell is done with
            if cells + row_extent * max(table_max_col, row_max_col) > limits.max_cells or spaces > limits.max_cells:
                raise _too_many_cells(limits)
