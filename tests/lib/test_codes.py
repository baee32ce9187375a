"""统一社会信用代码 (GB 32100-2015) and 全国统一项目代码."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shigongtu.lib.codes import (
    CREDIT_CODE_CHARSET,
    PROVINCE_PREFIXES,
    credit_code_check_char,
    make_project_code,
    validate_credit_code,
    validate_project_code,
)
from shigongtu.lib.errors import ValueProblem

bodies = st.text(alphabet=CREDIT_CODE_CHARSET, min_size=17, max_size=17)


def _code(body: str) -> str:
    return body + credit_code_check_char(body)


# Published codes of well-known companies: the algorithm must agree with the registry.
@pytest.mark.parametrize(
    "code", ["91350100M000100Y43", "914403001922038216", "9144030071526726XG", "91330100799655058B"]
)
def test_it_accepts_real_credit_codes(code):
    assert validate_credit_code(code) == code


def test_it_normalises_case_width_and_spaces():
    assert validate_credit_code(" 9144030071526726xg ") == "9144030071526726XG"
    assert validate_credit_code("９１４４０３００７１５２６７２６ＸＧ") == "9144030071526726XG"


def test_a_wrong_check_character_says_which_is_expected():
    with pytest.raises(ValueProblem) as caught:
        validate_credit_code("91350100M000100Y44")
    assert "应为“3”" in caught.value.message_zh
    assert "should be 3, not 4" in caught.value.message_en


def test_a_wrong_length_is_counted():
    with pytest.raises(ValueProblem, match=r"应为18位.*为17位"):
        validate_credit_code("91350100M000100Y4")


def test_a_forbidden_letter_is_named_with_its_lookalike():
    with pytest.raises(ValueProblem) as caught:
        validate_credit_code("91350100M0001O0Y43")
    assert "第14位“O”" in caught.value.message_zh
    assert "“0”" in caught.value.message_zh


@pytest.mark.parametrize("code", ["", "   ", None])
def test_an_empty_credit_code_is_refused(code):
    with pytest.raises(ValueProblem, match="为空"):
        validate_credit_code(code)


def test_the_check_character_needs_seventeen_valid_characters():
    with pytest.raises(ValueProblem):
        credit_code_check_char("9135")
    with pytest.raises(ValueProblem):
        credit_code_check_char("91350100M000100YI")


@given(bodies)
def test_a_body_with_its_check_character_is_valid(body):
    assert validate_credit_code(_code(body)) == _code(body)


@given(bodies, st.integers(min_value=0, max_value=17), st.sampled_from(CREDIT_CODE_CHARSET))
def test_any_single_wrong_character_is_caught(body, position, char):
    code = _code(body)
    if code[position] == char:
        return
    with pytest.raises(ValueProblem):
        validate_credit_code(code[:position] + char + code[position + 1 :])


@given(bodies, st.integers(min_value=0, max_value=15))
def test_swapping_two_neighbours_is_caught(body, position):
    code = _code(body)
    if code[position] == code[position + 1]:
        return
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    with pytest.raises(ValueProblem):
        validate_credit_code(swapped)


def test_it_accepts_a_well_shaped_project_code():
    assert validate_project_code("2023-220104-48-01-123456") == "2023-220104-48-01-123456"


def test_it_forgives_full_width_dashes_and_missing_hyphens():
    assert (
        validate_project_code("２０２３－２２０１０４－４８－０１－１２３４５６")
        == "2023-220104-48-01-123456"
    )
    assert validate_project_code("20232201044801123456") == "2023-220104-48-01-123456"


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("2023-220104-48-01-12345", "24位"),
        ("2023-220104-48-01-12345X", "24位"),
        ("2023/220104/48/01/123456", "24位"),
        ("1999-220104-48-01-123456", "年份1999"),
        ("2023-990104-48-01-123456", "地区码990104"),
        ("2023-000000-48-01-123456", "地区码000000"),
        ("", "为空"),
    ],
)
def test_a_badly_shaped_project_code_is_refused(code, says):
    with pytest.raises(ValueProblem, match=says):
        validate_project_code(code)


def test_made_project_codes_have_the_expected_parts():
    assert make_project_code(2023, "220104", 7) == "2023-220104-48-01-000007"
    assert make_project_code(2024, 220102, 999_999, industry=78, kind=2) == "2024-220102-78-02-999999"
    with pytest.raises(ValueError):
        make_project_code(2023, 220104, 1_000_000)


@given(
    st.integers(min_value=2000, max_value=2099),
    st.sampled_from(sorted(PROVINCE_PREFIXES)),
    st.integers(min_value=0, max_value=9999),
    st.integers(min_value=0, max_value=999_999),
)
def test_made_project_codes_always_validate(year, province, district, seq):
    code = make_project_code(year, province * 10_000 + district, seq)
    assert len(code) == 24
    assert validate_project_code(code) == code
