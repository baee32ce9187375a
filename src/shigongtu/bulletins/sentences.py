"""The bulletin's sentences, written by templates over rounded figures (no invented text).

Pure: no Django. Each function takes figures already rounded by :mod:`.numbers` and
returns a sentence in the register of a 调度通报: 「截至6月底，固定资产投资完成55.8亿元，
完成年度目标222.5亿元的25.1%，低于序时进度24.9个百分点，低于计划曲线11.4个百分点。」
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class IndicatorFigures:
    """One indicator's printed figures (strings and rounded Decimals from :mod:`.numbers`).

    ``actual``/``target``/``delta``/``goal``/``shortfall`` carry their unit (「55.8亿元」);
    ``delta`` and ``goal`` are a stock's change from its baseline and the change its target
    asks for; ``vs_linear`` is None where 序时 does not apply (stocks, rates), ``vs_curve``
    None without a plan curve; ``vs_target`` is a rate's gap to its target in points.
    """

    name: str
    kind: str
    actual: str
    target: str
    completion: Decimal
    vs_linear: Decimal | None = None
    vs_curve: Decimal | None = None
    yoy: Decimal | None = None
    done: bool = False
    delta: Decimal | None = None
    goal: str = ""
    unit: str = ""
    reduction: bool = False
    rate: Decimal | None = None
    vs_target: Decimal | None = None
    has_value: bool = True
    after_due: bool = False
    due: str = ""
    shortfall: str = ""


def _rate_subject(name: str) -> tuple[str, bool]:
    """(subject, is_growth): 「销售额同比增长」 → (「销售额」, True); 「开工率」 → (「开工率」, False)."""
    for word in ("同比增长", "同比增速", "增长率", "增速", "增长", "增幅"):
        if word in name:
            return name.replace(word, "").strip() or name, True
    return name, False


def _rate_head(f: IndicatorFigures) -> str:
    subject, growing = _rate_subject(f.name)
    if f.rate is None:
        return f"{f.name}暂无数据"
    if growing:
        return subject + (growth(f.rate) if f.rate != 0 else "与上年同期持平")
    return f"{subject}为{text(f.rate)}%"


def _stock_head(f: IndicatorFigures) -> str:
    if f.delta is None:
        return f"{f.name}达到{f.actual}"
    change = f"较年初净增{text(f.delta)}{f.unit}" if f.delta >= 0 else f"较年初净减{text(-f.delta)}{f.unit}"
    goal = "年度压减目标" if f.reduction else "年度净增目标"
    return f"{f.name}达到{f.actual}，{change}，完成{goal}{f.goal}的{text(f.completion)}%"


def indicator(f: IndicatorFigures) -> str:
    """One indicator's clause (without the leading 截至…), worded by its kind:

    - flow 「固定资产投资完成55.8亿元，占年度目标222.5亿元的25.1%，低于序时进度24.9个百分点」
      (and 计划进度 where a plan curve is set);
    - stock 「高新技术企业达到452家，较年初净增50家，完成年度净增目标98家的51.0%」 (no 序时:
      firms are recognised in batches);
    - rate 「销售额同比增长28.0%，低于目标2.0个百分点」;
    - after its due date 「…，已完成」 or 「…，未完成（差3个）」.
    """
    if f.kind == "rate":
        parts = [_rate_head(f)]
        if f.vs_target is not None and not f.after_due:
            parts.append("达到目标" if f.vs_target == 0 else compare(f.vs_target, "目标"))
    elif f.kind == "stock":
        parts = [_stock_head(f)]
    else:
        parts = [f"{f.name}完成{f.actual}，占年度目标{f.target}的{text(f.completion)}%"]
    if f.after_due:
        parts.append(f"完成时限{f.due}，已完成" if f.done else f"完成时限{f.due}，未完成（差{f.shortfall}）")
    elif f.done and f.kind != "rate":
        parts.append("已完成年度目标")
    elif f.has_value or f.kind != "rate":
        if f.vs_linear is not None:
            parts.append(compare(f.vs_linear, "序时进度"))
        if f.vs_curve is not None:
            parts.append(compare(f.vs_curve, "计划进度"))
    if f.yoy is not None and f.kind == "flow":
        parts.append(growth(f.yoy))
    return "，".join(parts)


def starts(new: int, started: int, start_rate: Decimal | None, going: int, resumed: int,
           resume_rate: Decimal | None) -> str:
    """「计划新开工12个、已开工8个，开工率66.7%；续建项目10个、已复工9个，开复工率77.3%」
    (a rate is left out when there is nothing to divide by)."""
    head = f"计划新开工{new}个、已开工{started}个"
    head += f"，开工率{text(start_rate)}%" if start_rate is not None else ""
    tail = f"续建项目{going}个、已复工{resumed}个"
    tail += f"，开复工率{text(resume_rate)}%" if resume_rate is not None else ""
    return f"{head}；{tail}"


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
