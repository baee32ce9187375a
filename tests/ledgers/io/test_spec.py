import pytest

from shigongtu.ledgers.io import Column, LedgerSpec, normalize_header

from .files import NODES


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("完成时限（截止日期）", "完成时限"),
        ("目标值(亿元)", "目标值"),
        ("金额[万元]", "金额"),
        ("单位【必填】", "单位"),
        ("  Lead Unit ", "leadunit"),
        ("开始\u3000时间", "开始时间"),
        ("牵头\n单位", "牵头单位"),
        ("ＣＯＤＥ", "code"),
        ("编号\ufeff", "编号"),
        ("总投资（万元）（注）", "总投资"),
    ],
)
def test_header_text_is_compared_without_whitespace_case_or_trailing_notes(written, normal):
    assert normalize_header(written) == normal


def test_a_header_that_is_only_a_note_keeps_its_text():
    assert normalize_header("（备注）") == "(备注)"


def test_a_bracket_in_the_middle_is_part_of_the_name():
    assert normalize_header("指标(一)名称") == "指标(一)名称"


def canonical(header: object) -> str | None:
    column = NODES.match(header)
    return column.canonical if column else None


def test_spec_matches_canonical_names_and_aliases_in_any_form():
    assert canonical("编号") == "编号"
    assert canonical("CODE") == "编号"
    assert canonical("Lead unit") == "牵头单位"
    assert canonical("责任单位（全称）") == "牵头单位"
    assert canonical("完成时限（截止日期）") == "完成时限"
    assert canonical("序号") is None
    assert canonical(None) is None


def test_required_columns_are_listed_in_order():
    assert [c.canonical for c in NODES.required] == ["编号", "任务名称"]


def test_an_alias_claimed_by_two_columns_is_a_programming_error():
    with pytest.raises(ValueError, match="both"):
        LedgerSpec("x", "x", (Column("编号", ("code",)), Column("代码", ("Code",))))
