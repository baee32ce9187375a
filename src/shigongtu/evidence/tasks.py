"""Background work of evidence: thumbnails of images, made after the upload has answered."""

from __future__ import annotations

import io
import logging

from django_tasks import task
from PIL import UnidentifiedImageError

from shigongtu.evidence import photos
from shigongtu.evidence.models import Attachment
from shigongtu.evidence.storage import evidence_storage, new_name

log = logging.getLogger(__name__)


@task()
def make_thumbnail(attachment_id: int) -> str:
    """Make and store the 320-pixel thumbnail of an image attachment; returns its storage name
    ("" when the attachment is gone or its image cannot be decoded)."""
    attachment = Attachment.objects.filter(pk=attachment_id, is_photo=True).first()
    if attachment is None:
        return ""
    storage = evidence_storage()
    try:
        with storage.open(attachment.blob, "rb") as fh:
            data = photos.thumbnail(fh)
    except (UnidentifiedImageError, OSError) as exc:
        log.warning("thumbnail of attachment %s failed: %s", attachment_id, exc)
        return ""
    name = storage.save(new_name(attachment.plan_id, "jpg", "-thumb"), io.BytesIO(data))
    if not Attachment.objects.filter(pk=attachment_id).update(thumb=name):
        storage.delete(name)  # deleted meanwhile
        return ""
    return name
