"""Hostile input: markup, template syntax, SQL fragments, odd Unicode and bad uploads.

Every page that shows user-typed text must escape it; every filter must treat SQL-looking
text as data; uploads that are too big or not what they claim are refused with a message.
"""
import csv
import io
import json
from datetime import date

import pytest
from sqlalchemy import func, select, text

from market.extensions import db
from market.models import Deal, OrgKind, OrgStatus, Patent
from market.services import deals, imports, listings
from market.unit_of_work import commit

from ..conftest import csrf_token, log_in, post_form
from ..factories import new_application_number

pytestmark = pytest.mark.db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS = "javascript:alert(1)"
TEMPLATE = "{{7*7}}"
PAYLOAD = f"{SCRIPT} {IMG} {JS} {TEMPLATE}"
SQL = ["' OR 1=1 --", "1; DROP TABLE patent", "%' UNION SELECT password_hash FROM user_account --"]


def assert_escaped(html: str, *, expect_payload: bool = True) -> None:
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x onerror" not in html
    assert 'href="javascript:' not in html.lower()
    assert "\u003e49\u003c" not in html and " 49 " not in html
    if expect_payload:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert TEMPLATE in html


def page_of(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def publish(user, title, **fields):
    values = {"application_number": new_application_number(2019), "title": title,
              "abstract": fields.pop("abstract", "本发明公开了一种新材料。"),
              "ipc_codes": fields.pop("ipc_codes", "C01B 32/184"), "legal_status": "granted",
              "filing_date": date(2019, 3, 1), "grant_date": date(2021, 6, 1), **fields}
    offer = fields.pop("offer", None)
    values.pop("offer", None)
    patent = listings.create_patent(user, values)
    listings.add_offer(user, patent, offer or {"kind": "open_licence", "upfront_mode": "waived",
                                               "term_years": 3})
    listings.publish(user, patent)
    commit()
    return patent


def table_alive() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Patent))


# --- 1. cross-site scripting and template injection ---------------------------------------

@pytest.fixture()
def hostile(app, make_user):
    """A university and an SME whose organisations, a listing, its offer and a deal carry
    the payload in every text field."""
    org_fields = dict(name=f"石墨烯大学{SCRIPT}", address=f"沈阳{IMG}", contact_name=f"{JS}{TEMPLATE}")
    uni = make_user(kind=OrgKind.UNIVERSITY, **org_fields)
    sme = make_user(kind=OrgKind.SME, name=f"浑南科技{IMG}{SCRIPT}", address=f"浑南{TEMPLATE}",
                    contact_name=JS)
    patent = publish(uni, f"石墨烯薄膜 {PAYLOAD}", abstract=f"本发明公开了石墨烯。{PAYLOAD}",
                     claims=f"1. 一种方法 {PAYLOAD}", inventors=f"张三；{SCRIPT}",
                     keywords=f"石墨烯；{IMG}",
                     offer={"kind": "licence", "licence_kind": "exclusive",
                            "upfront_mode": "waived", "royalty_bp": 300, "term_years": 5,
                            "territory": f"中国大陆{SCRIPT}", "field_of_use": f"电池{IMG}"})
    offer = patent.offers[0]
    proposal = {"licence_kind": "exclusive", "upfront_mode": "waived", "royalty_bp": 300,
                "term_years": 5, "territory": offer.territory, "field_of_use": offer.field_of_use,
                "upfront_fee_fen": 0, "deferral_kind": None, "deferral_months": None,
                "royalty_threshold_fen": None, "min_annual_royalty_fen": None, "price_fen": None}
    deal = deals.request_deal(sme, offer, proposal, f"我们希望获得许可。{PAYLOAD}")
    commit()
    deals.post_message(deal, uni, f"请提供生产计划 {PAYLOAD}")
    commit()
    return uni, sme, patent, deal


