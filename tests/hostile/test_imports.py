"""Hostile portfolio imports (F2, F7, NUL bytes in cells).

Files that are small on disk but huge once read naively are refused with a message before
anything is built from them; a preview lives in the database, so any app server can
confirm it, only its owner can, once, until it expires; uploads are limited per user.
"""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from market.extensions import db
from market.models import ImportPreview, OrgKind, Patent
from market.models.base import utcnow
from market.services import imports

from ..conftest import csrf_token, log_in, post_form
from ..factories import new_application_number
from . import import_bombs

pytestmark = pytest.mark.db


def _good_csv() -> bytes:
    return import_bombs.nul_in_cell_csv(new_application_number(2019)).replace(b"\x00", b"")


def upload(client, data, name):
    """POST the file as a browser does. The body is built here: Werkzeug's test client
    spools a large body to a temporary file it never closes (a ResourceWarning)."""
    boundary = "----hostile-import"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            f"{csrf_token(client, '/patents/import')}\r\n--{boundary}\r\n"
            f"Content-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + data + \
        f"\r\n--{boundary}--\r\n".encode()
    return client.post("/patents/import", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def token_of(response) -> str:
    return response.get_data(as_text=True).split("/patents/import/")[1].split('"')[0]


def confirm(client, token):
    return post_form(client, f"/patents/import/{token}", {}, token_from="/patents/import")


def patents() -> int:
    return db.session.scalar(select(func.count()).select_from(Patent))


@pytest.fixture()
def uni(make_user):
    return make_user(kind=OrgKind.UNIVERSITY)


@pytest.fixture()
def uni_client(client, uni):
    log_in(client, uni)
    return client


@pytest.mark.parametrize(("name", "make", "words"), [
    ("dimension_bomb.xlsx", import_bombs.dimension_bomb, "50000"),
    ("shared_string_bomb.xlsx", lambda: import_bombs.shared_string_bomb(70), "50000"),
    ("long_cell.xlsx", import_bombs.long_cell_xlsx, "32767"),
    ("empty_rows_1m.xlsx", import_bombs.empty_rows_xlsx, "50000"),
    ("wide_row.xlsx", import_bombs.wide_row_xlsx, "50000"),
    ("empty_rows_1m.csv", import_bombs.empty_rows_csv, "50000"),
    ("over_row_limit.csv", import_bombs.csv_over_row_limit, "50000"),
])
def test_hostile_file_refused_with_a_message(uni_client, name, make, words):
    response = upload(uni_client, make(), name)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="file-error"' in html and words in html
    assert db.session.scalar(select(func.count()).select_from(ImportPreview)) == 0


def test_nul_byte_in_a_cell_reported_by_line_and_field(uni_client):
    response = upload(uni_client, import_bombs.nul_in_cell_csv(new_application_number(2019)),
                      "nul.csv")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    errors = html.split('id="import-errors"')[1].split("</table>")[0]
    assert '<td class="num">2</td><td>专利名称</td>' in errors and "NUL" in errors


def test_preview_confirmed_through_another_app_server(uni_client, uni, make_app):
    token = token_of(upload(uni_client, _good_csv(), "p.csv"))
    other = make_app().test_client()  # a second server on the same database, no shared disk
    log_in(other, uni)
    response = confirm(other, token)
    assert response.status_code == 302 and response.location.endswith("/patents/mine")
    assert patents() == 1
    again = confirm(uni_client, token)  # the first server: the preview is used up
    assert again.status_code == 303
    assert patents() == 1


def test_another_user_cannot_confirm_a_preview(app, uni_client, make_user, uni):
    token = token_of(upload(uni_client, _good_csv(), "p.csv"))
    for intruder in (make_user(kind=OrgKind.UNIVERSITY), make_user(org=uni.org, admin=False)):
        client = app.test_client()
        log_in(client, intruder)
        assert confirm(client, token).status_code == 303
        assert patents() == 0
    assert confirm(uni_client, token).status_code == 302  # the owner still can
    assert patents() == 1


def test_expired_preview_refused_and_cleaned(uni_client, runner):
    token = token_of(upload(uni_client, _good_csv(), "p.csv"))
    fresh = token_of(upload(uni_client, _good_csv(), "q.csv"))
    db.session.execute(update(ImportPreview).where(ImportPreview.token == token)
                       .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert confirm(uni_client, token).status_code == 303
    assert patents() == 0
    result = runner.invoke(args=["imports", "clean"])
    assert result.exit_code == 0 and "1 expired" in result.output
    assert db.session.scalars(select(ImportPreview.token)).all() == [fresh]



def test_uploads_rate_limited_per_user(make_app, make_user):
    limited = make_app(RATELIMIT_ENABLED=True, IMPORT_RATE_LIMIT="2 per minute")
    first, second = limited.test_client(), limited.test_client()
    log_in(first, make_user(kind=OrgKind.UNIVERSITY))
    log_in(second, make_user(kind=OrgKind.UNIVERSITY))
    statuses = [upload(first, _good_csv(), "p.csv").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert upload(second, _good_csv(), "p.csv").status_code == 200  # same address, own limit


def test_control_characters_checked_without_a_request(uni):
    data = import_bombs.nul_in_cell_csv(new_application_number(2019)).replace(b"\x00", b"\x1b")
    preview = imports.preview("p.csv", data, uni.org_id)
    assert [(r.line, e.field) for r in preview.bad for e in r.errors] == [(2, "title")]
