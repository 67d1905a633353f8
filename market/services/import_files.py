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
from functools import lru_cache
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
    """Rows of the first sheet as tuples of values (as openpyxl's read-only mode gives them,
    at most MAX_COLUMNS), after the file passed inspection.

    openpyxl reads the workbook's structure: relationships, shared strings, date styles.
    The sheet's cells are read here with expat: openpyxl's own cell parser (ElementTree
    events in pure Python) took 20 s for 50,000 rows of the template, past the worker's
    timeout; expat takes a few seconds."""
    from openpyxl.utils.exceptions import InvalidFileException
    inspect_xlsx(data)
    try:
        workbook = _open_workbook(data)
        source = workbook.archive.open(_first_sheet_path(workbook))
    except (InvalidFileException, zipfile.BadZipFile, KeyError, IndexError, OSError,
            ValueError, TypeError, StopIteration) as exc:
        raise _unreadable_xlsx() from exc
    try:
        wb = workbook.wb
        yield from _SheetReader(workbook.shared_strings, wb._date_formats, wb.epoch).rows(source)
    except (zipfile.BadZipFile, KeyError, IndexError, OSError, ValueError, TypeError,
            expat.ExpatError) as exc:
        raise _unreadable_xlsx() from exc
    finally:
        source.close()
        workbook.archive.close()


def _open_workbook(data: bytes):
    """openpyxl's reader of the workbook's parts (manifest, shared strings, sheets and
    relationships, date styles), without the read-only worksheet: that one scans a whole
    sheet without a <dimension> element just to size it."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    workbook = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
    workbook.read_manifest()
    workbook.read_strings()
    workbook.read_workbook()
    apply_stylesheet(workbook.archive, workbook.wb)
    return workbook


def _first_sheet_path(workbook) -> str:
    """The part openpyxl's ``worksheets[0]`` reads: the first sheet that is no chart."""
    valid = set(workbook.valid_files)
    return next(rel.target for _sheet, rel in workbook.parser.find_sheets()
                if rel.target in valid and "chartsheet" not in rel.Type)


class _SheetReader:
    """Cell values of one worksheet, row by row, as openpyxl's read-only mode with
    ``data_only=True, values_only=True`` gives them: a formula's cached value, shared and
    inline strings, numbers (int or float), booleans, dates where the style is a date
    format; rows missing from the XML come as empty rows, cells past MAX_COLUMNS are left
    out."""

    def __init__(self, shared_strings, date_styles, epoch):
        from openpyxl.utils.datetime import from_excel, from_ISO8601
        self.from_excel, self.from_iso8601 = from_excel, from_ISO8601
        self.shared_strings, self.date_styles, self.epoch = shared_strings, date_styles, epoch
        self.done: list[tuple[int, list]] = []  # rows completed by the last chunk fed
        self.row_number = 0
        self.cells: list = []
        self.column = 0
        self.kind, self.style = "n", 0
        self.parts: list[str] = []
        self.collecting = self.phonetic = False

    def rows(self, source) -> Iterator[tuple]:
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text
        parser.StartDoctypeDeclHandler = _refuse_doctype
        parser.EntityDeclHandler = _refuse_doctype
        expected = 1
        while True:
            chunk = source.read(CHUNK)
            parser.Parse(chunk, not chunk)
            for number, cells in self.done:
                while expected < number and expected <= MAX_SHEET_ROWS:  # a gap: empty rows
                    yield ()
                    expected += 1
                if number > MAX_SHEET_ROWS:
                    return
                yield tuple(cells)
                expected = number + 1
            self.done = []
            if not chunk:
                return

    def start(self, name, attrs):
        tag = _local(name) if ":" in name else name
        if tag == "c":
            ref = attrs.get("r")
            self.column = _column_of(ref) if ref else self.column + 1
            self.kind, self.style = attrs.get("t", "n"), int(attrs.get("s") or 0)
            self.parts = []
        elif tag == "v" or (tag == "t" and self.kind == "inlineStr" and not self.phonetic):
            self.collecting = True
        elif tag == "rPh":  # phonetic guide (furigana): not part of the text
            self.phonetic = True
        elif tag == "row":
            number = attrs.get("r", "")
            self.row_number = int(number) if number.isdigit() else self.row_number + 1
            self.cells, self.column = [], 0

    def end(self, name):
        tag = _local(name) if ":" in name else name
        if tag in ("v", "t"):
            self.collecting = False
        elif tag == "rPh":
            self.phonetic = False
        elif tag == "c":
            value = self._value("".join(self.parts)) if self.parts else None
            if value is not None and 0 < self.column <= MAX_COLUMNS:
                self.cells.extend([None] * (self.column - len(self.cells)))
                self.cells[self.column - 1] = value
        elif tag == "row":
            self.done.append((self.row_number, self.cells))

    def text(self, data):
        if self.collecting:
            self.parts.append(data)

    def _value(self, text: str):
        kind = self.kind
        if kind == "n":
            number = float(text) if "." in text or "e" in text or "E" in text else int(text)
            if self.style in self.date_styles:
                try:
                    return self.from_excel(number, self.epoch)
                except (OverflowError, ValueError):
                    return "#VALUE!"  # as openpyxl: a date style on a number beyond dates
            return number
        if kind == "s":
            return self.shared_strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return self.from_iso8601(text)
        return text  # "str" (a formula's text), "inlineStr", "e" (an error such as #N/A)


def _column_of(ref: str) -> int:
    """'C12' -> 3."""
    column = 0
    for char in ref:
        if "A" <= char <= "Z":
            column = column * 26 + ord(char) - 64
        else:
            break
    return column


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
    parser.buffer_text = True  # one call per run of text, not per line or entity
    parser.StartElementHandler = bounds.start
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


@lru_cache(maxsize=256)
def _local(name: str) -> str:
    """'x:row' -> 'row' (a sheet uses a handful of names: cached, it is called per element)."""
    return name.rpartition(":")[2]


MAX_SHEET_ROWS = MAX_ROWS + MAX_EMPTY_ROWS + 1


class _SheetBounds:
    """Rows (all, and those with a value), cells per row and characters per cell of one
    worksheet as expat reads it; and the dimension it declares, which openpyxl trusts."""

    def __init__(self):
        self.rows = self.filled = self.cells = self.chars = 0
        self.row_has_value = False

    def start(self, name, attrs):
        tag = _local(name) if ":" in name else name
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

    def text(self, data):
        self.chars += len(data)
        if self.chars > MAX_CELL_CHARS:
            raise ImportFileError(_l("A cell holds more than %(n)d characters (the most a "
                                     "spreadsheet cell holds).", n=MAX_CELL_CHARS),
                                  field="file")
