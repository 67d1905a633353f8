"""Hostile portfolio files, built in code (small on disk, huge once read naively).

Used by tests/hostile/test_imports.py, bench/hostile_files.py and scripts/probes/imports.py
(the probe copies nothing from here: it must run with the stdlib and requests only).
"""
import csv
import io
import zipfile

HEADER_ZH = ["申请号", "公开（公告）号", "专利名称", "摘要", "IPC分类号", "法律状态", "申请日"]

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '{shared}</Types>')
SHARED_TYPE = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
               'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>{shared}</Relationships>')
SHARED_REL = ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/'
              '2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '{dimension}<sheetData>')
SHEET_TAIL = "</sheetData></worksheet>"


def _inline_row(number: int, values) -> str:
    cells = "".join(f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
                    for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def _xlsx(sheet_parts, shared_parts=None) -> bytes:
    """A minimal workbook; the sheet (and shared strings) written from iterables of text
    chunks so a huge member never exists in memory at once."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        shared = shared_parts is not None
        archive.writestr("[Content_Types].xml",
                         CONTENT_TYPES.format(shared=SHARED_TYPE if shared else ""))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels",
                         WORKBOOK_RELS.format(shared=SHARED_REL if shared else ""))
        for name, parts in (("xl/worksheets/sheet1.xml", sheet_parts),
                            ("xl/sharedStrings.xml", shared_parts)):
            if parts is None:
                continue
            with archive.open(name, "w", force_zip64=True) as member:
                for part in parts:
                    member.write(part.encode())
    return out.getvalue()


def dimension_bomb() -> bytes:
    """~1.6 KB: one header row, a declared dimension of 16,384 x 1,048,576 cells."""
    return _xlsx([SHEET_HEAD.format(dimension='<dimension ref="A1:XFD1048576"/>'),
                  _inline_row(1, HEADER_ZH), SHEET_TAIL])


def shared_string_bomb(megabytes: int = 200) -> bytes:
    """One shared string of ``megabytes`` MB, used by one cell (~200 KB zipped)."""
    def shared():
        yield ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://'
               'schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
               "<si><t>")
        block = "A" * (1024 * 1024)
        for _ in range(megabytes):
            yield block
        yield "</t></si></sst>"
    sheet = [SHEET_HEAD.format(dimension=""), _inline_row(1, HEADER_ZH),
             '<row r="2"><c r="A2" t="s"><v>0</v></c></row>', SHEET_TAIL]
    return _xlsx(sheet, shared())


def long_cell_xlsx() -> bytes:
    """One data cell of 100,000 characters: more than any spreadsheet cell holds."""
    return _xlsx([SHEET_HEAD.format(dimension=""), _inline_row(1, HEADER_ZH),
                  _inline_row(2, ["2019100000001.1", "", "一" * 100_000]), SHEET_TAIL])


def empty_rows_xlsx(rows: int = 1_000_000) -> bytes:
    """A header, then a million rows that hold nothing."""
    def sheet():
        yield SHEET_HEAD.format(dimension="")
        yield _inline_row(1, HEADER_ZH)
        for start in range(2, rows + 2, 10_000):
            yield "".join(f'<row r="{n}"/>' for n in range(start, min(start + 10_000, rows + 2)))
        yield SHEET_TAIL
    return _xlsx(sheet())


def wide_row_xlsx(cells: int = 1_000_000) -> bytes:
    """One row of a million cells (openpyxl builds a dict for each)."""
    def sheet():
        yield SHEET_HEAD.format(dimension="")
        yield _inline_row(1, HEADER_ZH)
        yield '<row r="2">'
        for start in range(0, cells, 10_000):
            yield "<c/>" * min(10_000, cells - start)
        yield "</row>"
        yield SHEET_TAIL
    return _xlsx(sheet())


def empty_rows_csv(rows: int = 1_000_000) -> bytes:
    return ",".join(HEADER_ZH).encode() + b"\n" + b",,,\n" * rows


def csv_over_row_limit(rows: int = 50_001) -> bytes:
    """``rows`` filled data rows (the limit is 50,000); ~2 MB."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER_ZH)
    for n in range(rows):
        writer.writerow([f"2019{n:09d}", "", "一种焊接机器人", "", "", "有效", "2019-05-06"])
    return buffer.getvalue().encode("utf-8")


def nul_in_cell_csv(application_number: str) -> bytes:
    """One otherwise good row whose title holds a NUL byte (PostgreSQL refuses it)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(HEADER_ZH)
    csv.writer(buffer).writerow([application_number, "", "一种焊接\x00机器人", "本发明涉及焊接机器人。",
                                 "B25J 9/16", "审中", "2019-05-06"])
    return buffer.getvalue().encode("utf-8")


HOSTILE_FILES = {
    "dimension_bomb.xlsx": dimension_bomb,
    "shared_string_bomb.xlsx": shared_string_bomb,
    "long_cell.xlsx": long_cell_xlsx,
    "empty_rows_1m.xlsx": empty_rows_xlsx,
    "wide_row_1m_cells.xlsx": wide_row_xlsx,
    "empty_rows_1m.csv": empty_rows_csv,
    "over_row_limit.csv": csv_over_row_limit,
}
