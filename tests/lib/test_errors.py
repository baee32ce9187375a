"""ValueProblem: one error, two languages."""

from shigongtu.lib.errors import ValueProblem, shown


def test_it_reads_as_chinese_and_keeps_english():
    problem = ValueProblem("无法识别的日期：2023-13-01", "not a date: 2023-13-01")

    assert str(problem) == "无法识别的日期：2023-13-01"
    assert problem.message_zh == "无法识别的日期：2023-13-01"
    assert problem.message_en == "not a date: 2023-13-01"


def test_it_is_a_value_error():
    assert isinstance(ValueProblem("错", "wrong"), ValueError)


def test_shown_trims_and_shortens_long_values():
    assert shown("  2023-13-01 ") == "2023-13-01"
    assert shown("x" * 100) == "x" * 39 + "…"
    assert shown(12.5) == "12.5"
    assert shown("") == '""'
