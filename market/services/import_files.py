"""Read an uploaded portfolio (CSV or XLSX) row by row, within fixed bounds.

An upload is at most MAX_CONTENT_LENGTH bytes, but a small XLSX can declare or hold far
more than that: a sheet dimension of 16,384 x 1,048,576 cells (openpyxl pads every row to
it), a shared string of hundreds of MB, a million empty rows, a zip member that inflates
a thousandfold. So an XLSX is inspected before anything is built from it: the zip's
members (count, uncompressed sizes, compression ratio), then one streaming pass of expat
over the shared strings and the sheets (rows, cells per row, characters per cell, no DTD).
Only a file inside every bound reaches openpyxl, which then reads it in read-only mode
with explicit row and column bounds (never the declared dimension). CSV rows are counted
and measured as they are read. Every refusal is an ImportFileError with a message for the
user; none needs more memory than the bounds allow.
"""
from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from xml.parsers import expat

from flask_babel import lazy_gettext as _l

from .errors import ServiceError

MAX_ROWS = 50_000            # data rows (the header not counted)
MAX_EMPTY_ROWS = 10_000      # blank rows tolerated on top (Excel keeps formatted ones)
MAX_COLUMNS = 200            # cells per row (the template has 21)
MAX_CELL_CHARS = 32_767      # Excel's own limit for one cell
MAX_ZIP_MEMBERS = 200
MAX_SHEET_BYTES = 100 * 1024 * 1024        # one worksheet's XML, uncompressed
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024  # openpyxl holds every shared string at once
MAX_OTHER_MEMBER_BYTES = 8 * 1024 * 1024   # styles, workbook, relationships, theme
MAX_RATIO = 100              # uncompressed / compressed, for members over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
CHUNK = 64 * 1024


class ImportFileError(ServiceError):
    """The file as a whole cannot be read, or is beyond the import's bounds."""


def too_many_rows() -> ImportFileError:
    return ImportFileError(_l("The file has more than %(n)d rows. Split it into several "
                              "files of at most %(n)d rows each.", n=MAX_ROWS), field="file")


def too_long_cell(line: int) -> ImportFileError:
    return ImportFileError(_l("Line %(line)d has a cell longer than %(n)d characters (the "
                              "most a spreadsheet cell holds).", line=line, n=MAX_CELL_CHARS),
                           field="file")


def too_many_columns(line: int) -> ImportFileError:
    return ImportFileError(_l("Line %(line)d has more than %(n)d cells. Keep only the "
                              "template's columns.", line=line, n=MAX_COLUMNS), field="file")


def _unreadable_xlsx() -> ImportFileError:
    return ImportFileError(_l("The Excel file cannot be read. Save it again as .xlsx."),
                           field="file")


def _oversized_xlsx() -> ImportFileError:
    return ImportFileError(_l("The Excel file holds far more data than a portfolio of "
                              "%(n)d rows. Save only the patent list as a new .xlsx file.",
                              n=MAX_ROWS), field="file")


# --- CSV -------------------------------------------------------------------------------

def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030/GBK, as Excel in China saves it."""
    return data.decode(csv_encoding(data))


def csv_encoding(data: bytes) -> str:
    """The encoding of a CSV file: UTF-8 (with or without BOM) or GB18030/GBK, as Excel in
    China saves it. Checked a chunk at a time: the decoded text is never held whole."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), CHUNK):
                decoder.decode(data[start:start + CHUNK])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ImportFileError(_l("The file is neither UTF-8 nor GBK text. Save it as CSV UTF-8 "
                             "or as an Excel workbook."), field="file")


