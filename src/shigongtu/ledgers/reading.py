"""How a sheet was read (读表说明): its month, a unit's saved column mapping, and the account
the preview gives of it — header rows, period and its source, matching, units, ignored columns.

Kind-independent: every kind's file goes through these on its way to the kind's checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from shigongtu.ledgers import cells
from shigongtu.ledgers.io import LedgerSpec, LedgerTable, RawRow
from shigongtu.ledgers.io.period import period_from_parts, period_in_titles
from shigongtu.ledgers.labels import Said
from shigongtu.ledgers.models import ColumnMapping
from shigongtu.lib.errors import FieldError, InputRejected, ValueProblem
from shigongtu.lib.periods import Period

YEAR_PART, MONTH_PART = "申报年度", "申报月份"
SOURCES = {  # where the month came from → (zh, en)
    "rows": ("表中每行的月份列", "each row's month column"),
    "columns": ("申报年度、申报月份两列", "the 申报年度 and 申报月份 columns"),
    "flag": ("导入时指定的月份", "the month given with the import"),
    "title": ("表头上方的标题", "the title above the header"),
}
MATCHED = {  # how rows found their record → (zh, en)
    "code": ("按项目编号", "by project code"),
    "national_code": ("按全国统一项目代码", "by national project code"),
    "name": ("按项目名称", "by project name"),
}

UNITS_EN = {"元": "yuan", "万元": "10k yuan", "亿元": "100 million yuan"}


class NoPeriod(Exception):
    """The rows carry no month and neither the import nor a title gives one."""


@dataclass
class Reading:
    """What the preview says about how the sheet was read; ``as_dict`` is the API's form."""

    header_rows: tuple[int, int] = (0, 0)
    period: str | None = None
    period_source: str | None = None
    matched_by: list[str] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)  # header as written → unit converted from
    ignored: list[str] = field(default_factory=list)
    mapping: str | None = None  # the saved mapping applied, by name
    columns: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self, language: str | None = None) -> dict[str, Any]:
        return {
            "header_rows": list(self.header_rows), "period": self.period, "period_source": self.period_source,
            "matched_by": self.matched_by, "units": self.units, "ignored": self.ignored, "mapping": self.mapping,
            "columns": self.columns, "notes": self.notes(language),
        }

    def notes(self, language: str | None = None) -> list[str]:
        """The account in sentences, in ``language`` (English when it starts with "en")."""
        en = bool(language and language.startswith("en"))
        top, row = self.header_rows
        out = [(f"Header read from row {top}" + (f" to row {row}" if row != top else "")) if en else
               (f"表头：第 {top} 行" + (f"至第 {row} 行" if row != top else ""))]
        if self.period:
            zh, en_ = SOURCES.get(self.period_source or "", ("", ""))
            out.append(f"Month {self.period}, from {en_}" if en else f"月份 {self.period}，来自{zh}")
        if self.matched_by:
            said = [MATCHED[m][1 if en else 0] for m in self.matched_by if m in MATCHED]
            out.append(("Rows matched to projects " + ", ".join(said)) if en
                       else ("行与项目" + "、".join(said) + "对应"))
        for header, unit in self.units.items():
            out.append(f"{header}: amounts in {UNITS_EN.get(unit, unit)}, converted to 10k yuan" if en
                       else f"「{header}」以{unit}计，已换算为万元")
        if self.mapping:
            out.append(f"Saved column mapping applied: {self.mapping}" if en else f"已套用保存的列对照：{self.mapping}")
        if self.ignored:
            out.append(("Columns ignored: " if en else "未读取的列：") + "、".join(self.ignored))
        return out


def describe(table: LedgerTable, mapping: ColumnMapping | None) -> Reading:
    """The reading of a table's header: rows, unit notes, ignored columns, each column's sense."""
    reading = Reading(header_rows=(table.header_top_row, table.header_row),
                      mapping=mapping.name if mapping is not None else None)
    for cell in table.columns.values():
        unit = cells.header_unit(cell.text)
        if unit and unit.replace("（", "").replace("(", "") != "万元":
            reading.units[cell.text] = unit
    for c in table.read:
        reading.columns.append({"column": c.col_letter, "header": c.text, "field": c.canonical, "how": c.how,
                                **({"year": c.year} if c.year else {})})
        if c.canonical is None and c.how != "extra":
            reading.ignored.append(c.text)
    return reading


