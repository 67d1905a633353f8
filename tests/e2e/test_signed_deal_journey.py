"""The whole signed deal in a browser, as issue 14 asks: an SME requests an exclusive licence
with an upfront fee, the university counters, the SME accepts; the university's admin reviews
the frozen contract and signs, then the SME signs and the deal is concluded (hash and both
signatures on the page); the SME reports the upfront payment with its bank voucher, the
licensor confirms it; the SME downloads the contract (the same bytes twice, naming both
signers and the dates the page shows) and the receipt (licensor payee, SME payer).
Screenshots at 1280 and 390 px of the review page, the concluded deal, the payment report form
and the receipt (into $SHOTS_DIR when set, else the test's tmp dir)."""
import re
from pathlib import Path

import pytest

from market.domain.dates import local_today
from market.extensions import db
from market.models import Deal, DealState, LicenceKind, OfferKind, OrgKind, ScheduleStatus

from ..pdf_check import check_pdf
from .test_bank_transfer import PNG
from .test_deals import _log_out, _patent, _sign, _user
from .test_onboarding import _log_in

pytestmark = pytest.mark.e2e
UNIVERSITY, SME = "东北测试大学", "沈阳铁西装备有限公司"


@pytest.fixture()
def listing(live_app):
    university = _user(OrgKind.UNIVERSITY, UNIVERSITY, "tto@neu.example.cn")
    _user(OrgKind.SME, SME, "zhao@sme.example.cn", "铁西区")
    db.session.flush()
    patent = _patent(university.org, "一种高强度铝合金焊接工艺", dict(
        kind=OfferKind.LICENCE, licence_kind=LicenceKind.EXCLUSIVE,
        upfront_mode="due_at_signing", upfront_fee_fen=5_000_000, royalty_bp=500, term_years=5))
    db.session.commit()
    return patent


def _download(page, link_name: str) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name=link_name).first.click()
    return Path(download.value.path()).read_bytes()


