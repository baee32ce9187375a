"""Project locations: the three coordinate systems in use in China, and a sanity check.

Coordinates are stored in WGS84 (what GPS and the statistics photos record). People copy
points from web maps, which show GCJ02 (国测局 / 火星坐标: 高德, 腾讯) or BD09 (百度), so
ledgers say which system a point is in and it is converted on import. GCJ02 is a published
obfuscation with no closed-form inverse; the inverse here iterates to well under a millimetre.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from typing import Final

from .errors import ValueProblem

WGS84: Final = "WGS84"
GCJ02: Final = "GCJ02"
BD09: Final = "BD09"

# Keys are upper-cased with spaces, hyphens, underscores and colons removed.
_CRS_ALIASES: Final = {
    "WGS84": WGS84,
    "WGS1984": WGS84,
    "EPSG4326": WGS84,
    "GPS": WGS84,
    "地球坐标": WGS84,
    # CGCS2000 (2000国家大地坐标系) and WGS84 differ by centimetres, far below what a project
    # location needs, so government coordinates in CGCS2000 longitude/latitude are taken as is.
    "CGCS2000": WGS84,
    "2000国家大地坐标": WGS84,
    "国家2000": WGS84,
    "GCJ02": GCJ02,
    "火星坐标": GCJ02,
    "国测局坐标": GCJ02,
    "国测局": GCJ02,
    "高德": GCJ02,
    "高德坐标": GCJ02,
    "腾讯": GCJ02,
    "BD09": BD09,
    "BD09LL": BD09,
    "百度": BD09,
    "百度坐标": BD09,
}

# Rough box for China (brief: good enough to catch swapped or mistyped coordinates).
CHINA_LNG: Final = (73.5, 135.1)
CHINA_LAT: Final = (18.1, 53.6)

# Krasovsky 1940 ellipsoid, as the GCJ02 algorithm uses it.
_A: Final = 6378245.0
_EE: Final = 0.00669342162296594323
_X_PI: Final = math.pi * 3000.0 / 180.0
_TOLERANCE: Final = 1e-10  # degrees, about 0.01 mm
_MAX_STEPS: Final = 50

Point = tuple[float, float]


def normalise_crs(crs: str | None) -> str:
    """The canonical name (``WGS84``, ``GCJ02``, ``BD09``) of a coordinate system as written.

    Case, spaces and hyphens are ignored (``wgs-84``, ``GCJ-02``, ``BD-09``), Chinese names are
    understood (火星坐标系, 百度坐标), and a blank means the default WGS84.
    """
    if crs is None or not crs.strip():
        return WGS84
    key = re.sub(r"[\s\-_:：]", "", unicodedata.normalize("NFKC", crs)).upper()
    key = key.removesuffix("系")
    if key in _CRS_ALIASES:
        return _CRS_ALIASES[key]
    raise ValueProblem(
        f"无法识别的坐标系：{crs.strip()}（可用WGS84、GCJ02（火星坐标）或BD09（百度坐标））",
        f"unknown coordinate system: {crs.strip()} (use WGS84, GCJ02 or BD09)",
    )


def _outside_gcj_area(lng: float, lat: float) -> bool:
    # The box inside which the GCJ02 offset is applied, as every implementation does.
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _shift_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _shift_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lng: float, lat: float) -> Point:
    """The standard GCJ02 forward transform; points outside China are returned unchanged."""
    if _outside_gcj_area(lng, lat):
        return lng, lat
    d_lat = _shift_lat(lng - 105.0, lat - 35.0)
    d_lng = _shift_lng(lng - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lng + d_lng, lat + d_lat


def gcj02_to_bd09(lng: float, lat: float) -> Point:
    """Baidu's BD09 forward transform from GCJ02."""
    z = math.hypot(lng, lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def _bd09_to_gcj02_approx(lng: float, lat: float) -> Point:
    x, y = lng - 0.0065, lat - 0.006
    z = math.hypot(x, y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def _invert(forward: Callable[[float, float], Point], lng: float, lat: float, guess: Point) -> Point:
    """Solve forward(p) = (lng, lat) by fixed-point steps; the transforms are near-identity."""
    g_lng, g_lat = guess
    for _ in range(_MAX_STEPS):
        f_lng, f_lat = forward(g_lng, g_lat)
        d_lng, d_lat = lng - f_lng, lat - f_lat
        g_lng, g_lat = g_lng + d_lng, g_lat + d_lat
        if abs(d_lng) < _TOLERANCE and abs(d_lat) < _TOLERANCE:
            break
    return g_lng, g_lat


def gcj02_to_wgs84(lng: float, lat: float) -> Point:
    """Inverse of :func:`wgs84_to_gcj02`, iterated to about 0.01 mm inside China."""
    if _outside_gcj_area(lng, lat):
        return lng, lat
    return _invert(wgs84_to_gcj02, lng, lat, (lng, lat))


def bd09_to_gcj02(lng: float, lat: float) -> Point:
    """Inverse of :func:`gcj02_to_bd09`: the usual closed-form estimate, then refined."""
    return _invert(gcj02_to_bd09, lng, lat, _bd09_to_gcj02_approx(lng, lat))


def to_wgs84(lng: float, lat: float, crs: str) -> Point:
    """Convert a point given in ``crs`` (any spelling :func:`normalise_crs` reads) to WGS84."""
    system = normalise_crs(crs)
    if system == GCJ02:
        return gcj02_to_wgs84(lng, lat)
    if system == BD09:
        return gcj02_to_wgs84(*bd09_to_gcj02(lng, lat))
    return float(lng), float(lat)


def from_wgs84(lng: float, lat: float, crs: str) -> Point:
    """Convert a WGS84 point to ``crs``, e.g. to place it on a 高德 (GCJ02) or 百度 (BD09) map."""
    system = normalise_crs(crs)
    if system == GCJ02:
        return wgs84_to_gcj02(lng, lat)
    if system == BD09:
        return gcj02_to_bd09(*wgs84_to_gcj02(lng, lat))
    return float(lng), float(lat)


def in_china(lng: float, lat: float) -> bool:
    """Whether the point lies in a rough bounding box around China (NaN is not)."""
    return CHINA_LNG[0] <= lng <= CHINA_LNG[1] and CHINA_LAT[0] <= lat <= CHINA_LAT[1]


def check_in_china(lng: float, lat: float) -> Point:
    """Return the point if it is in China, else raise :class:`ValueProblem` with a hint.

    The likeliest mistake is longitude and latitude in each other's columns, so that is said
    when swapping them would put the point in China.
    """
    if in_china(lng, lat):
        return float(lng), float(lat)
    zh = f"坐标（经度{lng}，纬度{lat}）不在中国境内"
    en = f"the point (longitude {lng}, latitude {lat}) is not in China"
    if in_china(lat, lng):
        zh += "，经度和纬度是否填反了？"
        en += "; are longitude and latitude swapped?"
    else:
        zh += "，请核对经纬度（中国境内经度约73.5–135.1，纬度约18.1–53.6）"
        en += " (China lies within about longitude 73.5–135.1, latitude 18.1–53.6)"
    raise ValueProblem(zh, en)


# Degrees-minutes-seconds as ledgers write them: 125°27′10″, 125°27'10", 125度27分10秒, with an
# optional hemisphere letter (E/N before or after); minutes and seconds may be left out.
_DMS: Final = re.compile(
    r"^(?P<h1>[NSEW])?\s*(?P<d>\d+(?:\.\d+)?)\s*(?:°|度|º)\s*"
    r"(?:(?P<m>\d+(?:\.\d+)?)\s*(?:′|'|分|’)\s*)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)\s*(?:″|\"|秒|”|''|′′)\s*)?(?P<h2>[NSEW])?$",
    re.IGNORECASE,
)
_AXES: Final = {"lng": ("经度", "longitude", 180), "lat": ("纬度", "latitude", 90)}


def parse_coordinate(raw: object, axis: str = "lng") -> float:
    """A longitude (``axis="lng"``) or latitude (``"lat"``) in decimal degrees from a cell:
    a number, ``125.4528``, or degrees-minutes-seconds (``125°27′10″``, ``125°27'10"``,
    ``125度27分10秒``). Malformed or out of range (minutes or seconds ≥ 60, degrees beyond
    180 or 90) → :class:`ValueProblem` naming the value."""
    zh_name, en_name, limit = _AXES[axis]
    if isinstance(raw, bool):
        raise ValueProblem(f"{zh_name}应为数字或度分秒，不是{raw}", f"the {en_name} must be a number, not {raw}")
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip().replace("\u2032", "′").replace("\u2033", "″")
        value = _dms_value(text, str(raw).strip(), zh_name, en_name)
    if not math.isfinite(value) or abs(value) > limit:
        raise ValueProblem(f"{zh_name}超出范围（应在 ±{limit} 度以内）：{raw}",
                           f"the {en_name} is out of range (within ±{limit} degrees): {raw}")
    return value


def _dms_value(text: str, shown: str, zh_name: str, en_name: str) -> float:
    try:
        return float(text)
    except ValueError:
        pass
    m = _DMS.match(text.replace(" ", ""))
    if m is None or (m["h1"] and m["h2"]):
        raise ValueProblem(f"{zh_name}格式不对：{shown}（写作 125.4528 或 125°27′10″）",
                           f"the {en_name} is malformed: {shown} (write 125.4528 or 125°27′10″)")
    degrees, minutes, seconds = float(m["d"]), float(m["m"] or 0), float(m["s"] or 0)
    if minutes >= 60 or seconds >= 60:
        raise ValueProblem(f"{zh_name}的分、秒应小于60：{shown}", f"minutes and seconds must be below 60: {shown}")
    value = degrees + minutes / 60 + seconds / 3600
    return -value if (m["h1"] or m["h2"] or "").upper() in ("S", "W") else value


_EARTH_RADIUS_M: Final = 6371008.8  # mean radius (IUGG); a site check needs metres, not millimetres


def distance_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres between two WGS84 points given as (lng, lat) (haversine)."""
    lng1, lat1, lng2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