def test_listing_pages_escape_every_field(app, hostile):
    uni, sme, patent, _deal = hostile
    visitor = app.test_client()
    detail = page_of(visitor, f"/patents/{patent.id}")
    assert_escaped(detail)
    for value in ("&lt;script&gt;alert(1)&lt;/script&gt;", "张三"):
        assert value in detail
    assert_escaped(page_of(visitor, "/patents/"))
    assert_escaped(page_of(visitor, "/"))
    owner = app.test_client()
    log_in(owner, uni)
    assert_escaped(page_of(owner, f"/org/{uni.org_id}"))
    assert_escaped(page_of(owner, f"/org/{uni.org_id}/edit"), expect_payload=False)
    assert_escaped(page_of(owner, "/patents/mine"))
    assert_escaped(page_of(owner, f"/patents/{patent.id}"))
    assert_escaped(page_of(owner, f"/patents/{patent.id}/edit"), expect_payload=False)
    assert_escaped(page_of(owner, f"/patents/offers/{patent.offers[0].id}/edit"),
                   expect_payload=False)
    assert_escaped(page_of(owner, f"/patents/{patent.id}/history"), expect_payload=False)


@pytest.mark.parametrize("q", ["石墨烯", "alert", "script", "onerror", "石墨烯 alert"])
def test_search_highlights_escape_the_payload(app, hostile, q):
    _uni, _sme, patent, _deal = hostile
    for client in (app.test_client(), app.test_client()):  # the second may be served cached
        html = page_of(client, f"/search/?q={q}&sort=newest")
        assert f"/patents/{patent.id}" in html
        assert_escaped(html, expect_payload=False)  # <mark> may split the escaped payload
        assert "&lt;script&gt;" in html and "&lt;img src=x" in html and TEMPLATE in html
        assert "<mark>" in html


def test_api_returns_json_with_the_raw_text(app, hostile):
    _uni, _sme, patent, _deal = hostile
    client = app.test_client()
    response = client.get("/api/v1/patents?q=石墨烯")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    [result] = body["results"]
    assert SCRIPT in result["title"]
    assert "<script>" not in result["highlight_title"]  # highlights are escaped HTML
    one = client.get(f"/api/v1/patents/{patent.id}")
    assert one.mimetype == "application/json"
    data = one.get_json()
    assert SCRIPT in data["abstract"] and SCRIPT in data["claims"]
    assert data["offers"][0]["territory"] == f"中国大陆{SCRIPT}"
    json.loads(one.get_data(as_text=True))


def test_listing_typed_through_the_form_is_escaped(app, make_user):
    user = make_user(kind=OrgKind.UNIVERSITY)
    client = app.test_client()
    log_in(client, user)
    fields = {**LISTING_FORM, "application_number": "201710601862.3",
              "title": f"石墨烯 {PAYLOAD}", "abstract": PAYLOAD, "claims": PAYLOAD,
              "inventors": f"张三；{SCRIPT}", "keywords": IMG, "kind": "licence",
              "licence_kind": "non_exclusive", "royalty_bp": "3",
              "territory": f"中国{SCRIPT}", "field_of_use": f"电池{IMG}"}
    response = post_form(client, "/patents/new", fields)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    patent = db.session.scalar(select(Patent))
    assert patent.title == f"石墨烯 {PAYLOAD}" and patent.offers[0].territory == f"中国{SCRIPT}"
    for viewer in (client, app.test_client()):
        assert_escaped(page_of(viewer, f"/patents/{patent.id}"))
    edit = page_of(client, f"/patents/{patent.id}/edit")
    assert_escaped(edit, expect_payload=False)
    assert "&lt;script&gt;" in edit  # the form field values are escaped too