def _signature_dates(page) -> list[str]:
    """The moments of the signatures as the deal page prints them ('王经理 于 2026年12月2日
    03:14 签署'): the contract's signature blocks must read the same."""
    lines = page.locator(".signatures li.signed").all_inner_texts()
    dates = [re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", line) for line in lines]
    assert all(dates), lines
    return [d.group(0) for d in dates]


def test_request_counter_accept_sign_pay_download(live_server, page, shots, listing):
    base = live_server.url
    offer = listing.offers[0]

    # the SME asks for an exclusive licence with a lower upfront fee
    _log_in(page, base, "zhao@sme.example.cn")
    page.goto(f"{base}/deals/request/{offer.id}")
    page.get_by_label("首付（入门费）").select_option("due_at_signing")
    page.get_by_label("首付金额（元）").fill("30000")
    page.get_by_label("提成比例（%）").fill("3")
    page.get_by_label("留言").fill("我们计划用于工程机械焊接，首付 3 万元、提成 3%。")
    page.get_by_role("button", name="发送请求").click()
    page.wait_for_url("**/deals/*")
    deal_url = page.url
    deal_id = int(deal_url.rstrip("/").rsplit("/", 1)[1])
    _log_out(page)

    # the university counters: 40,000 yuan upfront, 4 %
    _log_in(page, base, "tto@neu.example.cn")
    page.goto(deal_url)
    page.get_by_role("link", name="还价").click()
    page.get_by_label("首付金额（元）").fill("40000")
    page.get_by_label("提成比例（%）").fill("4")
    page.get_by_label("留言").fill("首付 4 万元，提成 4%。")
    page.get_by_role("button", name="发送还价").click()
    page.wait_for_url(deal_url)
    _log_out(page)

    # the SME accepts: terms agreed, the contract is frozen, nothing concluded yet
    _log_in(page, base, "zhao@sme.example.cn")
    page.goto(deal_url)
    page.get_by_role("button", name="接受这些条款").click()
    assert page.get_by_text("条款已达成 — 待签署").first.is_visible()
    _log_out(page)

    # the licensor reviews the frozen text and signs first
    _log_in(page, base, "tto@neu.example.cn")
    page.goto(deal_url)
    page.get_by_role("link", name="审阅合同全文").click()
    page.wait_for_url("**/review")
    review = page.locator("main").inner_text()
    assert "40,000" in review and UNIVERSITY in review and SME in review
    shots(page, "01-licensor-reviews-and-signs")
    _sign(page)
    page.wait_for_url(deal_url)
    assert page.get_by_text("您已签署合同。对方签署后合同即成立。").is_visible()
    db.session.expire_all()
    assert db.session.get(Deal, deal_id).state == DealState.ACCEPTED  # one signature: not yet
    _log_out(page)

    # the licensee signs: concluded, the page shows the hash and both signatures
    _log_in(page, base, "zhao@sme.example.cn")
    page.goto(f"{deal_url}/review")
    _sign(page)
    page.wait_for_url(deal_url)
    assert page.get_by_text("您已签署合同，合同已成立。").is_visible()
    assert page.get_by_text("已成交").first.is_visible()
    sha = page.locator("code.hash").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", sha)
    assert page.locator(".signatures li.signed").count() == 2
    assert page.locator(".signatures li.waiting").count() == 0
    signed_dates = _signature_dates(page)
    shots(page, "02-deal-concluded")
    db.session.expire_all()
    deal = db.session.get(Deal, deal_id)
    assert deal.state == DealState.CONCLUDED
    assert deal.schedule[0].amount_fen == 4_000_000

    # the SME reports the upfront payment with its bank voucher
    page.goto(f"{base}/payments/deals/{deal_id}")
    assert UNIVERSITY in page.locator("#payee").inner_text()  # the licensor receives directly
    page.get_by_role("link", name="我已付款：申报").first.click()
    page.get_by_label("转账金额（元）").fill("40000")
    page.get_by_label("转账日期").fill(local_today().isoformat())
    page.get_by_label("银行回单（JPEG、PNG 或 PDF）").set_input_files(
        {"name": "回单.png", "mimeType": "image/png", "buffer": PNG})
    shots(page, "03-payment-report-form")
    page.get_by_role("button", name="提交付款申报").click()
    page.wait_for_url(f"**/payments/deals/{deal_id}")
    _log_out(page)

    # the licensor checks the report and confirms what arrived
    _log_in(page, base, "tto@neu.example.cn")
    page.goto(f"{base}/payments/deals/{deal_id}")
    page.get_by_role("link", name="核对并确认").click()
    page.get_by_label("实际到账金额（元）").fill("40000")
    page.get_by_role("button", name="确认收款").click()
    page.wait_for_url(f"**/payments/deals/{deal_id}")
    _log_out(page)
    db.session.expire_all()
    assert db.session.get(Deal, deal_id).schedule[0].status == ScheduleStatus.PAID

    # the SME downloads the contract twice (the frozen bytes) and the receipt
    _log_in(page, base, "zhao@sme.example.cn")
    page.goto(deal_url)
    first = _download(page, "下载合同（PDF）")
    assert _download(page, "下载合同（PDF）") == first
    check_pdf(first, "专利实施许可合同", UNIVERSITY, SME, "王经理", *signed_dates)
    page.goto(f"{base}/payments/deals/{deal_id}")
    page.locator("a[href*='/receipt?payment=']").last.click()
    assert UNIVERSITY in page.locator("#payee-name").inner_text()
    shots(page, "04-receipt")
    paid_on = page.locator("dt:text-is('付款日期') + dd").inner_text().strip()
    receipt = _download(page, "下载收据（PDF）")
    check_pdf(receipt, f"付款方{SME}", f"收款方{UNIVERSITY}", "40,000.00", f"付款日期{paid_on}")
