"""Whether a photo is evidence from the site (现场有效): taken within the reporting month and within
a radius of the project's location. Pure: points are WGS84 (lng, lat), times are local dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from shigongtu.lib.geo import Point, distance_m

VALID: Final = "valid"          # 现场有效
MISMATCH: Final = "mismatch"    # 照片时间/位置与项目不符
UNVERIFIED: Final = "unverified"  # 未核验 (no EXIF, or nothing to compare with)
VERDICTS: Final = (VALID, MISMATCH, UNVERIFIED)
DEFAULT_RADIUS_M: Final = 500
MISMATCH_ZH: Final = "照片时间/位置与项目不符"
MISMATCH_EN: Final = "photo time/place does not match the project"


@dataclass(frozen=True)
class Verdict:
    """The check's outcome and why, in Chinese and English."""

    verdict: str
    reasons_zh: tuple[str, ...] = ()
    reasons_en: tuple[str, ...] = ()

    @property
    def note_zh(self) -> str:
        """The details after the verdict's own words (shown under its badge)."""
        return "；".join(r for r in self.reasons_zh if r != MISMATCH_ZH)

    @property
    def note_en(self) -> str:
        return "; ".join(r for r in self.reasons_en if r != MISMATCH_EN)


def in_period(day: dt.date, period: str) -> bool:
    """Whether ``day`` falls in the month ``period`` (YYYY-MM)."""
    return f"{day.year:04d}-{day.month:02d}" == period


def judge(taken_on: dt.date | None, point: Point | None, *, period: str | None, site: Point | None,
          radius_m: float = DEFAULT_RADIUS_M) -> Verdict:
    """Judge a photo. Any check that fails → ``mismatch``; every check made and passed → ``valid``;
    otherwise (no EXIF, no site to compare with) → ``unverified``.

    ``period`` None means the record has no reporting month (an approval, a problem): only the
    place is checked. ``site`` None means the record has no location: the place cannot be checked.
    """
    if taken_on is None and point is None:
        return Verdict(UNVERIFIED, ("照片无拍摄时间和位置信息（EXIF），未核验",),
                       ("no EXIF time or place: unverified",))
    zh: list[str] = []
    en: list[str] = []
    bad = missing = False
    if period is not None:
        if taken_on is None:
            missing = True
            zh.append("无拍摄时间")
            en.append("no time taken")
        elif not in_period(taken_on, period):
            bad = True
            zh.append(f"拍摄于{taken_on.year}年{taken_on.month}月{taken_on.day}日，不在填报月份{period}内")
            en.append(f"taken on {taken_on.isoformat()}, outside the reporting month {period}")
    if point is None or site is None:
        missing = True
        zh.append("无拍摄位置" if point is None else "项目无坐标，位置未核验")
        en.append("no place taken" if point is None else "the project has no coordinates: place not checked")
    else:
        metres = distance_m(point, site)
        if metres > radius_m:
            bad = True
            zh.append(f"拍摄地点距项目{metres:,.0f}米，超过{radius_m:,.0f}米")
            en.append(f"taken {metres:,.0f} m from the project, more than {radius_m:,.0f} m")
    if bad:
        return Verdict(MISMATCH, (MISMATCH_ZH, *zh), (MISMATCH_EN, *en))
    return Verdict(UNVERIFIED if missing else VALID, tuple(zh), tuple(en))