def test_message_posted_through_the_page_is_escaped(app, hostile):
    uni, sme, _patent, deal = hostile
    client = app.test_client()
    log_in(client, sme)
    detail = f"/deals/{deal.id}"
    body = f"回复 {PAYLOAD} </textarea><script>alert(2)</script>"
    response = post_form(client, f"{detail}/messages", {"body": body}, token_from=detail)
    assert response.status_code == 302
    assert db.session.get(Deal, deal.id).messages[-1].body == body
    other = app.test_client()
    log_in(other, uni)
    for viewer in (client, other):
        html = page_of(viewer, detail)
        assert_escaped(html)
        assert "<script>alert(2)</script>" not in html and "</textarea><script>" not in html


def test_deal_pages_escape_for_both_parties(app, hostile):
    uni, sme, _patent, deal = hostile
    for user in (uni, sme):
        client = app.test_client()
        log_in(client, user)
        html = page_of(client, f"/deals/{deal.id}")
        assert_escaped(html)
        assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2  # both messages
        assert_escaped(page_of(client, "/deals/"))
        assert_escaped(page_of(client, "/deals/inbox"), expect_payload=False)
        assert_escaped(page_of(client, "/"), expect_payload=False)


def test_centre_pages_escape(app, hostile, make_user, make_org):
    uni, _sme, patent, _deal = hostile
    make_org(kind=OrgKind.SME, status=OrgStatus.PENDING, name=f"待审{SCRIPT}",
             address=f"地址{IMG}", contact_name=f"{JS}{TEMPLATE}")
    centre = app.test_client()
    log_in(centre, make_user(kind=OrgKind.CENTRE))
    assert_escaped(page_of(centre, "/centre/verification"))
    assert_escaped(page_of(centre, "/centre/monitor"), expect_payload=False)
    assert_escaped(page_of(centre, "/centre/listings/hidden?q=石墨烯"))
    assert_escaped(page_of(centre, f"/centre/listings/hidden?q={SCRIPT}"), expect_payload=False)
    response = post_form(centre, f"/centre/listings/{patent.id}/hide",
                         {"reason": f"信息不实，请核实 {SCRIPT}"})
    assert response.status_code in (200, 302)
    assert_escaped(page_of(centre, "/centre/listings/hidden"))
    assert_escaped(page_of(centre, f"/org/{uni.org_id}"))


# --- 2. SQL injection ---------------------------------------------------------------------

FILTERS = ("q", "industry", "patent_type", "offer_kinds", "open_licence", "fee", "owner_id",
           "district", "legal_status", "ipc", "sort", "page")


@pytest.mark.parametrize("payload", SQL)
def test_search_and_api_filters_treat_sql_as_data(app, make_user, payload):
    publish(make_user(kind=OrgKind.UNIVERSITY), "一种石墨烯导热薄膜的制备方法")
    client = app.test_client()
    for key in FILTERS:
        page = client.get("/search/", query_string={key: payload})
        assert page.status_code in (200, 302, 400, 422), (key, page.status_code)
        if page.status_code == 200:
            assert_escaped(page.get_data(as_text=True), expect_payload=False)
        api = client.get("/api/v1/patents", query_string={key: payload})
        assert api.status_code in (200, 400, 422), (key, api.status_code)
        assert api.mimetype == "application/json"
    assert client.get("/search/", query_string={"q": payload, "industry": payload,
                                                "owner_id": payload}).status_code == 200
    assert table_alive() == 1


