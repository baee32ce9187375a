"""Formula-safe spreadsheet text: the one rule every .xlsx the platform writes follows. Pure.

A cell whose text starts like a formula (``=``, ``+``, ``-``, ``@``, or a tab/CR before one)
would be evaluated by Excel — a node titled ``=HYPERLINK(…)`` in a bulletin became a live
link. The ledger writer (``ledgers.io.sheetxml``) and the bulletin workbook
(``bulletins.render_xlsx``) both store such text as a quote-prefixed string.
"""

from __future__ import annotations

from typing import Any

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def starts_like_formula(value: object) -> bool:
    """True for text Excel would read as a formula (or as the start of one)."""
    return isinstance(value, str) and value.startswith(FORMULA_LEADS)


def keep_as_text(cell: Any) -> Any:
    """An openpyxl cell holding formula-like text, made a plain string shown exactly as typed."""
    if starts_like_formula(cell.value):
        cell.data_type = "s"  # openpyxl made it "f" (formula) on assignment
        cell.quotePrefix = True  # Excel shows it as typed and never evaluates it
    return cell
