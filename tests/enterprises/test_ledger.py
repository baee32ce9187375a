"""The 企业梯度培育台账: contract §3's columns, defaults and bad input; a round trip; chunks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shigongtu.audit.models import AuditEntry
from shigongtu.enterprises.models import Enterprise, TierRecord
from shigongtu.ledgers.engine import export_ledger, import_ledger
from tests.enterprises.conftest import HEADER, code, ledger_rows
from tests.ledgers.helpers import csv_bytes, sheet_values, xlsx


def _import(cast: Any, rows: list[list[Any]], **kw: Any) -> Any:
    return import_ledger(xlsx(rows), "t.xlsx", "enterprises", cast.plan, cast.coordinator, **kw)


def _nothing_written() -> None:
    assert not Enterprise.objects.exists()
    assert not TierRecord.objects.exists()


def test_it_imports_a_row_per_enterprise_and_tier(cast):
    result = _import(cast, ledger_rows())
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    assert Enterprise.objects.count() == 3
    assert TierRecord.objects.count() == 4
    assert all(e.unit_id == cast.zone.pk for e in Enterprise.objects.all())


def test_it_reads_the_aliases_and_fills_the_defaults(registry):
    first = TierRecord.objects.get(enterprise__credit_code=code(1))
    assert first.tier == "高新技术企业"
    assert first.status == "已认定"  # a 认定日期 and no status: 已认定
    assert first.expires_on == dt.date(2024, 12, 14)  # three years less a day
    pool = TierRecord.objects.get(enterprise__credit_code=code(2), tier="专精特新中小企业")
    assert (pool.status, pool.expires_on) == ("培育库", None)
    giant = TierRecord.objects.get(enterprise__credit_code=code(3))
    assert (giant.tier, giant.expires_on) == ("专精特新小巨人", dt.date(2025, 6, 30))


def test_it_gives_no_expiry_to_tiers_without_certificates(cast):
    rows = [HEADER, ["示例丁有限公司", code(4), "规上企业", None, "2023-01-01", None, None, None, None]]
    assert _import(cast, rows).ok
    assert TierRecord.objects.get().expires_on is None


def test_it_writes_the_history(registry):
    types = set(AuditEntry.objects.values_list("object_type", flat=True))
    assert {"enterprise", "enterprise_tier"} <= types
    assert AuditEntry.objects.filter(object_type="enterprise_tier", action="create").count() == 4


def test_an_export_reimports_unchanged(registry):
    data = export_ledger("enterprises", registry.plan, registry.coordinator)
    again = import_ledger(data, "export.xlsx", "enterprises", registry.plan, registry.coordinator)
    assert again.ok, again.errors
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    values = sheet_values(data)
    header = next(r for r in values if r and r[0] == "企业名称")
    assert header[:6] == ["企业名称", "统一社会信用代码", "梯度类别", "状态", "认定日期", "有效期至"]


def test_a_changed_status_updates_the_record_and_its_version(registry):
    rows = [HEADER, ["示例乙生物有限公司", code(2), "专精特新中小企业", "已申报", None, None, None, "生物医药", ""]]
    result = _import(registry, rows)
    assert (result.created, result.updated) == (0, 1)
    record = TierRecord.objects.get(enterprise__credit_code=code(2), tier="专精特新中小企业")
    assert (record.status, record.version) == ("已申报", 2)
    assert result.changes[0].changes == {"状态": ["培育库", "已申报"]}


def test_english_headers_and_csv_work(cast):
    rows = [["name", "credit code", "tier", "status", "granted", "expires"],
            ["示例戊有限公司", code(5), "高企", "", "2023年10月16日", ""]]
    result = import_ledger(csv_bytes(rows), "t.csv", "enterprises", cast.plan, cast.coordinator)
    assert result.ok, result.errors
    assert TierRecord.objects.get().expires_on == dt.date(2026, 10, 15)


@pytest.mark.parametrize(("cells", "column", "words"), [
    (["示例有限公司", "91220101MA00000010", "高企", None, "2023-01-01", None], "统一社会信用代码", "校验"),
    (["示例有限公司", code(6), "独角兽", None, None, None], "梯度类别", "未知的梯度类别"),
    (["示例有限公司", code(6), "高企", "待定", None, None], "状态", "未知的状态"),
    (["示例有限公司", code(6), "高企", "已认定", "2023-05-01", "2023-04-30"], "有效期至", "不晚于认定日期"),
    (["示例有限公司", code(6), "高企", "已认定", None, None], "认定日期", "必须填写认定日期"),
])
def test_bad_input_names_row_and_column_and_writes_nothing(cast, cells, column, words):
    result = _import(cast, [["2023年企业梯度培育台账"], HEADER[:6], cells])
    assert not result.ok
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.row, error.column) == (3, column)
    assert words in error.message
    assert error.message_en
    _nothing_written()


def test_the_same_enterprise_and_tier_twice_names_both_rows(cast):
    rows = [HEADER[:5], ["示例有限公司", code(7), "高企", None, "2023-01-01"],
            ["示例有限公司", code(7), "高新技术企业", None, "2023-02-01"]]
    result = _import(cast, rows)
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "梯度类别")]
    assert "第2行与第3行" in result.errors[0].message
    _nothing_written()


def test_a_dry_run_writes_nothing(cast):
    result = _import(cast, ledger_rows(), dry_run=True)
    assert result.ok and result.created == 4
    _nothing_written()


def test_chunks_check_the_same_whether_applied_or_not(cast, monkeypatch):
    from shigongtu.ledgers.kinds import enterprises as kind

    monkeypatch.setattr(kind.EnterprisesKind, "chunk_rows", 2)
    rows = [*ledger_rows(), ["示例甲科技有限公司", code(1), "高企", None, "2022-01-01", None, None, None, None]]
    for dry_run in (True, False):
        result = _import(cast, rows, dry_run=dry_run)
        assert [(e.row, e.column) for e in result.errors] == [(6, "梯度类别")]
    _nothing_written()
    ok = _import(cast, ledger_rows())
    assert ok.ok and TierRecord.objects.count() == 4
