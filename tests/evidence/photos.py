"""Test photos: small JPEGs with or without EXIF time and GPS, made with Pillow."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image, TiffImagePlugin

SITE = (125.4500, 43.8000)  # (lng, lat) of the test project, near 净月


def _dms(value: float) -> tuple[TiffImagePlugin.IFDRational, ...]:
    d = int(value)
    m = int((value - d) * 60)
    s = round(((value - d) * 60 - m) * 60, 4)
    return (TiffImagePlugin.IFDRational(d, 1), TiffImagePlugin.IFDRational(m, 1),
            TiffImagePlugin.IFDRational(int(s * 10000), 10000))


def jpeg(taken: dt.datetime | None = None, point: tuple[float, float] | None = None, size: tuple[int, int] = (64, 48),
         noise: bool = False) -> bytes:
    image = Image.effect_noise(size, 80).convert("RGB") if noise else Image.new("RGB", size, (90, 140, 200))
    exif = Image.Exif()
    if taken is not None:
        exif[306] = taken.strftime("%Y:%m:%d %H:%M:%S")
        exif.get_ifd(0x8769)[36867] = taken.strftime("%Y:%m:%d %H:%M:%S")
    if point is not None:
        exif.get_ifd(0x8825).update({1: "N", 2: _dms(point[1]), 3: "E", 4: _dms(point[0])})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes() if len(exif) or taken or point else b"", quality=95)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
