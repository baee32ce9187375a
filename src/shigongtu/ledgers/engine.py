"""Import and export of ledgers (台账): check every row, then apply all of it or nothing.

The engine is the one write path for files: the CLI, the API and the upload page call
``import_ledger``; ``export_ledger`` writes what they read back, unchanged.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation

from shigongtu.ledgers import kinds as registry
from shigongtu.ledgers.io import (
    LedgerFileError,
    LedgerTable,
    RawRow,
    annotate_errors,
    read_ledger,
    write_ledger,
)
from shigongtu.ledgers.io.header import HeaderRules
from shigongtu.ledgers.io.period import period_in_titles
from shigongtu.ledgers.kinds.base import CREATE, UNCHANGED, UPDATE, ImportContext, LedgerKind, RowPlan
from shigongtu.ledgers.labels import Said, listed
from shigongtu.ledgers.labels import in_language as said_in
from shigongtu.ledgers.models import ImportRecord
from shigongtu.ledgers.reading import NoPeriod, Reading, describe, parse_flag, prepared, resolve_period, saved_mapping
from shigongtu.lib.errors import FieldError, InputRejected
from shigongtu.orgs.access import MANAGE, require
from shigongtu.plans.models import Plan
from shigongtu.plans.services import ensure_open
from shigongtu.utilities.bulk import paused_gc

log = logging.getLogger(__name__)
PREVIEW_LIMIT = 2000


@dataclass
class ImportResult:
    ok: bool
    dry_run: bool
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[RowPlan] = field(default_factory=list)  # the first rows that create or update
    file_error: str | None = None  # in Chinese; file_error_en says it in English
    file_error_en: str | None = None
    table: LedgerTable | None = None
    record_id: int | None = None
    create_units: bool = False
    sheet: str | None = None
    period: str | None = None  # the month given with the import (--period)
    reading: Reading | None = None

    def as_dict(self, preview_limit: int = PREVIEW_LIMIT, language: str | None = None) -> dict[str, Any]:
        """The contract's import document, its messages in ``language`` (default: the active
        interface language; English when it starts with "en", else Chinese)."""
        if language is None:
            language = translation.get_language()
        doc: dict[str, Any] = {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "kind": self.kind,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [
                {"row": e.row, "column": e.column, "value": _plain(e.value), "message": e.message_in(language)}
                for e in self.errors
            ],
            "warnings": [said_in(w, language) for w in self.warnings],
        }
        if self.file_error:
            doc["file_error"] = (self.file_error_en or self.file_error) if _english(language) else self.file_error
        doc["changes"] = [
            {"row": c.row, "key": c.key, "action": c.action, "fields": c.changes}
            for c in self.changes[:preview_limit]
        ]
        if len(self.changes) > preview_limit:
            doc["changes_truncated"] = True
        if self.record_id:
            doc["import_id"] = self.record_id
        if self.create_units:
            doc["create_units"] = True
        if self.sheet:
            doc["sheet"] = self.sheet
        if self.period:
            doc["period"] = self.period
        if self.table is not None:
            doc["header_row"] = self.table.header_row
            doc["sheet_name"] = self.table.sheet_name
        if self.reading is not None:
            doc["reading"] = self.reading.as_dict(language)
        return doc


def _english(language: str | None) -> bool:
    return language is not None and language.startswith("en")


def _kept(result: ImportResult) -> dict[str, Any]:
    """The result as the import history keeps it: read later, perhaps in the other language,
    so each message is kept in Chinese (``message``, ``file_error``) with its English beside
    it (``message_en``, ``file_error_en``); :func:`in_language` picks one."""
    doc = result.as_dict(preview_limit=200, language="zh-hans")
    for shown, error in zip(doc["errors"], result.errors, strict=True):
        if error.message_en:
            shown["message_en"] = error.message_en
    if result.file_error and result.file_error_en:
        doc["file_error_en"] = result.file_error_en
    if result.reading is not None:
        doc["reading"]["notes_en"] = result.reading.notes("en")
    if result.warnings:
        doc["warnings_en"] = [said_in(w, "en") for w in result.warnings]
    return doc


def in_language(kept: Mapping[str, Any], language: str | None) -> dict[str, Any]:
    """A result the history kept (``ImportRecord.result``) with its messages in ``language``;
    English falls back to the Chinese where a record has none."""
    doc = dict(kept)
    if not _english(language):
        return doc
    doc["errors"] = [{**e, "message": e.get("message_en") or e["message"]} for e in kept.get("errors", [])]
    if kept.get("file_error_en"):
        doc["file_error"] = kept["file_error_en"]
    if kept.get("warnings_en"):
        doc["warnings"] = kept["warnings_en"]
    if kept.get("reading", {}).get("notes_en"):
        doc["reading"] = {**kept["reading"], "notes": kept["reading"]["notes_en"]}
    return doc


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def kind_or_error(name: str) -> Any:
    kind = registry.get(name)
    if kind is None:
        known = ", ".join(sorted(registry.load_all()))
        raise InputRejected(f"未知的台账类型：{name}（可用：{known}）", field="kind", value=name)
    return kind


def _check_plan(kind: Any, plan: Plan | None, user: Any) -> None:
    if kind.needs_plan and plan is None:
        raise InputRejected(f"导入{kind.title_zh}需要指定施工图（--plan）", field="plan")
    if plan is not None:
        require(user, plan, MANAGE)
        ensure_open(plan)


def import_ledger(data: bytes, filename: str, kind_name: str, plan: Plan | None = None, user: Any = None, *,
                  dry_run: bool = False, create_units: bool = False, sheet: str | None = None,
                  keep_record: bool = True, period: str | None = None, mapping: str | None = None,
                  progress: Callable[[int], None] | None = None) -> ImportResult:
    """Read, check every row, and (unless ``dry_run`` or any error) apply the whole file in one
    transaction. ``period`` is the month of a ledger whose rows carry none; ``mapping`` names the
    plan unit's saved column mapping (default: its latest for the kind, if any); ``progress`` is
    told the number of rows checked so far after each chunk (a background job's progress)."""
    kind = kind_or_error(kind_name)
    _check_plan(kind, plan, user)
    flag = parse_flag(period)
    saved = saved_mapping(plan, kind.name, mapping)
    result = ImportResult(ok=False, dry_run=dry_run, kind=kind.name, create_units=create_units, sheet=sheet,
                          period=flag.key if flag else None)
    rules = HeaderRules(year=plan.year if plan is not None else None, mapping=saved.mapping if saved else {})
    try:
        table = read_ledger(data, filename, kind.spec, sheet=sheet, max_bytes=settings.LEDGER_MAX_BYTES, rules=rules)
    except LedgerFileError as exc:
        return _refused(result, exc, data, filename, plan, user, keep_record)
    result.table = table
    result.reading = reading = describe(table, saved)
    headers = {canonical: cell.text for canonical, cell in table.columns.items()}
    ctx = ImportContext(plan=plan, user=user, create_units=create_units, headers=headers,
                        extra_headers=list(table.extra_columns), reading=reading)
    _header_findings(table, ctx)
    try:
        row_period = resolve_period(kind.spec, table, flag, reading, ctx.warnings)
    except NoPeriod:
        refusal = LedgerFileError(
            f"表中没有月份：请加「{kind.spec.period_column}」列或申报年度、申报月份两列，在标题中写明月份"
            "（如“2023年6月”），或导入时指定月份（--period）",
            f"The sheet gives no month: add a {kind.spec.period_column} column (or 申报年度 and 申报月份), "
            "name the month in the title (such as 2023年6月), or give it with the import (--period)")
        return _refused(result, refusal, data, filename, plan, user, keep_record)
    titled = period_in_titles(table.titles)
    ctx.period = row_period or flag or (titled[0] if titled else None)
    try:
        with paused_gc(), transaction.atomic():
            rows = prepared(table.rows, kind.spec, table, row_period, ctx.errors)
            _check_and_apply(kind, ctx, rows, result, progress)
            if not result.ok or dry_run:
                transaction.set_rollback(True)  # a dry run, or an error somewhere: nothing stays written
    except LedgerFileError as exc:  # the file broke off part way (a truncated sheet)
        fresh = ImportResult(ok=False, dry_run=dry_run, kind=kind.name, create_units=create_units, sheet=sheet)
        return _refused(fresh, exc, data, filename, plan, user, keep_record)
    _keep(result, data, filename, plan, user, keep_record)
    return result


def _refused(result: ImportResult, exc: LedgerFileError, data: bytes, filename: str, plan: Plan | None, user: Any,
             keep: bool) -> ImportResult:
    result.file_error, result.file_error_en = exc.message_zh, exc.message_en
    result.errors = [FieldError(exc.message_zh, row=0, value=filename, message_en=exc.message_en)]
    _keep(result, data, filename, plan, user, keep)
    return result


def _header_findings(table: LedgerTable, ctx: ImportContext) -> None:
    """Warnings (and errors) the header alone gives: unknown columns, another year's columns."""
    if table.unknown_headers:
        ctx.warnings.append(Said("已忽略无法识别的列：" + listed(table.unknown_headers, "zh"),
                                 "Columns not recognised, ignored: " + listed(table.unknown_headers, "en")))
    for c in table.read:
        if c.how != "other_year":
            continue
        year = ctx.plan.year if ctx.plan is not None else None
        ctx.warnings.append(Said(f"「{c.text}」是 {c.year} 年的数据，与施工图年度 {year} 不符，已忽略",
                                 f"{c.text} holds {c.year} figures, not the plan year {year}'s: ignored"))
        if c.would_be and c.would_be not in table.columns:
            ctx.errors.append(FieldError(
                f"「{c.text}」是 {c.year} 年的数据，表中没有 {year} 年的「{c.would_be}」列", row=table.header_row,
                column=c.text, value=c.text,
                message_en=f"{c.text!r} is for {c.year}; the sheet has no {c.would_be} column for {year}"))


def _check_and_apply(kind: LedgerKind, ctx: ImportContext, rows: Iterable[RawRow], result: ImportResult,
                     progress: Callable[[int], None] | None = None) -> None:
    """Check the rows a chunk at a time (the kind's ``chunk_rows``; all at once when None) and,
    while no error has been found and this is not a dry run, apply each checked chunk. Memory
    holds one chunk, the preview's first rows and the errors, however long the file is."""
    seen_rows = 0
    applied = False
    for chunk in _chunks(rows, kind.chunk_rows):
        seen_rows += len(chunk)
        kind.prepare(ctx, chunk)
        plans = list(kind.check(ctx, chunk))
        del chunk  # the raw cells are no longer needed
        for p in plans:
            if p.action == CREATE:
                result.created += 1
            elif p.action == UPDATE:
                result.updated += 1
            else:
                result.unchanged += 1
        todo = [p for p in plans if p.action != UNCHANGED]
        del plans
        room = PREVIEW_LIMIT + 1 - len(result.changes)
        if room > 0:
            result.changes.extend(todo[:room])
        if todo and not ctx.errors and not result.dry_run:
            kind.apply(ctx, todo)
            applied = True
        if progress is not None:
            progress(seen_rows)
    if not seen_rows:
        ctx.warnings.append(Said("文件中没有数据行", "The file has no data rows"))
    if applied and not ctx.errors:
        kind.finish(ctx)
    result.errors = sorted(ctx.errors, key=lambda e: (e.row, e.column or ""))
    result.warnings = ctx.warnings
    result.ok = not result.errors


def _chunks(rows: Iterable[RawRow], size: int | None) -> Iterator[list[RawRow]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
        if size is None:
            return


KEPT_ERRORS = 2000  # the history shows the first errors; the marked file (made again from the file) has all


def _keep(result: ImportResult, data: bytes, filename: str, plan: Plan | None, user: Any, keep: bool) -> None:
    if not keep:
        return
    doc = _kept(result)
    if len(doc["errors"]) > KEPT_ERRORS:
        doc["errors"] = doc["errors"][:KEPT_ERRORS]
        doc["errors_truncated"] = True
    record = ImportRecord.objects.create(
        kind=result.kind, plan=plan, user=user if getattr(user, "pk", None) else None, filename=filename[:255],
        content=data, dry_run=result.dry_run, ok=result.ok,
        applied=result.ok and not result.dry_run and bool(result.created or result.updated),
        created=result.created, updated=result.updated, unchanged=result.unchanged,
        error_count=len(result.errors), result=doc,
    )
    result.record_id = record.pk
    if not result.ok:
        _prune_rejected(plan, user)


REJECTED_KEPT = 5  # rejected files kept per person and plan for their marked copy (标注错误的文件)


def _prune_rejected(plan: Plan | None, user: Any) -> None:
    """Rejected uploads keep their bytes only while among the person's last few: a quota, not a pile.

    The entry (name, time, counts, first errors) stays in the history; only the file goes, so
    its marked copy can no longer be made (the page says so).
    """
    rejected = ImportRecord.objects.filter(plan=plan, ok=False, user=user if getattr(user, "pk", None) else None)
    old = rejected.exclude(content=b"").order_by("-at", "-pk").values_list("pk", flat=True)[REJECTED_KEPT:]
    ImportRecord.objects.filter(pk__in=list(old)).update(content=b"")


def annotated_copy(data: bytes, filename: str, result: ImportResult) -> bytes | None:
    """The user's own file with the faulty cells marked and an error sheet, or None without row
    errors; its words in the active interface language."""
    if result.table is None or not result.errors:
        return None
    return annotate_errors(data, filename, result.errors, result.table,
                           language=translation.get_language() or settings.LANGUAGE_CODE)


def export_ledger(kind_name: str, plan: Plan | None = None, user: Any = None,
                  filters: Mapping[str, Any] | None = None, blank: bool = False) -> bytes:
    """The ledger as styled .xlsx bytes (scoped to the user; ``blank`` gives an empty template)."""
    kind = kind_or_error(kind_name)
    if kind.needs_plan and plan is None:
        raise InputRejected(f"导出{kind.title_zh}需要指定施工图（--plan）", field="plan")
    rows = [] if blank else kind.export_rows(plan, user, filters or {})
    title = f"{plan.name} · {kind.title_zh}" if plan is not None else kind.title_zh
    extra = kind.extra_columns(plan) if plan is not None else []
    return write_ledger(kind.spec, rows, title=title, notes=kind.notes, extra_columns=extra)
