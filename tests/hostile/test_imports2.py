"""Large portfolios stream (issue 12, F2: one worker under 256 MB for any file the upload
limit lets in): the preview keeps counts, the first good rows and the first errors, never
the whole table; the confirmation imports every good row a chunk at a time; the XLSX
sheet reader gives the values openpyxl's read-only mode gives."""
import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from market.extensions import db
from market.models import OrgKind, Patent
from market.services import import_files, imports

from ..conftest import log_in
from ..factories import new_application_number
from ..listings.test_import import csv_bytes, row
from .test_imports import confirm, token_of, upload

pytestmark = pytest.mark.db


@pytest.fixture()
def small_caps(monkeypatch):
    """Caps and chunks of a few rows, so that a small file crosses every boundary."""
    monkeypatch.setattr(imports, "SHOWN_GOOD_ROWS", 5)
    monkeypatch.setattr(imports, "SHOWN_ERRORS", 4)
    monkeypatch.setattr(imports, "CHUNK_ROWS", 3)


@pytest.fixture()
def uni(make_user):
    return make_user(kind=OrgKind.UNIVERSITY)


def test_preview_keeps_only_what_the_page_shows(uni, small_caps, make_listing, make_org):
    listed = make_listing(make_org(kind=OrgKind.INSTITUTE))
    numbers = [new_application_number(2019) for _ in range(20)]
    rows = [row(n) for n in numbers]                       # lines 2-21: good
    rows += [row(title="") for _ in range(6)]              # lines 22-27: one error each
    rows += [row(numbers[0]), row(listed.application_number,
                                  filing_date=listed.filing_date.isoformat())]  # 28, 29
    preview = imports.preview("p.csv", csv_bytes(rows), uni.org_id)
    assert (preview.good_count, preview.bad_count, preview.row_count) == (20, 8, 28)
    assert [r.line for r in preview.good] == [2, 3, 4, 5, 6]
    assert [r.line for r in preview.bad] == [22, 23, 24, 25]
    assert (preview.errors_shown, preview.errors_not_shown) == (4, 4)
    assert db.session.scalar(select(func.count()).select_from(Patent)) == 1


def test_repeated_and_listed_numbers_found_across_chunks(uni, small_caps, make_listing, make_org):
    listed = make_listing(make_org(kind=OrgKind.INSTITUTE))
    number = new_application_number(2019)
    rows = [row(), row(), row(number), row(), row(), row(), row(number),
            row(listed.application_number, filing_date=listed.filing_date.isoformat())]
    bad = {r.line: r.errors[0] for r in imports.checked_rows("p.csv", csv_bytes(rows), uni.org_id)
           if not r.ok}
    assert sorted(bad) == [8, 9]
    assert bad[8].field == "application_number" and "4" in str(bad[8].message)  # line 4
    assert bad[9].field == "application_number"


def test_page_says_how_many_errors_are_not_shown_and_confirm_imports_every_good_row(
        client, uni, small_caps):
    log_in(client, uni)
    rows = [row() for _ in range(12)] + [row(title="") for _ in range(7)]
    response = upload(client, csv_bytes(rows), "p.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="errors-not-shown"' in page
    assert page.count("<td>专利名称</td>") == 4
    response = confirm(client, token_of(response))
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Patent)) == 12


def _openpyxl_values(data: bytes) -> list[tuple]:
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return rows


def _trimmed(rows) -> list[tuple]:
    out = []
    for cells in rows:
        cells = list(cells)
        while cells and cells[-1] is None:
            cells.pop()
        out.append(tuple(cells))
    return out


@pytest.mark.parametrize("write_only", [False, True])  # shared strings / inline strings
def test_xlsx_sheet_reader_gives_what_openpyxl_gives(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet() if write_only else book.active
    values = [["申请号", "专利名称", "数", "日期"],
              ["201710601862.3", "一种<方法>&", 3, datetime(2017, 7, 26)],
              [None, "x", 2.5, date(2020, 3, 10)],
              [],
              ["a", None, True, False],
              [None, None, None, "末"]]
    for cells in values:
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    assert _trimmed(import_files.xlsx_rows(data)) == _trimmed(_openpyxl_values(data))
