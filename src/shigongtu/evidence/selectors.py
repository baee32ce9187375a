"""Reads of evidence every face shares: a record's files, per-record counts for list rows, the
bytes of a file (scoped by the caller) and the watermark a photo is exported with."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from django.db.models import Count
from django.utils import timezone

from shigongtu.evidence import photos
from shigongtu.evidence.models import Attachment
from shigongtu.evidence.rules import photo
from shigongtu.evidence.storage import evidence_storage
from shigongtu.lib.periods import format_date_zh


def attachments_of(kind: str, object_id: int) -> list[Attachment]:
    """The files attached to one record, oldest first, with who uploaded them (one query)."""
    return list(Attachment.objects.filter(kind=kind, object_id=object_id).select_related("uploaded_by")
                .order_by("uploaded_at", "id"))


@dataclass
class Tally:
    """What a record's files add up to, for a list row and the reviewer (现场有效 / 不符 / 未核验)."""

    files: int = 0
    photos: dict[str, int] = field(default_factory=dict)

    @property
    def valid(self) -> int:
        return self.photos.get(photo.VALID, 0)

    @property
    def mismatch(self) -> int:
        return self.photos.get(photo.MISMATCH, 0)

    @property
    def unverified(self) -> int:
        return self.photos.get(photo.UNVERIFIED, 0)


def tallies(kind: str, object_ids: Iterable[int]) -> dict[int, Tally]:
    """Per record, the count of files and of photos by verdict (one grouped query)."""
    out: dict[int, Tally] = defaultdict(Tally)
    rows = (Attachment.objects.filter(kind=kind, object_id__in=list(object_ids))
            .values_list("object_id", "verdict").annotate(n=Count("id")))
    for object_id, verdict, n in rows:
        tally = out[object_id]
        tally.files += n
        if verdict:
            tally.photos[verdict] = tally.photos.get(verdict, 0) + n
    return dict(out)


def open_bytes(attachment: Attachment, thumb: bool = False) -> IO[bytes]:
    """The stored bytes of a file (or its thumbnail); ``FileNotFoundError`` when they are missing."""
    name = attachment.thumb if thumb else attachment.blob
    if not name:
        raise FileNotFoundError(attachment.pk)
    return evidence_storage().open(name, "rb")


def watermark_lines(attachment: Attachment, language: str = "zh") -> list[str]:
    """Project, date taken, place and reporter, as the exported photo carries them."""
    en = language.startswith("en")
    project = attachment.project
    what = f"{project.code} {project.name}" if project else attachment.name
    when = timezone.localtime(attachment.taken_at).date() if attachment.taken_at else None
    shown_when = (when.isoformat() if en else format_date_zh(when)) if when else ("unknown" if en else "未知")
    if attachment.lng is not None and attachment.lat is not None:
        place = f"{float(attachment.lng):.5f}, {float(attachment.lat):.5f}"
    else:
        place = "unknown" if en else "未知"
    if project and project.location:
        place = f"{place}（{project.location[:40]}）" if not en else f"{place} ({project.location[:40]})"
    who = attachment.uploaded_by.get_username() if attachment.uploaded_by else "—"
    if en:
        return [f"Project: {what}", f"Taken: {shown_when}", f"Place: {place}", f"Reporter: {who}"]
    return [f"项目：{what}", f"拍摄日期：{shown_when}", f"拍摄地点：{place}", f"填报人：{who}"]


def watermarked(attachment: Attachment, language: str = "zh") -> bytes:
    """The photo as a JPEG with its watermark (for export and download as evidence)."""
    with open_bytes(attachment) as fh:
        data = io.BytesIO(fh.read())
    return photos.watermarked(data, watermark_lines(attachment, language))
