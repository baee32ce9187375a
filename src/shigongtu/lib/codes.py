"""Identity codes on the project record: the owner's 统一社会信用代码 and the 全国统一项目代码."""

from __future__ import annotations

import operator
import re
import unicodedata
from typing import Final

from .errors import ValueProblem, shown

# GB 32100-2015: 31 characters, the digits and the capitals without I, O, Z, S, V (too easily
# read as 1, 0, 2, 5, U).
CREDIT_CODE_CHARSET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS: Final = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE: Final = {char: index for index, char in enumerate(CREDIT_CODE_CHARSET)}
_LOOKALIKES: Final = {"I": "1", "O": "0", "Z": "2", "S": "5", "V": "U"}

# First two digits of the GB/T 2260 administrative division codes, by region: 华北 11–15,
# 东北 21–23, 华东 31–37, 中南 41–46, 西南 50–54, 西北 61–65, then 台湾 71, 香港 81, 澳门 82.
PROVINCE_PREFIXES: Final = frozenset(
    [
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
    ]
)
_PROJECT_CODE: Final = re.compile(
    r"(?P<year>[0-9]{4})-(?P<region>[0-9]{6})-(?P<industry>[0-9]{2})-(?P<kind>[0-9]{2})-(?P<seq>[0-9]{6})"
)
_PROJECT_CODE_EXAMPLE: Final = "2023-220104-48-01-123456"
_DASHES: Final = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-"})


def _normalise(code: str) -> str:
    """Fold full-width characters, drop whitespace, upper-case."""
    if code.isascii() and code.isalnum():  # the usual case, already clean: skip the folding
        return code.upper()
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", code)).translate(_DASHES).upper()


def _bad_char(code: str, position: int, char: str) -> ValueProblem:
    hint_zh = hint_en = ""
    if char in _LOOKALIKES:
        hint_zh = f"，是否应为“{_LOOKALIKES[char]}”"
        hint_en = f"; did you mean {_LOOKALIKES[char]}?"
    return ValueProblem(
        f"统一社会信用代码{code}第{position}位“{char}”不是允许的字符"
        f"（只用数字和大写字母，不用I、O、Z、S、V{hint_zh}）",
        f"credit code {code}: character {position} {char!r} is not allowed"
        f" (digits and capitals except I, O, Z, S, V{hint_en})",
    )


def credit_code_check_char(first17: str) -> str:
    """The 18th (check) character of a 统一社会信用代码 whose first 17 characters are given."""
    body = _normalise(first17)
    if len(body) != 17:
        raise ValueProblem(
            f"计算校验位需要17位代码，{shown(first17)}为{len(body)}位",
            f"the check character needs 17 characters, {shown(first17)} has {len(body)}",
        )
    for position, char in enumerate(body, start=1):
        if char not in _VALUE:
            raise _bad_char(body, position, char)
    return _check_char(body)


def _check_char(body: str) -> str:
    total = sum(map(operator.mul, map(_VALUE.__getitem__, body), CREDIT_CODE_WEIGHTS))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def validate_credit_code(code: str) -> str:
    """Check a 统一社会信用代码 (GB 32100-2015) and return it normalised.

    Full-width characters, spaces and lower case are forgiven; the result is 18 upper-case
    characters. Wrong length, a character outside the code's alphabet, or a check character
    that does not match raise :class:`ValueProblem` saying which. The organisation code
    embedded in characters 9–17 has its own check character (GB 11714), which is not verified.
    """
    if not isinstance(code, str) or not code.strip():
        raise ValueProblem("统一社会信用代码为空", "credit code is empty")
    normal = _normalise(code)
    if len(normal) != 18:
        raise ValueProblem(
            f"统一社会信用代码应为18位，{shown(code)}为{len(normal)}位",
            f"a credit code has 18 characters, {shown(code)} has {len(normal)}",
        )
    for position, char in enumerate(normal, start=1):
        if char not in _VALUE:
            raise _bad_char(normal, position, char)
    expected = _check_char(normal[:17])
    if normal[17] != expected:
        raise ValueProblem(
            f"统一社会信用代码{normal}校验位不符：第18位应为“{expected}”，实为“{normal[17]}”，请核对是否抄错",
            f"credit code {normal}: check character should be {expected}, not {normal[17]}; "
            "please check it for typos",
        )
    return normal


def validate_project_code(code: str) -> str:
    """Check the shape of a 全国统一项目代码 and return it normalised.

    The code is issued by the 投资项目在线审批监管平台 as ``YYYY-RRRRRR-NN-NN-NNNNNN``
    (24 characters: year, 6-digit region, two 2-digit groups, 6 digits); the 20 digits without
    hyphens are accepted and hyphenated. The last digit is said
    to be a check digit, but no algorithm for it is published in our sources, so only the shape
    is validated: digits and hyphens in place, year 2000–2099, region starting with a real
    province prefix.
    """
    if not isinstance(code, str) or not code.strip():
        raise ValueProblem("项目代码为空", "project code is empty")
    normal = _normalise(code)
    if re.fullmatch(r"[0-9]{20}", normal):  # written without its hyphens
        normal = "-".join((normal[:4], normal[4:10], normal[10:12], normal[12:14], normal[14:]))
    match = _PROJECT_CODE.fullmatch(normal)
    if match is None:
        raise ValueProblem(
            f"项目代码格式不对：{shown(code)}（应为24位，由数字和“-”组成，如{_PROJECT_CODE_EXAMPLE}）",
            f"not a national project code: {shown(code)} "
            f"(24 characters, digits and hyphens, like {_PROJECT_CODE_EXAMPLE})",
        )
    year = int(match["year"])
    if not 2000 <= year <= 2099:
        raise ValueProblem(
            f"项目代码{normal}的年份{year}不在2000–2099之间",
            f"project code {normal}: year {year} is not within 2000–2099",
        )
    if int(match["region"][:2]) not in PROVINCE_PREFIXES:
        raise ValueProblem(
            f"项目代码{normal}的地区码{match['region']}不是有效的行政区划代码",
            f"project code {normal}: {match['region']} is not a valid region code",
        )
    return normal


def make_project_code(year: int, region: str | int, seq: int, *, industry: int = 48, kind: int = 1) -> str:
    """Build a well-shaped 全国统一项目代码 for synthetic and demo data.

    ``region`` is a 6-digit division code (220104 is 长春市朝阳区), ``seq`` the last 6 digits;
    ``industry`` (default 48, 土木工程建筑业) and ``kind`` fill the two middle groups. The result
    passes :func:`validate_project_code` but is not a real project's code.
    """
    if not 0 <= seq <= 999_999 or not 0 <= industry <= 99 or not 0 <= kind <= 99:
        raise ValueError(f"code parts out of range: seq={seq}, industry={industry}, kind={kind}")
    code = f"{year:04d}-{int(region):06d}-{industry:02d}-{kind:02d}-{seq:06d}"
    return validate_project_code(code)
