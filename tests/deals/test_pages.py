"""The deal pages through HTTP, as a browser submits them (CSRF included)."""
import pytest

from market.extensions import db
from market.models import Deal, DealState, OfferKind
from market.services import deals
from market.unit_of_work import commit

from ..conftest import csrf_token, log_in, post_form
from ..factories import EXCLUSIVE, PASSWORD
from ..pdf_check import check_pdf
from .conftest import refetch

pytestmark = pytest.mark.db


def _only_deal():
    return db.session.scalars(db.select(Deal).order_by(Deal.id.desc())).first()


def test_take_open_licence_and_download_contract(client, make_listing, university, sme):
    patent = make_listing(university.org)
    log_in(client, sme)
    url = f"/deals/take/{patent.offers[0].id}"
    page = client.get(url).get_data(as_text=True)
    assert "首付 0 元" in page and sme.org.credit_code in page
    response = post_form(client, url, {
        "legal_name": sme.org.name, "credit_code": sme.org.credit_code,
        "address": sme.org.address, "field_of_use": "锂电池负极", "expected_start": "2026-03-01",
        "confirm": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    deal = _only_deal()
    assert deal.state == DealState.ACCEPTED  # the written notice is sent; the licensee signs
    assert client.get(f"/deals/{deal.id}/contract.pdf").status_code == 404
    assert client.get(f"/deals/{deal.id}/contract-draft.pdf").mimetype == "application/pdf"
    assert sign_through_page(client, deal, sme).status_code == 302
    deal = refetch(deal)
    assert deal.state == DealState.CONCLUDED
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert deal.contract_number in page and "已成交" in page and "书面通知" in page
    assert "备案" in page
    pdf = client.get(f"/deals/{deal.id}/contract.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    check_pdf(pdf.data, sme.org.name, university.org.name, sme.org.credit_code,
              patent.patent_number, patent.title, deal.contract_number, "普通实施许可",
              "许可期限", "甲方同意免收入门费", "锂电池负极", university.org.address,
              f"{patent.filing_date.year}年{patent.filing_date.month}月{patent.filing_date.day}日")


def test_take_open_refuses_a_wrong_credit_code(client, make_listing, university, sme):
    patent = make_listing(university.org)
    log_in(client, sme)
    url = f"/deals/take/{patent.offers[0].id}"
    response = post_form(client, url, {
        "legal_name": "x", "credit_code": "91210100MA0000000X", "address": "x",
        "field_of_use": "x", "confirm": "y"})
    assert response.status_code == 422
    assert "统一社会信用代码" in response.get_data(as_text=True)
    assert _only_deal() is None


def sign_through_page(client, deal, user, **changes):
    """Post the sign form of ``deal`` as the logged-in ``user`` would fill it."""
    from market.services import signing
    version = signing.current_version(refetch(deal))
    return post_form(client, f"/deals/{deal.id}/sign", {
        "sha256": version.data_sha256, "full_name": user.name, "password": PASSWORD,
        "consent": "y", **changes}, token_from=f"/deals/{deal.id}/review")


def test_request_counter_accept_through_pages(app, make_listing, university, sme):
    patent = make_listing(university.org, offers=[EXCLUSIVE])
    smes, unis = app.test_client(), app.test_client()
    log_in(smes, sme)
    log_in(unis, university)
    response = post_form(smes, f"/deals/request/{patent.offers[0].id}", {
        "licence_kind": "exclusive", "upfront_mode": "waived", "royalty_bp": "3",
        "term_years": "5", "territory": "中国大陆", "message": "我们希望独占许可。"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    deal = _only_deal()
    detail = f"/deals/{deal.id}"
    assert "接受这些条款" not in smes.get(detail).get_data(as_text=True)
    response = post_form(unis, f"{detail}/counter", {
        "licence_kind": "exclusive", "upfront_mode": "waived", "royalty_bp": "4.5",
        "term_years": "5", "territory": "中国大陆", "message": "提成 4.5%"})
    assert response.status_code == 302
    assert refetch(deal).state == DealState.COUNTERED and deal.royalty_bp == 450
    token = csrf_token(smes, detail)
    first = smes.post(f"{detail}/accept", data={"csrf_token": token})
    second = smes.post(f"{detail}/accept", data={"csrf_token": token})  # the double click
    assert first.status_code == second.status_code == 302
    deal = refetch(deal)
    assert deal.state == DealState.ACCEPTED
    assert [e.action for e in deal.events].count("accept") == 1
    page = smes.get(detail).get_data(as_text=True)
    assert "不再" in page  # the second click was told why it did nothing
    assert "待签署" in page and 'name="password"' in page  # the admin may sign now
    assert sign_through_page(unis, deal, university).status_code == 302
    assert refetch(deal).state == DealState.ACCEPTED  # one signature of two
    assert sign_through_page(smes, deal, sme).status_code == 302
    assert refetch(deal).state == DealState.CONCLUDED


def test_decline_and_messages(app, make_listing, university, sme, requested):
    deal = requested()
    unis = app.test_client()
    log_in(unis, university)
    detail = f"/deals/{deal.id}"
    post_form(unis, f"{detail}/messages", {"body": "请提供贵司的生产计划。"}, token_from=detail)
    post_form(unis, f"{detail}/decline", {"reason": "已另行授权"}, token_from=detail)
    deal = refetch(deal)
    assert deal.state == DealState.DECLINED
    assert [m.body for m in deal.messages][-2:] == ["请提供贵司的生产计划。", "已另行授权"]


def test_mine_filters_and_inbox(client, make_listing, university, sme, take, requested):
    take(make_listing(university.org).offers[0])
    requested()
    log_in(client, university)
    page = client.get("/deals/").get_data(as_text=True)
    assert "已成交" in page and "待答复" in page
    page = client.get("/deals/?state=concluded").get_data(as_text=True)
    assert page.count("/deals/") and "一种石墨烯" in page
    inbox = client.get("/deals/inbox").get_data(as_text=True)
    assert "书面通知" in inbox and "新的请求" in inbox
    home = client.get("/").get_data(as_text=True)
    assert 'class="inbox-link"' in home and 'class="badge"' in home
    assert post_form(client, "/deals/inbox/read", {}, token_from="/deals/inbox").status_code == 302
    assert 'class="badge"' not in client.get("/").get_data(as_text=True).split("inbox-link")[1][:80]


def test_empty_state_and_english(client, sme):
    log_in(client, sme)
    page = client.get("/deals/?lang=en").get_data(as_text=True)
    assert "No deals here yet." in page


def test_assignment_request_page(client, make_listing, university, sme):
    patent = make_listing(university.org, offers=[
        {"kind": OfferKind.ASSIGNMENT, "asking_price_fen": 50_000_00}])
    log_in(client, sme)
    url = f"/deals/request/{patent.offers[0].id}"
    assert "50,000" in client.get(url).get_data(as_text=True)
    response = post_form(client, url, {"price_fen": "45000", "message": "报价 4.5 万"})
    assert response.status_code == 302
    assert _only_deal().price_fen == 45_000_00
    # a second request while the first is open: refused on the form itself, nothing made
    again = post_form(client, url, {"price_fen": "44000", "message": "再报一次"})
    page = again.get_data(as_text=True)
    assert again.status_code == 422 and 'id="error-summary"' in page
    assert "您对该报价已有进行中的请求" in page
    assert _only_deal().price_fen == 45_000_00


def test_centre_sees_and_cancels(app, make_listing, university, take, centre):
    deal = take(make_listing(university.org).offers[0])
    client = app.test_client()
    log_in(client, centre)
    detail = f"/deals/{deal.id}"
    contract = client.get(f"{detail}/contract.pdf")
    assert contract.status_code == 200
    check_pdf(contract.data, "专利实施许可合同", refetch(deal).contract_number)
    post_form(client, f"{detail}/cancel", {"reason": "重复"}, token_from=detail)
    assert refetch(deal).state == DealState.CANCELLED
    assert deals.allowed_actions(refetch(deal), centre) == []
    commit()
