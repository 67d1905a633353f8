"""Bulk import: preview by line and field, nothing imported until confirmed, encodings."""
import csv
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from market.extensions import db
from market.models import ImportPreview, ListingStatus, Organisation, OrgKind, Patent
from market.services import imports

from .. import factories
from ..conftest import log_in, post_form
from ..factories import new_application_number

pytestmark = pytest.mark.db

HEADER = [zh for _, zh, _ in imports.COLUMNS]


def row(number=None, **overrides):
    values = {"application_number": number or new_application_number(2019),
              "title": "一种智能焊接机器人", "abstract": "本发明涉及焊接机器人。",
              "ipc_codes": "B25J 9/16", "legal_status": "有效", "filing_date": "2019-05-06",
              "grant_date": "2021-08-10", "offer": "开放许可", "upfront_fee_fen": "0",
              "upfront_mode": "免除", "royalty_bp": "3", "term_years": "5", "publish": "是"}
    values.update(overrides)
    return [values.get(key, "") for key, _, _ in imports.COLUMNS]


def csv_bytes(rows, encoding="utf-8-sig"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    return buffer.getvalue().encode(encoding)


@pytest.fixture()
def uni(make_user):
    return make_user(kind=OrgKind.UNIVERSITY)


def test_preview_reports_every_bad_row_by_line_and_field(uni):
    rows = [row(), row("201910000001.1"), row(filing_date="2019-13-01"), row(offer="白送"),
            row(legal_status="审中", grant_date=""), row()]
    preview = imports.preview("p.csv", csv_bytes(rows), uni.org_id)
    bad = {(r.line, e.field) for r in preview.bad for e in r.errors}
    assert (3, "application_number") in bad          # wrong check character
    assert (4, "filing_date") in bad                 # not a date
    assert (5, "offer") in bad                       # unknown offer word
    assert (6, "kind") in bad                        # open licence on a pending patent
    assert [r.line for r in preview.good] == [2, 7]
    assert db.session.scalar(select(func.count()).select_from(Patent)) == 0


def test_duplicates_in_file_and_in_database(uni, make_listing, make_org):
    existing = make_listing(make_org(kind=OrgKind.INSTITUTE))
    number = new_application_number(2019)
    rows = [row(number), row(number), row(existing.application_number,
                                          filing_date=existing.filing_date.isoformat())]
    preview = imports.preview("p.csv", csv_bytes(rows), uni.org_id)
    messages = {r.line: r.errors[0] for r in preview.bad}
    assert messages[3].field == "application_number"       # same as line 2
    assert messages[4].field == "application_number"       # listed by another organisation
    assert [r.line for r in preview.good] == [2]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_encodings(uni, encoding):
    preview = imports.preview("p.csv", csv_bytes([row()], encoding), uni.org_id)
    assert not preview.bad, [e.message for r in preview.bad for e in r.errors]
    assert preview.good[0].patent["title"] == "一种智能焊接机器人"


def test_xlsx(uni):
    book = Workbook()
    book.active.append(HEADER)
    book.active.append(row())
    out = io.BytesIO()
    book.save(out)
    preview = imports.preview("p.xlsx", out.getvalue(), uni.org_id)
    assert len(preview.good) == 1 and not preview.bad


@pytest.mark.parametrize("data, name", [
    (b"", "empty.csv"), (b"\xff\xfe\x00garbage\x81\x82", "x.csv"), (b"PK\x03\x04broken", "x.xlsx"),
    ("标题\n一种方法\n".encode(), "noheader.csv"),
])
def test_unreadable_files_refused_with_a_message(uni, data, name):
    with pytest.raises(imports.ImportFileError):
        imports.preview(name, data, uni.org_id)


def test_upload_preview_confirm_through_the_pages(client, uni):
    log_in(client, uni)
    data = csv_bytes([row(), row("2019100000011"), row(title="")])
    response = post_form(client, "/patents/import",
                         {"file": (io.BytesIO(data), "portfolio.csv")},
                         content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="import-errors"' in page
    assert "申请号" in page and "专利名称" in page  # the columns of the bad rows, by name
    assert db.session.scalar(select(func.count()).select_from(Patent)) == 0
    token = page.split("/patents/import/")[1].split('"')[0]
    response = post_form(client, f"/patents/import/{token}", {}, token_from="/patents/mine")
    assert response.status_code == 302
    patents = db.session.scalars(select(Patent)).all()
    assert len(patents) == 1 and patents[0].status == ListingStatus.PUBLISHED
    assert patents[0].offers[0].royalty_bp == 300
    # the same token cannot import twice
    again = post_form(client, f"/patents/import/{token}", {}, token_from="/patents/mine")
    assert again.status_code == 303 and again.location.endswith("/patents/import")
    assert db.session.scalar(select(func.count()).select_from(Patent)) == 1


def test_a_number_listed_meanwhile_imports_nothing(client, uni, make_org, monkeypatch):
    """Someone else lists a number of the file between the check at confirmation and the
    insert (a race the check cannot see): the insert fails on the unique number, nothing is
    imported, the reason is said, and the preview is still there (all rolled back)."""
    log_in(client, uni)
    other_id, taken = make_org(kind=OrgKind.UNIVERSITY).id, new_application_number(2019)
    response = post_form(client, "/patents/import",
                         {"file": (io.BytesIO(csv_bytes([row(), row(taken)])), "two.csv")},
                         content_type="multipart/form-data")
    token = response.get_data(as_text=True).split("/patents/import/")[1].split('"')[0]
    insert_rows = imports.import_rows

    def listed_meanwhile(user, rows):
        other = db.session.get(Organisation, other_id)  # in the request's transaction
        factories.make_listing(db.session, other, application_number=taken)
        return insert_rows(user, rows)

    monkeypatch.setattr(imports, "import_rows", listed_meanwhile)
    response = post_form(client, f"/patents/import/{token}", {}, token_from="/patents/mine")
    assert response.status_code == 302 and response.location.endswith("/patents/import")
    with client.session_transaction() as session:
        assert session["_flashes"] == [
            ("error", "未导入任何数据：文件中的某件专利在此期间已被其他机构挂牌。")]
    assert db.session.scalar(select(func.count()).select_from(Patent)) == 0
    assert db.session.scalar(select(func.count()).select_from(ImportPreview)) == 1


def test_template_downloads(client, uni):
    log_in(client, uni)
    response = client.get("/patents/import/template.csv")
    assert response.data.startswith("\ufeff".encode()) and "申请号".encode() in response.data
    response = client.get("/patents/import/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.cell(1, 1).value == "申请号"
    # the template's example row passes the checks (apart from the number: already real)
    preview = imports.preview("t.xlsx", response.data, uni.org_id)
    assert len(preview.rows) == 1


def test_cli_import(runner, uni, tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(csv_bytes([row(), row(title="")], "gbk"))
    result = runner.invoke(args=["listings", "import", str(path), "--org", uni.org.credit_code])
    assert result.exit_code == 1 and "line 3" in result.output
    assert db.session.scalar(select(func.count()).select_from(Patent)) == 0
    result = runner.invoke(args=["listings", "import", str(path), "--org", uni.org.credit_code,
                                 "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Patent)) == 1
