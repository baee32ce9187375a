"""Coordinates as offices write them: decimal degrees or degrees-minutes-seconds (度分秒). Pure.

``125.4528``, ``125°27′10″``, ``125°27'10"``, ``125度27分10秒``, ``东经125°27′10.5″``, ``43°49'N``.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from shigongtu.lib.errors import ValueProblem, shown

_DMS = re.compile(
    r"^(?P<deg>\d{1,3}(?:\.\d+)?)\s*(?:°|度)\s*"
    r"(?:(?P<min>\d{1,2}(?:\.\d+)?)\s*(?:['′’]|分)\s*)?"
    r"(?:(?P<sec>\d{1,2}(?:\.\d+)?)\s*(?:\"|″|”|''|′′|秒)\s*)?$"
)
_HEMISPHERE = re.compile(r"^(东经|北纬|西经|南纬|[NESWnesw])?\s*(.*?)\s*([NESWnesw])?$")


def parse_degrees(raw: object, what_zh: str = "坐标", what_en: str = "coordinate") -> Decimal:
    """Degrees as a Decimal from a number or a 度分秒 text; ValueProblem naming the value otherwise."""
    if isinstance(raw, bool):
        raise _bad(raw, what_zh, what_en)
    if isinstance(raw, int | float | Decimal):
        return Decimal(str(raw))
    text = unicodedata.normalize("NFKC", str(raw or "")).strip().replace(" ", "")
    match = _HEMISPHERE.match(text)
    if match is None:
        raise _bad(raw, what_zh, what_en)
    body = match.group(2)
    south_west = (match.group(1) or match.group(3) or "").upper() in ("西经", "南纬", "S", "W")
    try:
        value = Decimal(body)
    except InvalidOperation:
        dms = _DMS.match(body)
        if dms is None:
            raise _bad(raw, what_zh, what_en) from None
        minutes = Decimal(dms.group("min") or 0)
        seconds = Decimal(dms.group("sec") or 0)
        if minutes >= 60 or seconds >= 60:
            raise _bad(raw, what_zh, what_en, "分和秒应小于60", "minutes and seconds must be below 60") from None
        value = Decimal(dms.group("deg")) + minutes / 60 + seconds / 3600
    if not value.is_finite():
        raise _bad(raw, what_zh, what_en)
    return -value if south_west else value


def _bad(raw: object, what_zh: str, what_en: str, why_zh: str = "", why_en: str = "") -> ValueProblem:
    return ValueProblem(
        f"无法识别的{what_zh}：{shown(raw)}（可写小数度如125.4528，或度分秒如125°27′10″、125度27分10秒）"
        + (f"，{why_zh}" if why_zh else ""),
        f"cannot read the {what_en} {shown(raw)} (decimal degrees such as 125.4528, or degrees-minutes-seconds "
        f"such as 125°27′10″)" + (f": {why_en}" if why_en else ""),
    )


def to_dms(value: Decimal | float) -> str:
    """Degrees as 度分秒 text (``125°27′10.08″``), as the remote-sensing ledgers print them."""
    total = Decimal(str(value))
    sign = "-" if total < 0 else ""
    total = abs(total)
    degrees = int(total)
    minutes_full = (total - degrees) * 60
    minutes = int(minutes_full)
    seconds = ((minutes_full - minutes) * 60).quantize(Decimal("0.01"))
    if seconds >= 60:
        seconds -= 60
        minutes += 1
    if minutes >= 60:
        minutes -= 60
        degrees += 1
    sec = format(seconds.normalize(), "f") if seconds else "0"
    return f"{sign}{degrees}°{minutes}′{sec}″"
