"""Credit codes and a small registry for the enterprise tests."""

from __future__ import annotations

from typing import Any

import pytest

from shigongtu.lib.codes import credit_code_check_char
from tests.conftest import Cast


def code(n: int) -> str:
    """A valid 统一社会信用代码 (GB 32100 check character), the n-th of the tests."""
    body = f"91220101MA{n:07d}"
    return body + credit_code_check_char(body)


HEADER = ["企业名称", "统一社会信用代码", "梯度类别", "状态", "认定日期", "有效期至", "证书编号", "所属行业", "包保领导"]


def ledger_rows() -> list[list[Any]]:
    """示例 (illustrative) firms: two 高企 (one expiring soon), a 专精特新 in the pool, a 小巨人."""
    return [
        HEADER,
        ["示例甲科技有限公司", code(1), "高企", None, "2021-12-15", None, "GR202122000001", "软件和信息技术服务", "张示例"],
        ["示例乙生物有限公司", code(2), "高新技术企业", "已认定", "2023-03-20", None, "GR202322000002", "生物医药", ""],
        ["示例乙生物有限公司", code(2), "专精特新", "培育库", None, None, None, "生物医药", ""],
        ["示例丙装备有限公司", code(3), "小巨人", "已认定", "2022-07-01", "2025-06-30", None, "高端装备", "李示例"],
    ]


@pytest.fixture
def registry(cast: Cast) -> Cast:
    """The cast with the four rows above imported into its plan's unit."""
    from shigongtu.ledgers.engine import import_ledger
    from tests.ledgers.helpers import xlsx

    result = import_ledger(xlsx(ledger_rows()), "tiers.xlsx", "enterprises", cast.plan, cast.coordinator)
    assert result.ok, result.as_dict()["errors"]
    return cast
