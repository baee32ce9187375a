"""Building lead ledgers and leads in tests."""

from __future__ import annotations

from typing import Any

from shigongtu.ledgers.engine import import_ledger
from shigongtu.lib.codes import credit_code_check_char

HEADER = ["编号", "项目名称", "投资方", "招商方式", "所属产业", "协议投资额", "阶段", "签约日期", "注册日期", "开工日期",
          "投产日期", "到位资金", "责任单位", "责任领导"]


def credit(body: str = "91220101MA0Y12345") -> str:
    return body + credit_code_check_char(body)


def run(cast: Any, data: bytes, name: str = "招商台账.xlsx", **kw: Any) -> Any:
    return import_ledger(data, name, "leads", cast.plan, None, **kw)


def sample_rows() -> list[list[Any]]:
    return [
        ["ZS-1", "示例：长光卫星配套产业园", "示例投资公司甲", "产业链招商", "光电信息", 50000, "开工", "2023-02-10",
         "2023-03-01", "2023-05-20", None, 12000, "项目服务中心", "示例领导"],
        ["ZS-2", "示例：数字经济总部", "示例投资公司乙", "以商招商", "数字经济", "2.5亿", "签约", "2023/4/8", None, None,
         None, 3000, None, None],
        ["ZS-3", "示例：生物医药研发中心", "示例投资公司丙", "叩门招商", "生物医药", 8000, "在谈", None, None, None, None,
         None, None, None],
        ["ZS-4", "示例：冰雪装备制造", "示例投资公司丁", "联合招商", "冰雪", 20000, "投产", "2022-11-01", "2022-12-01",
         "2023-01-05", "2023-06-30", 20000, None, None],
    ]
