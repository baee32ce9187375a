"""Whether a photo was taken on site in the reporting month (现场有效)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from shigongtu.evidence.rules.photo import MISMATCH, UNVERIFIED, VALID, judge

SITE = (125.45, 43.80)
NEAR = (125.452, 43.801)  # about 190 m away
FAR = (125.50, 43.80)     # about 4 km away


def test_a_photo_taken_in_the_month_near_the_site_is_valid() -> None:
    assert judge(dt.date(2023, 6, 15), NEAR, period="2023-06", site=SITE).verdict == VALID


def test_a_photo_taken_far_away_does_not_match_and_says_how_far() -> None:
    verdict = judge(dt.date(2023, 6, 15), FAR, period="2023-06", site=SITE)
    assert verdict.verdict == MISMATCH
    assert verdict.reasons_zh[0] == "照片时间/位置与项目不符"
    assert "超过500米" in verdict.note_zh


def test_a_photo_taken_in_another_month_does_not_match() -> None:
    verdict = judge(dt.date(2023, 5, 31), NEAR, period="2023-06", site=SITE)
    assert verdict.verdict == MISMATCH and "2023-06" in verdict.note_zh


def test_a_photo_without_exif_is_unverified() -> None:
    assert judge(None, None, period="2023-06", site=SITE).verdict == UNVERIFIED


def test_a_project_without_coordinates_leaves_the_place_unverified() -> None:
    verdict = judge(dt.date(2023, 6, 15), NEAR, period="2023-06", site=None)
    assert verdict.verdict == UNVERIFIED and "项目无坐标" in verdict.note_zh


def test_a_record_without_a_month_is_judged_by_place_only() -> None:
    assert judge(None, NEAR, period=None, site=SITE).verdict == VALID


def test_the_radius_is_a_setting() -> None:
    assert judge(dt.date(2023, 6, 1), NEAR, period="2023-06", site=SITE, radius_m=100).verdict == MISMATCH


@given(st.floats(-0.004, 0.004), st.floats(-0.004, 0.004), st.integers(1, 28))
def test_any_point_within_a_few_hundred_metres_in_the_month_is_valid(dx: float, dy: float, day: int) -> None:
    # 0.004° ≈ 320 m east-west and 445 m north-south at 43.8°N: the diagonal stays under 550 m
    point = (SITE[0] + dx, SITE[1] + dy * 0.8)
    assert judge(dt.date(2023, 6, day), point, period="2023-06", site=SITE, radius_m=550).verdict == VALID
