"""An SME pays the upfront fee of an open licence it has signed (which concluded it) through
(fake) Stripe Checkout; the fee is booked only when the signed webhook arrives."""

import pytest

from market import create_app
from market.config import TestConfig
from market.extensions import db
from market.models import DealState, LicenceKind, OfferKind, OrgKind
from market.models.base import utcnow
from market.services import deals

from ..factories import details_of, make_user, new_application_number, sign_contract
from ..payments.fake_stripe import WEBHOOK_SECRET, FakeStripe
from .conftest import LiveServer
from .test_onboarding import PASSWORD, _log_in

pytestmark = pytest.mark.e2e


@pytest.fixture()
def fake_stripe():
    with FakeStripe() as fake:
        fake.webhook_delay = 2.0
        yield fake


@pytest.fixture()
def stripe_live(tmp_path, fake_stripe):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'e2e.sqlite'}",
                     SEARCH_INDEX_DIR=str(tmp_path / "index"), PROPAGATE_TEST_ERRORS=False,
                     STRIPE_SECRET_KEY="sk_test_fake", STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
                     STRIPE_API_BASE=fake_stripe.url, STRIPE_MAX_NETWORK_RETRIES=0)
    with app.app_context():
        db.create_all()
        with LiveServer(app) as server:
            fake_stripe.webhook_url = f"{server.url}/payments/stripe/webhook"
            yield server
        db.session.remove()
        db.engine.dispose()


def _user(kind, name, email):
    user = make_user(db.session, kind=kind, name=name, email=email, password=PASSWORD,
                     user_name="王经理", address="沈阳市浑南区创新路 1 号", contact_name="王经理",
                     contact_email=email)
    db.session.commit()
    return user


@pytest.fixture()
def deal(stripe_live):
    from datetime import date

    from market.models import LegalStatus, ListingStatus, Offer, Patent, PatentType
    from market.unit_of_work import commit
    university = _user(OrgKind.UNIVERSITY, "沈阳工业大学", "tto@example.cn")
    sme = _user(OrgKind.SME, "沈阳浑南精密机械有限公司", "sme@example.cn")
    patent = Patent(owner_org_id=university.org_id, application_number=new_application_number(2019),
                    title="一种高精度数控机床主轴热误差补偿方法", abstract="本发明公开了一种主轴热误差补偿方法。",
                    ipc_codes=["B23Q 15/18"], patent_type=PatentType.INVENTION,
                    legal_status=LegalStatus.GRANTED, filing_date=date(2019, 3, 1),
                    grant_date=date(2021, 6, 1), expiry_date=date(2039, 3, 1), inventors="张三",
                    industry="high_end_equipment", trl=6, keywords="数控机床",
                    status=ListingStatus.PUBLISHED, published_at=utcnow())
    patent.offers.append(Offer(kind=OfferKind.OPEN_LICENCE, licence_kind=LicenceKind.NON_EXCLUSIVE,
                               upfront_mode="due_at_signing", upfront_fee_fen=2_000_000,
                               term_years=3, declared_on=date(2025, 1, 6),
                               cnipa_announcement_number="KF-TEST-0001"))
    db.session.add(patent)
    db.session.commit()
    made = deals.take_open(sme, patent.offers[0],
                           details_of(sme, field_of_use="数控机床", expected_start=None))
    sign_contract(made, sme)  # the licensee's signature concludes; the fee is then due
    commit()
    return made


def test_sme_pays_upfront_fee_through_stripe_checkout(stripe_live, page, shot, deal, fake_stripe):
    base = stripe_live.url
    _log_in(page, base, "sme@example.cn")
    page.goto(f"{base}/deals/{deal.id}")
    shot("01-deal-payment-due")
    page.locator("#payments-link").click()
    page.wait_for_url(f"**/payments/deals/{deal.id}")
    assert page.locator("#deal-state").inner_text() == "已成交"
    shot("02-payments-page")
    page.locator("form[action$='/checkout'] button").click()
    page.wait_for_url(f"{fake_stripe.url}/checkout/*")
    assert page.locator("#amount").inner_text() == "20,000.00 CNY"
    shot("03-fake-stripe-checkout")
    page.locator("#pay").click()
    page.wait_for_url("**/payments/items/*/return")
    # the browser is back before Stripe's webhook: the page only waits
    assert page.locator("h1").inner_text() == "等待确认"
    shot("04-waiting-for-confirmation")
    page.locator("h1", has_text="已收到付款").wait_for(timeout=15000)  # the page refreshes itself
    shot("05-payment-confirmed")
    assert [status for status, _ in fake_stripe.deliveries] == [200]
    page.goto(f"{base}/deals/{deal.id}")
    assert page.locator(".state-large").inner_text() == "已成交"
    shot("06-deal-concluded")
    page.goto(f"{base}/payments/deals/{deal.id}")
    page.locator("a[href*='/receipt?payment=']").first.click()
    assert page.get_by_text("SYIP-R-").first.is_visible()
    shot("07-receipt")
    db.session.expire_all()
    assert db.session.get(type(deal), deal.id).state == DealState.CONCLUDED