@pytest.mark.parametrize("payload", SQL)
def test_login_and_list_filters_treat_sql_as_data(app, make_user, payload):
    uni = make_user(kind=OrgKind.UNIVERSITY)
    publish(uni, "一种石墨烯导热薄膜的制备方法")
    anonymous = app.test_client()
    response = post_form(anonymous, "/account/login", {"email": payload, "password": payload})
    assert response.status_code in (200, 400, 422)
    assert_escaped(response.get_data(as_text=True), expect_payload=False)
    response = post_form(anonymous, "/account/login", {"email": uni.email, "password": payload})
    assert response.status_code in (200, 400, 422)
    owner = app.test_client()
    log_in(owner, uni)
    for url in ("/patents/mine", "/deals/", "/deals/inbox"):
        for key in ("status", "state", "page"):
            assert owner.get(url, query_string={key: payload}).status_code in (200, 302, 400)
    sme = app.test_client()
    log_in(sme, make_user(kind=OrgKind.SME))
    assert sme.get("/deals/", query_string={"state": payload}).status_code == 200
    centre = app.test_client()
    log_in(centre, make_user(kind=OrgKind.CENTRE))
    for url, key in (("/centre/indicators", "year"), ("/centre/indicators", "start"),
                     ("/centre/indicators", "end"), ("/centre/monitor", "org"),
                     ("/centre/monitor", "start"), ("/centre/listings/hidden", "q"),
                     ("/centre/audit", "page")):
        response = centre.get(url, query_string={key: payload})
        assert response.status_code in (200, 302, 400, 404, 422), (url, key, response.status_code)
    assert table_alive() == 1


# --- 3. Unicode ---------------------------------------------------------------------------

LISTING_FORM = {"title": "一种石墨烯导热薄膜的制备方法", "legal_status": "granted",
                "filing_date": "2017-07-26", "grant_date": "2020-03-10",
                "ipc_codes": "C01B 32/184", "abstract": "本发明公开了一种石墨烯导热薄膜。",
                "kind": "open_licence", "upfront_mode": "waived", "term_years": "5",
                "territory": "中国大陆", "publish": "1"}


@pytest.fixture()
def uni_client(app, make_user):
    user = make_user(kind=OrgKind.UNIVERSITY)
    client = app.test_client()
    log_in(client, user)
    return user, client


def test_full_width_application_number_is_normalised(uni_client):
    _user, client = uni_client
    response = post_form(client, "/patents/new",
                         {**LISTING_FORM, "application_number": "２０１７１０６０１８６２．３"})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    patent = db.session.scalar(select(Patent))
    assert patent.application_number == "201710601862.3"


def test_emoji_and_rtl_marks_in_title_are_kept_and_escaped(app, uni_client):
    _user, client = uni_client
    title = f"一种石墨烯薄膜🔥\u202etxt.exe{SCRIPT}"
    response = post_form(client, "/patents/new",
                         {**LISTING_FORM, "application_number": "201710601862.3", "title": title})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    patent = db.session.scalar(select(Patent))
    assert patent.title == title
    for viewer in (client, app.test_client()):
        html = page_of(viewer, f"/patents/{patent.id}")
        assert "一种石墨烯薄膜🔥\u202etxt.exe&lt;script&gt;" in html
        assert_escaped(html, expect_payload=False)
    html = page_of(app.test_client(), "/search/?q=石墨烯")
    assert "🔥" in html and "\u202e" in html
    assert_escaped(html, expect_payload=False)


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[zh for _, zh, _ in imports.COLUMNS], *rows])
    return buffer.getvalue().encode("utf-8-sig")


def _row(**values):
    base = {"application_number": new_application_number(2019), "title": "一种智能焊接机器人",
            "abstract": "本发明涉及焊接机器人。", "ipc_codes": "B25J 9/16", "legal_status": "有效",
            "filing_date": "2019-05-06", "grant_date": "2021-08-10", "offer": "开放许可",
            "upfront_fee_fen": "0", "upfront_mode": "免除", "royalty_bp": "3", "term_years": "5",
            "publish": "是"}
    base.update(values)
    return [base.get(key, "") for key, _, _ in imports.COLUMNS]


def upload(client, data, name):
    return post_form(client, "/patents/import", {"file": (io.BytesIO(data), name)},
                     content_type="multipart/form-data")


def test_csv_with_emoji_and_rtl_marks_previews(uni_client):
    _user, client = uni_client
    data = _csv([_row(title=f"焊接机器人🤖\u202e{SCRIPT}", inventors="张三\u200f；李四😀",
                      keywords=f"焊接\u202d{IMG}"),
                 _row(title="🔥" * 10, abstract="\u202e" * 5, filing_date="２０１９-０５-０６")])
    response = upload(client, data, "组合🤖.csv")
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    html = response.get_data(as_text=True)
    assert "🤖" in html
    assert_escaped(html, expect_payload=False)
    assert db.session.scalar(select(func.count()).select_from(Patent)) == 0


