"""Tables as CSV and XLSX files.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return before one) as a formula: such text cells get a leading apostrophe.
Numbers are written as numbers, so a negative amount stays a negative number.
"""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from .indicator_tables import MONEY, PERCENT, Table, cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text that a spreadsheet would evaluate gets a leading apostrophe; numbers pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_rows(table: Table) -> list[list]:
    """The table's cells as exported: a header row, then typed, neutralised values."""
    rows = [[neutralise(h) for h in table.headers]]
    for raw in table.rows:
        rows.append([neutralise(cell(kind, value)) for kind, value in zip(table.kinds, raw,
                                                                           strict=True)])
    return rows


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark so that Excel opens the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in export_rows(table):
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(tables: list[Table]) -> bytes:
    """One sheet per table."""
    # openpyxl is loaded by the first export, not by every worker (the centre's pages
    # import this module)
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(_sheet_title(table))
        for r, row in enumerate(export_rows(table), start=1):
            for c, value in enumerate(row, start=1):
                target = sheet.cell(row=r, column=c, value=value)
                if r == 1:
                    target.font = Font(bold=True)
                elif isinstance(value, Decimal):
                    kind = table.kinds[c - 1]
                    target.number_format = "0.00" if kind == PERCENT else "#,##0.00"
                    if kind not in (MONEY, PERCENT):  # summary cells mix kinds
                        target.number_format = "#,##0.00"
        for c, header in enumerate(table.headers, start=1):
            sheet.column_dimensions[get_column_letter(c)].width = max(12, min(40, 2 * len(header)))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(table: Table) -> str:
    # Excel forbids []:*?/\ in sheet names and allows 31 characters.
    title = "".join(ch for ch in table.title if ch not in "[]:*?/\\")
    return title[:31] or table.key
