"""Uploads read safely: the size limit checked while the body streams in, and one rule for file names.

``SizeLimitedUploadHandler`` runs before Django's own handlers and drops a file the moment
its bytes pass ``LEDGER_MAX_BYTES`` (nothing more is buffered or spooled to disk); the view
then says the file was too large. ``read_upload`` checks ``upload.size`` before ``read()``;
``safe_filename`` is the one rule for names people's files arrive with.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from shigongtu.lib.bounds import CONTROL
from shigongtu.lib.errors import InputRejected

_PATH_PARTS = re.compile(r"^.*[\\/]")


class SizeLimitedUploadHandler(FileUploadHandler):
    """Refuse a file as soon as it grows past the limit, instead of after receiving all of it."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received = start + len(raw_data)
        if self.received > settings.LEDGER_MAX_BYTES:
            self.request.upload_too_large = True  # type: ignore[union-attr]
            raise SkipFile
        return raw_data  # the next handler (memory or temporary file) keeps it

    def file_complete(self, file_size: int) -> None:
        return None


def too_large_message() -> str:
    return f"文件超过{settings.LEDGER_MAX_BYTES // 2**20} MB，请拆分后分批导入"


def read_upload(upload: Any) -> bytes:
    """An uploaded file's bytes, refused (InputRejected naming ``file``) when larger than the limit."""
    if upload.size is not None and upload.size > settings.LEDGER_MAX_BYTES:
        raise InputRejected(too_large_message(), field="file", value=safe_filename(upload.name or ""))
    return bytes(upload.read())


def safe_filename(name: str) -> str:
    """A file name as shown and stored: no folders, no control or bidi characters, at most 255 characters.

    ``"..\\\\..\\\\x.xlsx"`` is ``x.xlsx``; ``"报表\\u202excslx.exe"`` loses the right-to-left override
    that made it read as ``报表exe.xlsx``.
    """
    cleaned = CONTROL.sub("", _PATH_PARTS.sub("", name or "")).strip().lstrip(".")
    return cleaned[-255:] or "upload"