def saved_mapping(plan: Any, kind: str, name: str | None) -> ColumnMapping | None:
    """The plan's unit's mapping for ``kind``: the one called ``name``, else its latest."""
    if plan is None:
        if name:
            raise InputRejected("保存的列对照属于施工图的单位，请指定施工图", field="mapping", value=name)
        return None
    found = ColumnMapping.objects.filter(unit_id=plan.unit_id, kind=kind)
    if name:
        mapping = found.filter(name=name).first()
        if mapping is None:
            known = "、".join(found.values_list("name", flat=True)) or "无"
            raise InputRejected(FieldError(f"没有名为「{name}」的列对照（已保存：{known}）", field="mapping",
                                           value=name, message_en=f"no saved column mapping called {name!r}"))
        return mapping
    return found.first()


def parse_flag(raw: str | None) -> Period | None:
    """``--period YYYY-MM`` (or any month form a cell accepts)."""
    if not raw:
        return None
    try:
        return Period.parse(raw.strip())
    except ValueProblem as exc:
        raise InputRejected(FieldError(exc.message_zh, field="period", value=raw,
                                       message_en=exc.message_en)) from exc


def resolve_period(spec: LedgerSpec, table: LedgerTable, flag: Period | None, reading: Reading,
                   warnings: list[str]) -> Period | None:
    """The month for rows that do not carry one: ``--period`` (it wins over a title, with a
    warning when they differ), else a title row. Raises :class:`NoPeriod` when a kind with a
    month column has neither it, nor 申报年度 + 申报月份, nor a flag or title."""
    column = spec.period_column
    titled = period_in_titles(table.titles)
    if column is None:
        return flag
    if column in table.columns:
        reading.period_source = "rows"
    elif YEAR_PART in table.columns and MONTH_PART in table.columns:
        reading.period_source = "columns"
    if flag is not None:
        if titled is not None and titled[0] != flag:
            warnings.append(Said(f"标题「{titled[1]}」写的是 {titled[0].key}，按导入时指定的 {flag.key} 导入",
                                 f"The title ({titled[1]}) names {titled[0].key}; imported as {flag.key}, "
                                 "the month given with the import"))
        if reading.period_source is None:
            reading.period_source, reading.period = "flag", flag.key
        return flag
    if reading.period_source is not None:
        return None
    if titled is not None:
        reading.period_source, reading.period = "title", titled[0].key
        return titled[0]
    raise NoPeriod


def prepared(rows: Iterable[RawRow], spec: LedgerSpec, table: LedgerTable, period: Period | None,
             errors: list[FieldError]) -> Iterator[RawRow]:
    """The rows as the kind reads them: the month filled in where the row has none (from
    申报年度 + 申报月份, else ``period``), and each read cell holding a formula without a value
    reported by row and column (and left empty)."""
    column = spec.period_column
    parts = YEAR_PART in table.columns and MONTH_PART in table.columns
    shown = {c: cell.text for c, cell in table.columns.items()}
    unread = {c.canonical for c in spec.columns if not c.reads}
    for row in rows:
        for name, formula in row.uncalculated:
            if name in unread:
                continue
            errors.append(FieldError("单元格含公式但没有计算结果，请在 Excel 中打开并保存后再上传", row=row.number,
                                     column=shown.get(name, name), value=formula,
                                     message_en="the cell holds a formula without a calculated value; "
                                                "open the file in Excel, save it and re-upload"))
        if column is not None and cells.blank(row.values.get(column)):
            if parts and not (cells.blank(row.values.get(YEAR_PART)) and cells.blank(row.values.get(MONTH_PART))):
                try:
                    row.values[column] = period_from_parts(row.values.get(YEAR_PART), row.values.get(MONTH_PART)).key
                except ValueProblem as exc:
                    bad = YEAR_PART if "年" in exc.message_zh[:4] else MONTH_PART
                    errors.append(FieldError(exc.message_zh, row=row.number, column=shown.get(bad, bad),
                                             value=row.values.get(bad), message_en=exc.message_en))
            elif period is not None:
                row.values[column] = period.key
        yield row
