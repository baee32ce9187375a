"""What a file is, from its bytes, against its extension."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shigongtu.evidence.rules.content import DEFAULT_EXTENSIONS, JPEG, PDF, FileRefused, check_file, sniff

JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"
PDF_HEAD = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


def check(name: str, head: bytes, size: int = 1000, max_bytes: int = 10_000) -> object:
    return check_file(name, size, head, allowed=DEFAULT_EXTENSIONS, max_bytes=max_bytes)


def test_a_jpeg_named_jpg_is_a_jpeg() -> None:
    assert check("现场.JPG", JPEG_HEAD) is JPEG


def test_a_pdf_named_pdf_is_a_pdf() -> None:
    assert check("批复.pdf", PDF_HEAD) is PDF


def test_a_pdf_named_jpg_is_refused_saying_the_content_does_not_match() -> None:
    with pytest.raises(FileRefused) as exc:
        check("现场.jpg", PDF_HEAD)
    assert "内容（PDF）与扩展名 .jpg 不符" in exc.value.problem.message
    assert exc.value.problem.field == "file"
    assert "does not match" in exc.value.problem.message_en


def test_a_file_over_the_limit_is_refused_with_both_sizes() -> None:
    with pytest.raises(FileRefused) as exc:
        check("大图.jpg", JPEG_HEAD, size=30 * 1024 * 1024, max_bytes=20 * 1024 * 1024)
    assert "30 MB" in exc.value.problem.message and "20 MB" in exc.value.problem.message


def test_an_extension_not_allowed_is_refused_naming_the_allowed_ones() -> None:
    with pytest.raises(FileRefused) as exc:
        check("setup.exe", b"MZ\x90\x00")
    assert "不接受「.exe」" in exc.value.problem.message and "pdf" in exc.value.problem.message


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(FileRefused, match="空文件"):
        check("空.pdf", b"", size=0)


@given(st.binary(max_size=16))
def test_sniffing_never_fails_on_any_bytes(head: bytes) -> None:
    kind = sniff(head)
    assert kind is None or kind.extensions
