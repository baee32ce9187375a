"""What a file is, from its first bytes (magic numbers), checked against the extension it was given.

A short table of our own rather than libmagic: the accepted types are few and fixed, the check
must behave the same on every machine, and a system library would be one more thing to install.
A ``.jpg`` whose bytes are a PDF is refused; so is any extension not in the allowed list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from shigongtu.lib.errors import FieldError


@dataclass(frozen=True)
class FileType:
    """One accepted type: its extensions, MIME type and the signature its bytes begin with."""

    name: str
    extensions: tuple[str, ...]
    mime: str
    is_image: bool = False


JPEG: Final = FileType("jpeg", ("jpg", "jpeg"), "image/jpeg", is_image=True)
PNG: Final = FileType("png", ("png",), "image/png", is_image=True)
WEBP: Final = FileType("webp", ("webp",), "image/webp", is_image=True)
PDF: Final = FileType("pdf", ("pdf",), "application/pdf")
OOXML: Final = FileType("ooxml", ("docx", "xlsx", "pptx"), "application/zip")
OLE: Final = FileType("ole", ("doc", "xls"), "application/x-ole-storage")
TYPES: Final = (JPEG, PNG, WEBP, PDF, OOXML, OLE)
DEFAULT_EXTENSIONS: Final = tuple(ext for t in TYPES for ext in t.extensions)
HEAD_BYTES: Final = 16  # enough for every signature below

_MIME_BY_EXT: Final = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
}


def sniff(head: bytes) -> FileType | None:
    """The accepted type the bytes begin as, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return OOXML
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    return None


def extension(name: str) -> str:
    """The lower-case extension of a file name, without the dot ("" when there is none)."""
    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def mime_for(ext: str, kind: FileType) -> str:
    return _MIME_BY_EXT.get(ext, kind.mime)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


def check_file(name: str, size: int, head: bytes, *, allowed: tuple[str, ...], max_bytes: int) -> FileType:
    """The type of an upload, or ``FieldError`` naming the file and saying what is wrong.

    Refused: an empty file, one over ``max_bytes``, an extension not in ``allowed``, and bytes
    that are not what the extension says (a PDF renamed ``.jpg``).
    """
    ext = extension(name)
    if size <= 0:
        raise _problem(name, f"文件「{name}」是空文件", f"file {name} is empty")
    if size > max_bytes:
        raise _problem(name, f"文件「{name}」大小 {_mb(size)} MB，超过上限 {_mb(max_bytes)} MB",
                       f"file {name} is {_mb(size)} MB, over the limit of {_mb(max_bytes)} MB")
    if ext not in allowed:
        shown = "、".join(allowed)
        raise _problem(name, f"不接受「.{ext or '无扩展名'}」类型的文件「{name}」（可上传：{shown}）",
                       f"file type .{ext or '(none)'} of {name} is not accepted (allowed: {', '.join(allowed)})")
    kind = sniff(head)
    if kind is None or ext not in kind.extensions:
        actual = kind.name.upper() if kind else "未知格式"
        raise _problem(name, f"文件「{name}」的内容（{actual}）与扩展名 .{ext} 不符",
                       f"the content of {name} ({kind.name.upper() if kind else 'unknown'}) does not match "
                       f"its extension .{ext}")
    return kind


class FileRefused(Exception):
    """An upload refused by :func:`check_file`; carries the field error."""

    def __init__(self, problem: FieldError) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _problem(name: str, zh: str, en: str) -> FileRefused:
    return FileRefused(FieldError(zh, field="file", value=name, message_en=en))
