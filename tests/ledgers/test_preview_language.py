"""The import preview speaks one language: in English no Chinese is left in its chrome (warnings,
the column-mapping dropdown, the change list's field names, the check's outcome), only the
user's own cell values; in Chinese its field names are Chinese (never a model's field name)."""

from __future__ import annotations

import html
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from shigongtu.plans import services as plan_services
from shigongtu.projects.models import Project
from shigongtu.projects.services.bonds import save_bond
from tests.ledgers.helpers import xlsx

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
NOW = "2023-07-10 10:00 +0800"


@pytest.fixture(autouse=True)
def _july():
    with time_machine.travel(NOW, tick=False):
        yield


def _project(cast, code="P-1", name="长春市算力中心"):
    return Project.objects.create(plan=cast.plan, code=code, name=name, annual_plan=Decimal("8000"),
                                  total_investment=Decimal("10000"), stage="前期")


def _indicator(cast):
    plan_services.save_indicator(cast.node("1.1"), {"name": "新开工项目数", "unit": "个", "kind": "flow",
                                                     "target": 10, "cumulative": True}, None)


COUNTY = [  # a county sheet: title month unlike the one given, a column the kind does not know
    ["净月高新区重点项目建设情况调度表（截至2023年5月底）"],
    ["序号", "项目名称", "项目业主", "投资情况", None, "项目阶段", "是否入统", "挂点领导", "投资总额", "投资完成率"],
    [None, None, None, "总投资（亿元）", "2023年计划投资（万元）", None, None, None, None, None],
    [1, "长春市算力中心", "吉林省算力科技有限公司", 1.5, 9000, "前期手续办理", "已纳统，MA3MAC819371326001",
     "王副主任", 500, "80%"],
    [2, "净月未来城数据中心", None, 3.2, 5000, "建设阶段", "否", None, None, None],
]
# kind → (what the plan needs first, the file's rows)
CASES = {
    "projects": (_project, COUNTY),
    "approvals": (_project, [["项目编号", "项目名称", "手续类型", "是否必需", "办理状态", "批复文号", "批复日期"],
                             ["P-1", "长春市算力中心（二期）", "立项（核准）", "是", "已取得", "长发改核〔2023〕5号",
                              "2023-05-06"]]),
    "bonds": (lambda cast: save_bond(_project(cast), {"requested_amount": "5000"}),
              [["项目编号", "状态", "申请额度", "用作资本金", "收益覆盖倍数", "备注"],
               ["P-1", "储备申报", "1.2亿", "是", 1.3, "一案两书已齐"]]),
    "reports": (_indicator, [["编号", "填报月份", "进度", "本月进展", "新开工项目数", "未知指标"],
                             ["1.1", "2023-06", "60%", "三个项目开工", 3, 1]]),
    "statistics": (_indicator, [["编号", "指标名称", "统计期", "本期值", "同比增长"],
                                ["1.1", "新开工项目数", "2023-05", 6, "5%"], ["1.1", "新开工项目数", "2023-06", 4, 1]]),
    "nodes": (None, [["编号", "任务名称", "牵头单位", "权重", "状态", "指标名称", "目标值", "单位"],
                     ["1.1", "春季开工（调整）", "项目服务中心", 3, "正常", "开工面积", "50", "万平方米"]]),
}


def _preview(cast, kind, language):
    setup, rows = CASES[kind]
    if setup is not None:
        setup(cast)
    client = cast.client("coordinator")
    client.cookies["django_language"] = language
    upload = client.post("/plans/JY-T/ledgers/upload", {
        "kind": kind, "period": "2023-06" if kind == "projects" else "",
        "file": SimpleUploadedFile("台账.xlsx", xlsx(rows))})
    assert upload.status_code == 302, upload.content[:500]
    page = client.get(upload.url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    return page, rows


def _own(cast, rows):
    """The user's own words: every cell of the file, the plan's and units' names, the file's name."""
    cells = {str(v) for row in rows for v in row if v is not None}
    wb = load_workbook(io.BytesIO(xlsx(rows)))
    cells |= {str(c) for r in wb.active.iter_rows(values_only=True) for c in r if c is not None}
    cells |= set(Project.objects.values_list("name", flat=True))
    return cells | {cast.plan.name, cast.zone.name, cast.dept.name, cast.other_dept.name, cast.city.name, "台账.xlsx"}


def chrome(page, own):
    """The page's text without its markup, the marked values (class="value") and the user's words."""
    body = page.split("<main", 1)[-1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r'<(span|del|td) class="[^"]*\bvalue\b[^"]*"[^>]*>.*?</\1>', " ", body, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    for word in sorted(own, key=len, reverse=True):
        text = text.replace(word, " ")
    return text


@pytest.mark.parametrize("kind", CASES)
def test_the_preview_in_english_has_no_chinese_but_the_users_own(cast, kind):
    page, rows = _preview(cast, kind, "en")
    left = CJK.findall(chrome(page, _own(cast, rows)))
    assert not left, " ".join(left)


@pytest.mark.parametrize("kind", CASES)
def test_the_preview_in_chinese_names_fields_in_chinese(cast, kind):
    page, _ = _preview(cast, kind, "zh-hans")
    fields = re.findall(r"<strong>([^<]*)</strong>", page.split("字段：原值", 1)[-1])
    assert fields and not [f for f in fields if re.fullmatch(r"[A-Za-z_ :]+", f)], fields
