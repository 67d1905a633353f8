"""Listing pages: create with an open licence, inline errors, edit, publish, withdraw."""
import io

import pytest
from sqlalchemy import select

from market.extensions import db
from market.models import ListingStatus, OrgKind, Patent

from ..conftest import log_in, post_form

pytestmark = pytest.mark.db


def form(**overrides):
    data = {"application_number": "ZL201710601862.3", "title": "一种石墨烯导热薄膜的制备方法",
            "legal_status": "granted", "filing_date": "2017-07-26", "grant_date": "2020-03-10",
            "ipc_codes": "C01B 32/184", "abstract": "本发明公开了一种石墨烯导热薄膜。",
            "kind": "open_licence", "upfront_mode": "deferred", "upfront_fee_fen": "50,000",
            "deferral_kind": "months", "deferral_months": "12", "royalty_bp": "3",
            "royalty_threshold_fen": "1000000", "term_years": "5", "territory": "中国大陆",
            "publish": "1"}
    data.update(overrides)
    return data


@pytest.fixture()
def uni(client, make_user):
    user = make_user(kind=OrgKind.UNIVERSITY)
    log_in(client, user)
    return user


def test_create_open_licence_and_see_plain_summary(client, uni):
    response = post_form(client, "/patents/new", form())
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    patent = db.session.scalar(select(Patent))
    assert patent.status == ListingStatus.PUBLISHED
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "首付 0 元，签约 12 个月后支付 ¥50,000；年销售额超过 ¥1,000,000 的部分按 3% 提成；许可期 5 年" \
        in page
    assert "ZL201710601862.3" in page


