"""A broker's fee in the browser: the SME's broker brings a licence to conclusion, the SME
finds the fee on its payments page beside the licence fee (payee: the agency), reports the
transfer, and the agency's user confirms it; the receipt names the agency and the SME.
Screenshots at 1280 and 390 px (into $SHOTS_DIR when set, else the test's tmp dir)."""
from datetime import timedelta

import pytest

from market.domain.dates import local_today
from market.extensions import db
from market.models import LicenceKind, MandateScope, OfferKind, OrgKind, ScheduleStatus
from market.unit_of_work import commit

from ..factories import make_listing, proposal_of, sign_contract
from .conftest import CHROMIUM  # noqa: F401  (the browser fixture needs it)
from .test_bank_transfer import PNG, _user
from .test_onboarding import _log_in

pytestmark = pytest.mark.e2e
LICENCE = {"kind": OfferKind.LICENCE, "licence_kind": LicenceKind.EXCLUSIVE,
           "upfront_mode": "due_at_signing", "upfront_fee_fen": 5_000_000, "royalty_bp": 300,
           "term_years": 5}


@pytest.fixture()
def fee_deal(live_server):
    from market.services import deals, mandates
    university = _user(OrgKind.UNIVERSITY, "沈阳工业大学", "tto@example.cn")
    sme = _user(OrgKind.SME, "沈阳浑南精密机械有限公司", "sme@example.cn")
    broker = _user(OrgKind.AGENCY, "沈阳知桥知识产权服务有限公司", "broker@example.cn")
    broker.org.bank_account_name = broker.org.name
    broker.org.bank_name = "中国银行沈阳浑南支行"
    broker.org.bank_account_number = "6216610000009876543"
    today = local_today()
    mandates.grant(sme, broker.org, scope=MandateScope.NEGOTIATE_AND_DRAFT, valid_from=today,
                   valid_until=today + timedelta(days=180), fee_fen=800_000)
    offer = make_listing(db.session, university.org, offers=[LICENCE],
                         title="一种数控机床主轴热误差补偿方法").offers[0]
    deal = deals.request_deal(broker, offer, proposal_of(offer), "代委托方申请。", for_org=sme.org)
    deals.accept(deal, university)
    commit()
    sign_contract(deal, university, sme)
    commit()
    return deal, sme, broker


def test_sme_pays_its_brokers_fee_and_the_agency_confirms(live_server, page, shots, fee_deal):
    deal, sme, broker = fee_deal
    base = live_server.url
    _log_in(page, base, "sme@example.cn")
    page.goto(f"{base}/payments/deals/{deal.id}")
    fee_box = page.locator("#payee-fee")
    assert "沈阳知桥知识产权服务有限公司" in fee_box.inner_text()
    assert "技术经纪服务费" in page.locator(".payments-table").inner_text()
    shots(page, "broker-fee-payments")
    page.goto(f"{base}/deals/{deal.id}")
    assert "技术经纪服务费" in page.locator(".broker-fee").inner_text()
    shots(page, "broker-fee-deal")
    page.goto(f"{base}/payments/deals/{deal.id}")
    fee_row = next(row for row in deal.schedule if row.is_broker_fee)
    page.locator(f'a[href="/payments/items/{fee_row.id}/report"]').click()
    page.get_by_label("转账金额（元）").fill("8000")
    page.get_by_label("转账日期").fill(local_today().isoformat())
    page.get_by_label("银行回单（JPEG、PNG 或 PDF）").set_input_files(
        {"name": "回单.png", "mimeType": "image/png", "buffer": PNG})
    page.get_by_role("button", name="提交付款申报").click()
    page.context.clear_cookies()
    _log_in(page, base, "broker@example.cn")
    page.goto(f"{base}/payments/deals/{deal.id}")
    page.get_by_role("link", name="核对并确认").click()
    page.locator("#confirm button[type=submit], form[action$='/confirm'] button").first.click()
    db.session.expire_all()
    assert db.session.get(type(fee_row), fee_row.id).status == ScheduleStatus.PAID
    page.goto(f"{base}/payments/items/{fee_row.id}/receipt")
    assert "沈阳知桥知识产权服务有限公司" in page.locator("#payee-name").inner_text()
    assert "沈阳浑南精密机械有限公司" in page.locator("#payer-name").inner_text()
    shots(page, "broker-fee-receipt")
