"""The bounds every input lives within (lib.bounds), the formula rule (lib.sheets) and file names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shigongtu.ledgers.uploads import safe_filename
from shigongtu.lib.bounds import bounded, check_date, check_text, control_characters
from shigongtu.lib.errors import ValueProblem
from shigongtu.lib.periods import parse_date
from shigongtu.lib.sheets import starts_like_formula


def test_a_figure_is_judged_as_stored():
    assert bounded(Decimal("0.00001")) == 0
    assert bounded(Decimal("1.23456")) == Decimal("1.2346")
    with pytest.raises(ValueProblem):
        bounded(Decimal("1e30"))
    with pytest.raises(ValueProblem):
        bounded(Decimal("NaN"))
    with pytest.raises(ValueProblem):
        bounded(Decimal(-1), minimum=0)


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_bounded_either_answers_within_bounds_or_refuses(number):
    try:
        value = bounded(number)
    except ValueProblem:
        return
    assert abs(value) <= Decimal(10) ** 12 and value.as_tuple().exponent >= -4


def test_dates_live_within_1900_and_2100():
    assert check_date(dt.date(2023, 6, 30)) == dt.date(2023, 6, 30)
    for day in (dt.date(1, 1, 1), dt.date(9999, 12, 31)):
        with pytest.raises(ValueProblem):
            check_date(day)
        with pytest.raises(ValueProblem):
            parse_date(day)


@pytest.mark.parametrize("text", ["a\x00b", "\x1b[31m", "x\u202ey", "\x7f"])
def test_control_characters_are_refused(text):
    with pytest.raises(ValueProblem):
        check_text(text)


def test_tabs_and_line_breaks_stay():
    assert check_text("第一行\n第二行\t完") == "第一行\n第二行\t完"


def test_control_characters_are_found_with_their_field_path():
    assert list(control_characters({"values": {"开工": "1\x00"}, "ok": ["a"]})) == [("values.开工", "1\x00")]


@pytest.mark.parametrize("text", ["=1+1", "+86", "-3", "@SUM(A1)", "\t=x"])
def test_formula_like_text_is_recognised(text):
    assert starts_like_formula(text)


@pytest.mark.parametrize("name,clean", [
    ("..\\..\\windows\\台账.xlsx", "台账.xlsx"),
    ("/etc/passwd", "passwd"),
    ("报表\u202excslx.exe", "报表xcslx.exe"),
    ("", "upload"),
    ("..", "upload"),
])
def test_file_names_are_sanitised_in_one_place(name, clean):
    assert safe_filename(name) == clean
