"""WGS84 / GCJ02 / BD09 conversion and the in-China check."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shigongtu.lib.errors import ValueProblem
from shigongtu.lib.geo import (
    BD09,
    GCJ02,
    WGS84,
    bd09_to_gcj02,
    check_in_china,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    in_china,
    normalise_crs,
    to_wgs84,
    wgs84_to_gcj02,
)

longitudes = st.floats(min_value=73.5, max_value=135.1)
latitudes = st.floats(min_value=18.1, max_value=53.6)
ROUND_TRIP = 1e-5  # degrees, about a metre


def _close(a: tuple[float, float], b: tuple[float, float], tolerance: float) -> bool:
    return abs(a[0] - b[0]) <= tolerance and abs(a[1] - b[1]) <= tolerance


# Reference values published with the widely used coordtransform implementations.
def test_the_forward_transforms_match_the_published_values():
    assert _close(wgs84_to_gcj02(116.404, 39.915), (116.41024449916938, 39.91640428150164), 1e-9)
    assert _close(gcj02_to_bd09(116.404, 39.915), (116.41036949371029, 39.92133699351021), 1e-9)
    assert _close(wgs84_to_gcj02(121.5272106, 31.1774276), (121.531541859215, 31.17530398364597), 1e-9)


def test_the_inverses_land_near_the_usual_closed_form_estimates():
    assert _close(bd09_to_gcj02(116.404, 39.915), (116.39762729119315, 39.90865673957631), 1e-5)
    assert _close(gcj02_to_wgs84(116.404, 39.915), (116.39775550083061, 39.91359571849836), 1e-4)


def test_the_inverses_are_exact_to_well_under_half_a_metre():
    wgs = (125.3245, 43.8868)  # 长春
    back = gcj02_to_wgs84(*wgs84_to_gcj02(*wgs))
    assert _close(back, wgs, 1e-9)
    back = to_wgs84(*from_wgs84(*wgs, "BD09"), "BD09")
    assert _close(back, wgs, 1e-9)


def test_points_outside_china_are_not_shifted():
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert gcj02_to_wgs84(2.35, 48.85) == (2.35, 48.85)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("WGS84", WGS84),
        ("wgs-84", WGS84),
        ("WGS 84", WGS84),
        ("EPSG:4326", WGS84),
        ("CGCS2000", WGS84),
        ("", WGS84),
        (None, WGS84),
        ("GCJ02", GCJ02),
        ("gcj-02", GCJ02),
        ("火星坐标", GCJ02),
        ("火星坐标系", GCJ02),
        ("国测局坐标系", GCJ02),
        ("BD09", BD09),
        ("bd-09", BD09),
        ("百度", BD09),
        ("百度坐标系", BD09),
        ("ＢＤ－０９", BD09),
    ],
)
def test_it_reads_coordinate_system_names(name, expected):
    assert normalise_crs(name) == expected


@pytest.mark.parametrize("name", ["UTM", "BD09MC", "西安80", "3857"])
def test_an_unknown_coordinate_system_is_refused(name):
    with pytest.raises(ValueProblem, match="无法识别的坐标系"):
        to_wgs84(125.3, 43.9, name)


def test_wgs84_passes_through_unchanged():
    assert to_wgs84(125.3, 43.9, "WGS84") == (125.3, 43.9)
    assert from_wgs84(125.3, 43.9, "wgs84") == (125.3, 43.9)


def test_in_china_uses_a_rough_box():
    assert in_china(125.3245, 43.8868)
    assert not in_china(43.8868, 125.3245)
    assert not in_china(2.35, 48.85)
    assert not in_china(math.nan, 40.0)


def test_swapped_coordinates_are_pointed_out():
    with pytest.raises(ValueProblem) as caught:
        check_in_china(43.8868, 125.3245)
    assert "填反" in caught.value.message_zh
    assert "swapped" in caught.value.message_en


def test_a_point_far_away_is_refused_with_the_bounds():
    with pytest.raises(ValueProblem, match="不在中国境内"):
        check_in_china(0, 0)
    assert check_in_china(125.3245, 43.8868) == (125.3245, 43.8868)


@given(longitudes, latitudes)
def test_gcj02_round_trips(lng, lat):
    assert _close(gcj02_to_wgs84(*wgs84_to_gcj02(lng, lat)), (lng, lat), ROUND_TRIP)
    assert _close(wgs84_to_gcj02(*gcj02_to_wgs84(lng, lat)), (lng, lat), ROUND_TRIP)


@given(longitudes, latitudes)
def test_bd09_round_trips(lng, lat):
    assert _close(bd09_to_gcj02(*gcj02_to_bd09(lng, lat)), (lng, lat), ROUND_TRIP)
    assert _close(gcj02_to_bd09(*bd09_to_gcj02(lng, lat)), (lng, lat), ROUND_TRIP)


@given(longitudes, latitudes, st.sampled_from(["WGS84", "GCJ-02", "bd09", "火星坐标", "百度"]))
def test_to_and_from_wgs84_round_trip_in_every_system(lng, lat, crs):
    assert _close(to_wgs84(*from_wgs84(lng, lat, crs), crs), (lng, lat), ROUND_TRIP)


@given(longitudes, latitudes)
def test_the_offsets_stay_within_a_kilometre_or_so(lng, lat):
    # GCJ02 moves points by a few hundred metres; anything larger would be a bug.
    shifted = from_wgs84(lng, lat, "BD09")
    assert _close(shifted, (lng, lat), 0.02)
