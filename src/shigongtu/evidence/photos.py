"""What a photo says about itself: EXIF time taken and GPS position (Pillow), without decoding pixels,
so reading a 10 MB photo costs milliseconds; and the thumbnail and watermarked copy made from it."""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from shigongtu.lib.geo import Point, in_china

log = logging.getLogger(__name__)

_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _DATETIME = 36867, 306
THUMB_SIZE = (320, 320)
FONT_FILES = (  # Noto Sans CJK, as the bulletins' charts find it (Debian, Fedora, Arch)
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)


@dataclass(frozen=True)
class PhotoFacts:
    """The time and place a photo records (either may be missing)."""

    taken_at: dt.datetime | None = None  # naive: EXIF holds the camera's local time
    point: Point | None = None  # WGS84 (lng, lat), as GPS records it


def _ratio(value: Any) -> float:
    return float(value[0]) / float(value[1]) if isinstance(value, tuple) else float(value)


def _degrees(dms: Any, ref: Any) -> float:
    d, m, s = (_ratio(v) for v in dms)
    value = d + m / 60 + s / 3600
    return -value if str(ref).upper() in ("S", "W") else value


def _gps(gps: Any) -> Point | None:
    try:
        lat = _degrees(gps[2], gps.get(1, "N"))
        lng = _degrees(gps[4], gps.get(3, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    return (lng, lat) if in_china(lng, lat) else None


def _taken_at(exif: Any) -> dt.datetime | None:
    raw = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    if not raw:
        return None
    try:
        return dt.datetime.strptime(str(raw).strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007 (camera-local)
    except ValueError:
        return None


def read_facts(file: IO[bytes]) -> PhotoFacts:
    """The EXIF time and GPS point of an image file (position restored afterwards); none → empty facts."""
    start = file.tell()
    try:
        with Image.open(file) as image:
            exif = image.getexif()
            gps = exif.get_ifd(_GPS_IFD)
            return PhotoFacts(_taken_at(exif), _gps(gps) if gps else None)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        log.info("no EXIF read: %s", exc)
        return PhotoFacts()
    finally:
        file.seek(start)


def thumbnail(data: IO[bytes]) -> bytes:
    """A JPEG thumbnail (at most 320×320), turned upright by its EXIF orientation."""
    with Image.open(data) as image:
        small = ImageOps.exif_transpose(image)
        small.thumbnail(THUMB_SIZE)
        out = io.BytesIO()
        small.convert("RGB").save(out, "JPEG", quality=80)
        return out.getvalue()


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_FILES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    log.warning("no CJK font found for watermarks; Chinese will not show")
    return ImageFont.load_default(size)


def watermarked(data: IO[bytes], lines: list[str]) -> bytes:
    """The photo as JPEG with ``lines`` (project, date, place, reporter) written on a dark band at the bottom."""
    with Image.open(data) as opened:
        image = ImageOps.exif_transpose(opened).convert("RGB")
    size = max(14, image.width // 45)
    font = _font(size)
    pad = size // 2
    band = (size + pad) * len(lines) + pad
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    draw.rectangle((0, image.height - band, image.width, image.height), fill=(0, 0, 0, 140))
    y = image.height - band + pad
    for line in lines:
        draw.text((pad, y), line, font=font, fill=(255, 255, 255, 255))
        y += size + pad
    merged = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    out = io.BytesIO()
    merged.save(out, "JPEG", quality=88)
    return out.getvalue()