def csv_rows(data: bytes) -> Iterator[list]:
    """Rows of a CSV file, once a first pass has found it inside the bounds. The text is
    decoded as it is read (a 20 MB file of Chinese is 80 MB in a StringIO)."""
    encoding = csv_encoding(data)

    def reader():
        text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
        return csv.reader(text, dialect)

    try:
        sample = data[:4 * CHUNK].decode(encoding, errors="ignore")
        dialect = csv.Sniffer().sniff(sample[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        # Counted before any row is checked: refusing row 50,001 after checking
        # 50,000 would take the worker half a minute.
        _check_csv_bounds(reader())
        yield from reader()
    except csv.Error as exc:
        raise ImportFileError(_l("The CSV file is malformed (%(problem)s). Save it again "
                                 "from Excel, or upload an .xlsx file.", problem=str(exc)),
                              field="file") from exc


def _check_csv_bounds(reader) -> None:
    filled = 0
    for line, cells in enumerate(reader, start=1):
        if line > MAX_ROWS + MAX_EMPTY_ROWS + 1:
            raise too_many_rows()
        if len(cells) > MAX_COLUMNS:
            raise too_many_columns(line)
        if any(len(cell) > MAX_CELL_CHARS for cell in cells):
            raise too_long_cell(line)
        if any(cell.strip() for cell in cells):
            filled += 1
            if filled > MAX_ROWS + 1:
                raise too_many_rows()


# --- XLSX ------------------------------------------------------------------------------

def xlsx_rows(data: bytes) -> Iterator[tuple]:
    """Rows of the first sheet as tuples of values, after the file passed inspection."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException
    inspect_xlsx(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except (InvalidFileException, zipfile.BadZipFile, KeyError, IndexError, OSError,
            ValueError, TypeError) as exc:
        raise _unreadable_xlsx() from exc
    try:
        # Explicit bounds: openpyxl would otherwise pad rows to the declared dimension.
        yield from sheet.iter_rows(min_row=1, max_row=MAX_ROWS + MAX_EMPTY_ROWS + 1,
                                   max_col=MAX_COLUMNS, values_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise _unreadable_xlsx() from exc
    finally:
        book.close()


def inspect_xlsx(data: bytes) -> None:
    """Refuse a workbook beyond the bounds without building anything from it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable_xlsx() from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise _oversized_xlsx()
    for member in members:
        _check_member_size(member)
    try:
        # Every member: openpyxl follows the relationships wherever they point, so any
        # member that parses as XML could be the sheet it reads.
        for member in members:
            name = member.filename.lower()
            shared = name == "xl/sharedstrings.xml"
            _scan(archive, member, _SharedStringBounds() if shared else _SheetBounds(),
                  must_be_xml=name.endswith((".xml", ".rels")))
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise _unreadable_xlsx() from exc


def _check_member_size(member: zipfile.ZipInfo) -> None:
    # zipfile stops inflating a member at its declared size (and then fails its CRC), so
    # the declared size bounds what any later reader gets.
    name = member.filename.lower()
    if name.startswith("xl/worksheets/"):
        limit = MAX_SHEET_BYTES
    elif name == "xl/sharedstrings.xml":
        limit = MAX_SHARED_STRINGS_BYTES
    else:
        limit = MAX_OTHER_MEMBER_BYTES
    if member.file_size > limit:
        raise _oversized_xlsx()
    if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
        raise _oversized_xlsx()


def _scan(archive: zipfile.ZipFile, member: zipfile.ZipInfo, bounds, must_be_xml: bool) -> None:
    parser = expat.ParserCreate()
    parser.StartElementHandler = bounds.start
    parser.EndElementHandler = bounds.end
    parser.CharacterDataHandler = bounds.text
    # Excel never writes a DTD; one could declare entities that expand (billion laughs).
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    with archive.open(member) as stream:
        try:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            # An image is no XML; openpyxl cannot read a sheet from it either.
            if must_be_xml:
                raise _unreadable_xlsx() from exc


def _refuse_doctype(*_args) -> None:
    raise _unreadable_xlsx()


def _local(name: str) -> str:
    return name.rpartition(":")[2]


MAX_SHEET_ROWS = MAX_ROWS + MAX_EMPTY_ROWS + 1


class _SheetBounds:
    """Rows (all, and those with a value), cells per row and characters per cell of one
    worksheet as expat reads it; and the dimension it declares, which openpyxl trusts."""

    def __init__(self):
        self.rows = self.filled = self.cells = self.chars = 0
        self.row_has_value = False

    def start(self, name, attrs):
        tag = _local(name)
        if tag == "row":
            self.rows += 1
            self.cells = self.chars = 0
            self.row_has_value = False
            number = attrs.get("r", "")
            if self.rows > MAX_SHEET_ROWS or (number.isdigit() and int(number) > MAX_SHEET_ROWS):
                raise too_many_rows()
        elif tag == "c":
            self.cells += 1
            self.chars = 0
            if self.cells > MAX_COLUMNS:
                raise too_many_columns(self.rows)
        elif tag in ("v", "t") and self.rows and not self.row_has_value:
            self.row_has_value = True
            self.filled += 1
            if self.filled > MAX_ROWS + 1:
                raise too_many_rows()
        elif tag == "dimension":
            _check_dimension(attrs.get("ref", ""))

    def end(self, _name):
        pass

    def text(self, data):
        self.chars += len(data)
        if self.chars > MAX_CELL_CHARS:
            raise too_long_cell(self.rows)


def _check_dimension(ref: str) -> None:
    from openpyxl.utils.cell import range_boundaries
    try:
        _min_col, _min_row, max_col, max_row = range_boundaries(ref)
    except (ValueError, TypeError):
        return  # openpyxl ignores what it cannot read; the explicit bounds still hold
    if (max_row or 0) > MAX_SHEET_ROWS:
        raise too_many_rows()
    if (max_col or 0) > MAX_COLUMNS:
        raise too_many_columns(1)


class _SharedStringBounds:
    """Count and length of the shared strings (a cell's text lives here in Excel files)."""

    MAX_STRINGS = (MAX_ROWS + 1) * 32

    def __init__(self):
        self.strings = 0
        self.chars = 0

    def start(self, name, _attrs):
        if _local(name) == "si":
            self.strings += 1
            self.chars = 0
            if self.strings > self.MAX_STRINGS:
                raise _oversized_xlsx()

    def end(self, _name):
        pass

    def text(self, data):
        self.chars += len(data)
        if self.chars > MAX_CELL_CHARS:
            raise ImportFileError(_l("A cell holds more than %(n)d characters (the most a "
                                     "spreadsheet cell holds).", n=MAX_CELL_CHARS),
                                  field="file")