# --- 4. oversize and wrong-type uploads ---------------------------------------------------

def _attach(client, patent, data, name):
    return post_form(client, f"/patents/{patent.id}/attachments",
                     {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data",
                     token_from=f"/patents/{patent.id}", follow_redirects=True)


def test_attachment_over_5_mb_refused_with_message(uni_client):
    user, client = uni_client
    patent = publish(user, "一种石墨烯导热薄膜的制备方法")
    big = b"\x89PNG\r\n\x1a\n" + b"\0" * (5 * 1024 * 1024)
    response = _attach(client, patent, big, "big.png")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "5 MB" in html
    db.session.refresh(patent)
    assert patent.attachments == []


@pytest.mark.parametrize("data, name", [
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\0" * 200, "photo.png"),
    (b"\x7fELF\x02\x01\x01" + b"\0" * 200, "scan.pdf"),
    (b"<svg onload=alert(1)>", "x.jpg"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 10, "payload.exe"),
])
def test_attachment_of_wrong_type_refused_with_message(uni_client, data, name):
    user, client = uni_client
    patent = publish(user, "一种石墨烯导热薄膜的制备方法")
    response = _attach(client, patent, data, name)
    assert response.status_code == 200
    assert "PNG" in response.get_data(as_text=True)
    db.session.refresh(patent)
    assert patent.attachments == []


def test_body_over_max_content_length_gives_413(app, uni_client):
    user, client = uni_client
    patent = publish(user, "一种石墨烯导热薄膜的制备方法")
    size = app.config["MAX_CONTENT_LENGTH"] + 1024
    token = csrf_token(client, f"/patents/{patent.id}")
    boundary = "----hostile"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
            f"{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"huge.png\"\r\nContent-Type: image/png\r\n\r\n").encode() + \
        b"\x89PNG\r\n\x1a\n" + b"\0" * size + f"\r\n--{boundary}--\r\n".encode()
    response = client.post(f"/patents/{patent.id}/attachments", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    db.session.refresh(patent)
    assert patent.attachments == []


def _xlsx_without_header() -> bytes:
    from openpyxl import Workbook
    book = Workbook()
    book.active.append(["foo", "bar"])
    book.active.append([SCRIPT, IMG])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("data, name", [
    (b"PK\x03\x04 this is not a zip file at all", "portfolio.xlsx"),
    (b"\x00\x01\x02\xff\xfe garbage", "portfolio.xlsx"),
    (b"", "portfolio.csv"),
    (b"\xff\xfe\x00\x00\x81\x82\x83\x00\x00\x00", "portfolio.csv"),
    ("名称,作者\n" f"{SCRIPT},{IMG}\n".encode(), "portfolio.csv"),
    ('申请号,专利名称\n"unterminated,quote\n'.encode(), "portfolio.csv"),
    (b"MZ\x90\x00 executable", "portfolio.exe"),
    (None, "portfolio.xlsx"),
])
def test_malformed_import_files_refused_with_message(uni_client, data, name):
    _user, client = uni_client
    response = upload(client, _xlsx_without_header() if data is None else data, name)
    assert response.status_code in (200, 422), response.status_code
    html = response.get_data(as_text=True)
    assert_escaped(html, expect_payload=False)
    if 'id="import-errors"' not in html:  # not a preview refusing every row: the file refused
        assert response.status_code == 422
        assert 'id="file-error"' in html or 'class="error' in html
    assert db.session.scalar(select(func.count()).select_from(Patent)) == 0
    assert db.session.scalar(select(func.count()).select_from(Deal)) == 0
    db.session.execute(text("SELECT 1"))