@pytest.mark.parametrize("overrides, field, text", [
    ({"application_number": "201710601862.4"}, "application_number", "校验位"),
    ({"legal_status": "pending", "grant_date": ""}, "kind", "开放许可"),
    ({"term_years": "25"}, "term_years", None),
    ({"royalty_bp": "25"}, "royalty_bp", None),
])
def test_refusals_shown_on_the_named_field(client, uni, overrides, field, text):
    response = post_form(client, "/patents/new", form(**overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page
    if text:
        error = page.split(f'id="{field}-error"')[1].split("</p>")[0]
        assert text in error
    assert db.session.scalar(select(Patent)) is None


def test_draft_publish_withdraw_from_pages(client, uni):
    post_form(client, "/patents/new", form(publish=""))
    patent = db.session.scalar(select(Patent))
    assert patent.status == ListingStatus.DRAFT
    assert client.get("/patents/").get_data(as_text=True).count("listing-card") == 0
    post_form(client, f"/patents/{patent.id}/publish", {}, token_from=f"/patents/{patent.id}")
    db.session.refresh(patent)
    assert patent.status == ListingStatus.PUBLISHED
    assert patent.title in client.get("/patents/").get_data(as_text=True)
    post_form(client, f"/patents/{patent.id}/withdraw", {}, token_from=f"/patents/{patent.id}")
    db.session.refresh(patent)
    assert patent.status == ListingStatus.WITHDRAWN


def test_drafts_invisible_to_others(app, client, uni, make_listing):
    draft = make_listing(uni.org, status=ListingStatus.DRAFT)
    assert app.test_client().get(f"/patents/{draft.id}").status_code == 404
    assert client.get(f"/patents/{draft.id}").status_code == 200


def test_views_counted_for_visitors_not_owner(app, client, uni, make_listing):
    patent = make_listing(uni.org)
    client.get(f"/patents/{patent.id}")
    app.test_client().get(f"/patents/{patent.id}")
    app.test_client().get(f"/patents/{patent.id}")
    db.session.refresh(patent)
    assert patent.view_count == 2


def test_edit_patent_and_offer(client, uni, make_listing):
    patent = make_listing(uni.org)
    data = form(title="修改后的名称", filing_date=patent.filing_date.isoformat(),
                application_number=patent.application_number)
    response = post_form(client, f"/patents/{patent.id}/edit", data)
    assert response.status_code == 302
    offer = patent.offers[0]
    response = post_form(client, f"/patents/offers/{offer.id}/edit",
                         {"kind": "open_licence", "upfront_mode": "waived", "royalty_bp": "2.5",
                          "term_years": "3", "territory": "中国大陆"})
    assert response.status_code == 302
    db.session.refresh(offer)
    db.session.refresh(patent)
    assert patent.title == "修改后的名称" and offer.royalty_bp == 250
    history = client.get(f"/patents/{patent.id}/history").get_data(as_text=True)
    # worded as the forms word them, values as people read them (not stored codes)
    assert "修改报价条件" in history and "修改专利信息" in history
    assert "提成比例（%）" in history
    assert "2.50 %" in history and "修改后的名称" in history
    assert "terms_changed" not in history and "royalty_bp" not in history


def test_other_university_cannot_edit(app, make_user, make_listing):
    owner = make_user(kind=OrgKind.UNIVERSITY)
    patent = make_listing(owner.org)
    other = app.test_client()
    log_in(other, make_user(kind=OrgKind.UNIVERSITY))
    assert other.get(f"/patents/{patent.id}/edit").status_code == 404
    assert post_form(other, f"/patents/{patent.id}/withdraw", {},
                     token_from="/patents/mine").status_code == 404


def test_attachment_type_checked_by_content(client, uni, make_listing):
    patent = make_listing(uni.org)
    fake = post_form(client, f"/patents/{patent.id}/attachments",
                     {"file": (io.BytesIO(b"MZ\x90 not an image"), "photo.png")},
                     content_type="multipart/form-data", token_from=f"/patents/{patent.id}")
    assert fake.status_code == 302 and not patent.attachments
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    post_form(client, f"/patents/{patent.id}/attachments",
              {"file": (io.BytesIO(png), "示意图.png")}, content_type="multipart/form-data",
              token_from=f"/patents/{patent.id}")
    db.session.refresh(patent)
    [item] = patent.attachments
    response = client.get(f"/patents/attachments/{item.id}")
    assert response.data == png and response.mimetype == "image/png"


def test_mine_lists_counts(client, uni, make_listing):
    make_listing(uni.org)
    make_listing(uni.org, status=ListingStatus.DRAFT)
    page = client.get("/patents/mine").get_data(as_text=True)
    assert page.count("<tr>") == 3  # header + two listings


def test_views_are_written_in_batches_without_touching_updated_at(app, uni, make_listing):
    """A visitor's view does not wait for a write: views are added up in the process and
    written once per batch; the listing's last-changed time stays its owner's."""
    app.config["VIEW_COUNT_BATCH"] = 3
    app.extensions.pop("market.views", None)
    patent, other = make_listing(uni.org), make_listing(uni.org)
    changed = patent.updated_at
    visitor = app.test_client()
    for path in (f"/patents/{patent.id}", f"/patents/{other.id}"):
        assert visitor.get(path).status_code == 200
    db.session.refresh(patent)
    assert patent.view_count == 0  # not written yet
    visitor.get(f"/patents/{patent.id}")  # the third view: the batch is due
    db.session.refresh(patent)
    db.session.refresh(other)
    assert (patent.view_count, other.view_count) == (2, 1)
    assert patent.updated_at == changed


def test_a_stopping_worker_writes_its_pending_views(app, uni, make_listing):
    """gunicorn's worker_exit hook writes the views still waiting for a batch."""
    import runpy
    from pathlib import Path
    from types import SimpleNamespace
    app.config["VIEW_COUNT_BATCH"] = 50
    app.extensions.pop("market.views", None)
    patent = make_listing(uni.org)
    visitor = app.test_client()
    for _ in range(3):
        visitor.get(f"/patents/{patent.id}")
    db.session.refresh(patent)
    assert patent.view_count == 0
    hooks = runpy.run_path(str(Path(__file__).parents[2] / "gunicorn.conf.py"))
    hooks["worker_exit"](SimpleNamespace(log=None), SimpleNamespace(wsgi=app))
    db.session.refresh(patent)
    assert patent.view_count == 3
