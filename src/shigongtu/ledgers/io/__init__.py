"""The ledger engine (台账): read any kind of ledger from Excel or CSV, write it back styled,
and annotate the user's own file with the errors found in it.

Pure Python (openpyxl and python-calamine only, no Django), so that the importer, the exporter,
the CLI and the benchmarks share it and it can be tested on its own.
"""

from .annotate import annotate_errors, annotated_filename
from .errors import LedgerFileError
from .header import HeaderCell
from .reader import LedgerTable, RawRow, RowStream, read_ledger
from .safety import Limits
from .spec import Column, LedgerSpec, normalize_header
from .writer import write_ledger

__all__ = [
    "Column",
    "HeaderCell",
    "LedgerFileError",
    "LedgerSpec",
    "LedgerTable",
    "Limits",
    "RawRow",
    "RowStream",
    "annotate_errors",
    "annotated_filename",
    "normalize_header",
    "read_ledger",
    "write_ledger",
]
