"""The bulletin's sentences, written by templates over rounded figures (no invented text).

Pure: no Django. Each function takes figures already rounded by :mod:`.numbers` and
returns a sentence in the register of a 调度通报: 「截至6月底，固定资产投资完成55.8亿元，
完成年度目标222.5亿元的25.1%，低于序时进度24.9个百分点，低于计划曲线11.4个百分点。」
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from shigongtu.bulletins.numbers import text

LIGHT_WORDS = {
    "red": "红灯", "yellow": "黄灯", "green": "绿灯", "done": "已完成", "pending": "未开始", "cancelled": "已取消",
}
LIGHT_ORDER = ("done", "green", "yellow", "red", "pending")  # how a bulletin lists task lights
CN_ORDINALS = "一二三四五六七八九十"


def light_word(light: str) -> str:
    """红灯, 黄灯 … for a light (the light itself when unknown)."""
    return LIGHT_WORDS.get(light, light)


def ordinal(n: int) -> str:
    """一, 二, … 十, 十一 … 二十: the numbering of headings (1-based)."""
    if n <= 10:
        return CN_ORDINALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CN_ORDINALS[tens - 1]
    return f"{head}十{CN_ORDINALS[ones - 1] if ones else ''}"


def month_end(month: int, year: int | None = None) -> str:
    """截至6月底 / 截至2023年6月底."""
    return f"截至{year}年{month}月底" if year else f"截至{month}月底"


def compare(gap: Decimal, what: str) -> str:
    """高于序时进度2.1个百分点 / 低于计划曲线11.4个百分点 / 与序时进度持平."""
    if gap > 0:
        return f"高于{what}{text(gap)}个百分点"
    if gap < 0:
        return f"低于{what}{text(-gap)}个百分点"
    return f"与{what}持平"


def growth(rate: Decimal | None) -> str:
    """同比增长5.2% / 同比下降3.1% / 与上年同期持平; empty without a comparison."""
    if rate is None:
        return ""
    if rate > 0:
        return f"同比增长{text(rate)}%"
    if rate < 0:
        return f"同比下降{text(-rate)}%"
    return "与上年同期持平"


def indicator(name: str, kind: str, actual: str, target: str, completion: Decimal, vs_linear: Decimal,
              vs_curve: Decimal | None, yoy: Decimal | None, done: bool) -> str:
    """One indicator's clause (without the leading 截至…): 「固定资产投资完成55.8亿元，完成年度目标
    222.5亿元的25.1%，低于序时进度24.9个百分点，低于计划曲线11.4个百分点」."""
    verb = "达到" if kind == "stock" else "完成"
    parts = [f"{name}{verb}{actual}"]
    if done:
        parts.append(f"已完成年度目标{target}（完成率{text(completion)}%）")
    else:
        parts.append(f"完成年度目标{target}的{text(completion)}%")
        parts.append(compare(vs_linear, "序时进度"))
        if vs_curve is not None:
            parts.append(compare(vs_curve, "计划曲线"))
    if yoy is not None:
        parts.append(growth(yoy))
    return "，".join(parts)


def counted(items: Sequence[tuple[str, int]], unit: str = "项") -> str:
    """「已完成3项、绿灯20项、黄灯5项」 from (label, count), leaving out zeros."""
    return "、".join(f"{label}{n}{unit}" for label, n in items if n)


def listing(names: Sequence[str], limit: int = 8, unit: str = "项") -> str:
    """「A、B、C」, or 「A、B……等12项」 past ``limit`` names."""
    if len(names) <= limit:
        return "、".join(names)
    return "、".join(names[:limit]) + f"等{len(names)}{unit}"


def short_title(title: str, limit: int = 24) -> str:
    """A front's name as sentences use it: the part before its colon (项目建设战线), or the
    title cut at ``limit`` characters with an ellipsis."""
    for sep in ("：", ":"):
        head = title.split(sep, 1)[0].strip()
        if sep in title and 0 < len(head) <= limit:
            return head
    return title if len(title) <= limit else title[: limit - 1] + "…"


def ensure_period(sentence: str) -> str:
    """End a sentence with 。 unless it already ends with sentence punctuation."""
    sentence = sentence.rstrip()
    return sentence if not sentence or sentence[-1] in "。！？；：" else sentence + "。"


def issue_title(plan_name: str, year: int, month: int) -> str:
    """「关于2023年6月份净月高新区总施工图推进情况的通报」: the plan's name loses its own year."""
    name = plan_name.replace(f"{year}年度", "").replace(f"{year}年", "").strip() or plan_name
    return f"关于{year}年{month}月份{name}推进情况的通报"


def opening(plan_name: str, year: int, month: int) -> str:
    return (f"为全面掌握{plan_name}推进情况，压实工作责任，现将{month_end(month, year)}"
            "各战线任务、重点指标推进情况通报如下：")


def number_label(number: int | None) -> str:
    """第6期, or 草稿 before the bulletin is issued."""
    return f"第{number}期" if number else "（草稿）"
