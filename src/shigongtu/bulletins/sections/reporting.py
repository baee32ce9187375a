"""月报报送情况: who had to report for the month and who did by the deadline (按时报送率)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from shigongtu.bulletins import numbers as N
from shigongtu.bulletins import sentences as S
from shigongtu.bulletins.blocks import NUMBER, Column, Section, Table
from shigongtu.bulletins.facts import Facts
from shigongtu.lib.periods import format_date_zh


def build(facts: Facts, figures: dict[str, Any]) -> Section:
    """On-time reporting by lead unit: the live leaves expected to report for the month (started
    by its end and not already done before it), reported by the deadline day of the next
    month, late, or missing (named)."""
    sec = Section("reporting", "月报报送情况")
    record = facts.reporting  # the one 按时报送率 (plans.selectors.reporting_record), as the dashboard ranks it
    deadline = record.deadline
    by_unit: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"expected": [], "on_time": [], "late": [],
                                                                    "missing": []})
    for filing in record.filings:
        slot = by_unit[facts.unit(filing.node_id) or "未明确牵头单位"]
        slot["expected"].append(filing.code)
        slot[filing.status].append(filing.code)
    totals = {k: sum(len(v[k]) for v in by_unit.values()) for k in ("expected", "on_time", "late", "missing")}
    rate = N.percent(record.rate) if record.rate is not None else None
    figures["reporting"] = {**totals, "rate": N.text(rate), "deadline": deadline.isoformat()}
    if not totals["expected"]:
        sec.para(f"{facts.period.month}月份没有需要报送月报的末级任务。")
        return sec
    text = (f"按照每月{facts.plan.report_deadline_day}日前报送上月进展的要求，{facts.period.month}月份应报送月报的"
            f"末级任务{totals['expected']}项，截至{format_date_zh(deadline)}按时报送{totals['on_time']}项，"
            f"按时报送率{N.text(rate)}%")
    tail = S.counted([("逾期报送", totals["late"]), ("未报送", totals["missing"])])
    sec.para(text + (f"；{tail}。" if tail else "，全部按时报送。"))
    laggards = [(u, v) for u, v in sorted(by_unit.items()) if v["missing"] or v["late"]]
    if laggards:
        parts = []
        for unit, v in laggards:
            bits = []
            if v["missing"]:
                bits.append(f"未报送{len(v['missing'])}项：{S.listing(v['missing'], 6)}")
            if v["late"]:
                bits.append(f"逾期报送{len(v['late'])}项")
            parts.append(f"{unit}（{'；'.join(bits)}）")
        sec.para("未按时报送的单位：" + "；".join(parts) + "。请相关单位及时补报，并严格落实月报报送制度。")
    rows = []
    for unit, v in sorted(by_unit.items(), key=lambda kv: (-len(kv[1]["missing"]) - len(kv[1]["late"]), kv[0])):
        unit_rate = N.percent(len(v["on_time"]) / len(v["expected"]))
        rows.append([unit, str(len(v["expected"])), str(len(v["on_time"])), str(len(v["late"])),
                     str(len(v["missing"])), N.text(unit_rate), S.listing(v["missing"], 10) or N.DASH])
    cols = [Column("牵头单位", width=1.6), Column("应报", NUMBER), Column("按时报送", NUMBER),
            Column("逾期报送", NUMBER),
            Column("未报送", NUMBER), Column("按时报送率（%）", NUMBER, 1), Column("未报送任务编号", width=2.4)]
    sec.add_table(Table("reporting", "各单位月报报送情况表", cols, rows))
    return sec
