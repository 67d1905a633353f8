"""Bank transfer, as the two sides do it in a browser: the SME pays part of the fee and
reports it with the bank voucher, the licensor confirms what arrived, the SME reports and
the licensor confirms the rest, and the receipt names the licensor as payee. Screenshots at
1280 and 390 px (into $SHOTS_DIR when set, else the test's tmp dir)."""
from datetime import timedelta

import pytest

from market.domain.dates import local_today
from market.extensions import db
from market.models import DealState, LicenceKind, OfferKind, OrgKind, ScheduleStatus
from market.unit_of_work import commit

from ..factories import details_of, make_listing, make_user, sign_contract
from .conftest import CHROMIUM  # noqa: F401  (the browser fixture needs it)
from .test_onboarding import PASSWORD, _log_in

pytestmark = pytest.mark.e2e
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 300
FEE = {"kind": OfferKind.OPEN_LICENCE, "licence_kind": LicenceKind.NON_EXCLUSIVE,
       "upfront_mode": "due_at_signing", "upfront_fee_fen": 2_000_000, "term_years": 3}


def _user(kind, name, email):
    user = make_user(db.session, kind=kind, name=name, email=email, password=PASSWORD,
                     user_name="王经理", contact_email=email)
    db.session.commit()
    return user


@pytest.fixture()
def parties(live_server):
    from market.services import deals
    university = _user(OrgKind.UNIVERSITY, "沈阳工业大学", "tto@example.cn")
    sme = _user(OrgKind.SME, "沈阳浑南精密机械有限公司", "sme@example.cn")
    made = []
    for n, days in enumerate((20, 0, -4, 45)):  # the list shows overdue, today, later
        listing = make_listing(db.session, university.org, offers=[FEE],
                               title=f"一种数控机床主轴热误差补偿方法（{n + 1}）")
        deal = deals.take_open(sme, listing.offers[0],
                               details_of(sme, field_of_use="数控机床", expected_start=None))
        sign_contract(deal, sme)  # the licensee's signature concludes: the fee is due
        deal.schedule[0].due_on = local_today() + timedelta(days=days)
        made.append(deal)
    commit()
    return university, sme, made


def _report(page, amount: str, voucher: bytes = PNG):
    page.get_by_role("link", name="我已付款：申报").first.click()
    page.get_by_label("转账金额（元）").fill(amount)
    page.get_by_label("转账日期").fill(local_today().isoformat())
    page.get_by_label("银行回单（JPEG、PNG 或 PDF）").set_input_files(
        {"name": "回单.png", "mimeType": "image/png", "buffer": voucher})
    page.get_by_role("button", name="提交付款申报").click()


def test_sme_reports_transfers_and_licensor_confirms(live_server, browser, page, shots,
                                                      parties):
    from market.models import Deal
    university, sme, made = parties
    deal = made[1]  # due today
    base = live_server.url
    _log_in(page, base, "sme@example.cn")
    page.goto(f"{base}/payments/")
    shots(page, "01-payments-list")
    order = page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.id)")
    by_date = sorted(made, key=lambda d: d.schedule[0].due_on)
    assert order == [f"row-{d.schedule[0].id}" for d in by_date]
    page.goto(f"{base}/payments/deals/{deal.id}")
    assert "沈阳工业大学" in page.locator("#payee").inner_text()
    shots(page, "02-payment-page-payer")
    _report(page, "8000", voucher=b"not an image, whatever its name says")
    assert page.locator("#voucher-error").is_visible()  # refused inline, by content
    shots(page, "03-report-form-refused")
    page.goto(f"{base}/payments/deals/{deal.id}")
    _report(page, "8000")
    page.wait_for_url(f"**/payments/deals/{deal.id}")
    shots(page, "04-reported")

    licensor = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    other = licensor.new_page()
    _log_in(other, base, "tto@example.cn")
    other.goto(f"{base}/payments/deals/{deal.id}")
    other.get_by_role("link", name="核对并确认").click()
    shots(other, "05-licensor-checks-report")
    other.get_by_label("实际到账金额（元）").fill("8000")
    other.get_by_role("button", name="确认收款").click()
    other.wait_for_url(f"**/payments/deals/{deal.id}")
    shots(other, "06-part-paid")

    page.goto(f"{base}/payments/deals/{deal.id}")
    assert "¥12,000.00" in page.locator("table").inner_text()
    _report(page, "12000")
    other.goto(f"{base}/payments/deals/{deal.id}")
    other.get_by_role("link", name="核对并确认").click()
    other.get_by_role("button", name="确认收款").click()
    other.wait_for_url(f"**/payments/deals/{deal.id}")
    other.goto(f"{base}/org/{university.org_id}/bank-account")
    other.get_by_label("账号").fill("6222 0210 ABCD")
    other.get_by_role("button", name="保存").click()
    assert other.locator("#account_number-error").is_visible()
    shots(other, "09-bank-account-refused")
    licensor.close()

    page.goto(f"{base}/payments/deals/{deal.id}")
    shots(page, "07-paid-in-full")
    page.locator("a[href*='/receipt?payment=']").last.click()
    assert "沈阳工业大学" in page.locator("#payee-name").inner_text()
    shots(page, "08-receipt")
    db.session.expire_all()
    concluded = db.session.get(Deal, deal.id)
    assert concluded.schedule[0].status == ScheduleStatus.PAID
    assert concluded.state == DealState.CONCLUDED


def test_escrow_centre_confirms_and_pays_out(live_server, live_app, browser, page, shots,
                                            parties):
    """PAYMENT_RECEIVER=centre: the payer is told to pay the centre, the centre confirms
    and records the pay-out to the licensor."""
    from .test_onboarding import _centre_user
    live_app.config["PAYMENT_RECEIVER"] = "centre"
    _centre_user()
    _university, _sme, made = parties
    deal = made[1]
    base = live_server.url
    _log_in(page, base, "sme@example.cn")
    page.goto(f"{base}/payments/deals/{deal.id}")
    payee = page.locator("#payee").inner_text()
    assert live_app.config["PAYMENT_BANK_ACCOUNT_NAME"] in payee and "托管" in payee
    shots(page, "11-escrow-payment-page-payer")
    _report(page, "20000")
    page.wait_for_url(f"**/payments/deals/{deal.id}")

    centre = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    other = centre.new_page()
    _log_in(other, base, "centre@example.cn")
    other.goto(f"{base}/payments/deals/{deal.id}")
    other.get_by_role("link", name="核对并确认").click()
    other.get_by_role("button", name="确认收款").click()
    other.wait_for_url(f"**/payments/deals/{deal.id}")
    shots(other, "12-escrow-centre-to-pay-out")
    other.get_by_label("转付日期").fill(local_today().isoformat())
    other.get_by_label("转付的银行流水号").fill("ICBC-PAYOUT-0001")
    other.get_by_role("button", name="登记转付").click()
    other.wait_for_url(f"**/payments/deals/{deal.id}")
    assert "ICBC-PAYOUT-0001" in other.locator(".payout").inner_text()
    shots(other, "13-escrow-paid-out")
    centre.close()
    page.goto(f"{base}/payments/deals/{deal.id}")
    page.locator("a[href*='/receipt?payment=']").first.click()
    assert live_app.config["PAYMENT_BANK_ACCOUNT_NAME"] in page.locator("#payee-name").inner_text()
    shots(page, "14-escrow-receipt")
