"""Offline mode (no Stripe keys): bank-transfer instructions, the licensor's confirmation
through the same service as the webhook, refusals, replays and refunds on cancel."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from market.domain.bank_accounts import format_account_number
from market.extensions import db
from market.gateways import get_gateway
from market.models import (
    AuditEvent,
    DealEvent,
    DealState,
    LedgerEntry,
    Payment,
    PaymentStatus,
    ScheduleStatus,
)

from ..conftest import csrf_token
from ..pdf_check import check_pdf

pytestmark = pytest.mark.db


def fresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def confirm(client, row, *, amount="10000", on=None, ref="ICBC20261129001"):
    url = f"/payments/items/{row.id}/confirm"
    page = client.get(url)
    if page.status_code != 200:
        return page
    return client.post(url, data={"csrf_token": csrf_token(client, url), "amount": amount,
                                  "received_on": (on or date.today()).isoformat(),
                                  "bank_reference": ref})


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_offline_is_the_default(app):
    assert get_gateway(app).name == "offline"


def test_licensee_sees_bank_instructions_with_the_reference(app, awaiting, logged_in, sme):
    """By default the licensor is paid directly: its own account, not the centre's."""
    deal = awaiting()
    page = logged_in(app, sme).get(f"/payments/deals/{deal.id}").get_data(as_text=True)
    licensor = deal.licensor
    assert deal.schedule[0].reference in page
    assert format_account_number(licensor.bank_account_number) in page
    assert licensor.bank_name in page
    assert app.config["PAYMENT_BANK_ACCOUNT"] not in page
    assert "/checkout" not in page


def test_licensor_confirms_receipt_and_the_deal_concludes(app, awaiting, logged_in, university):
    deal = awaiting()
    row = deal.schedule[0]
    client = logged_in(app, university)
    response = confirm(client, row)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    deal = fresh(deal)
    assert deal.state == DealState.CONCLUDED and deal.contract_number
    assert deal.schedule[0].status == ScheduleStatus.PAID
    payment = db.session.scalar(select(Payment))
    assert (payment.provider, payment.provider_ref, payment.amount_fen, payment.status) == (
        "offline", "ICBC20261129001", 1_000_000, PaymentStatus.SUCCEEDED)
    assert payment.recorded_by_user_id == university.id
    assert count(LedgerEntry) == 1
    receipt = client.get(f"/payments/items/{row.id}/receipt").get_data(as_text=True)
    assert payment.receipt_number in receipt
    pdf = client.get(f"/payments/items/{row.id}/receipt.pdf")
    assert pdf.mimetype == "application/pdf"
    check_pdf(pdf.data, "收据", payment.receipt_number, "¥10,000.00", "银行转账")


@pytest.mark.parametrize("who", ["sme", "centre", "stranger_university", "stranger_sme"])
def test_only_the_licensor_confirms(app, awaiting, logged_in, make_user, sme, centre, who):
    from market.models import OrgKind
    deal = awaiting()
    user = {"sme": sme, "centre": centre,
            "stranger_university": make_user(kind=OrgKind.UNIVERSITY),
            "stranger_sme": make_user(kind=OrgKind.SME)}[who]
    client = logged_in(app, user)
    row = deal.schedule[0]
    url = f"/payments/items/{row.id}/confirm"
    expected = 404 if who.startswith("stranger") else 403
    assert client.get(url).status_code == expected
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post(url, data={"amount": "10000", "received_on": date.today().isoformat(),
                                      "bank_reference": "FORGED-1"})
    assert response.status_code == expected
    assert fresh(row).status == ScheduleStatus.DUE and count(Payment) == 0


def test_overpayment_is_refused_on_the_field(app, awaiting, logged_in, university):
    deal = awaiting()
    response = confirm(logged_in(app, university), deal.schedule[0], amount="10000.01")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="amount-error"' in page and "¥10,000.00" in page
    assert fresh(deal).state == DealState.CONCLUDED and count(Payment) == 0  # by its signature


def test_future_date_is_refused(app, awaiting, logged_in, university):
    deal = awaiting()
    response = confirm(logged_in(app, university), deal.schedule[0],
                       on=date.today() + timedelta(days=3))
    assert response.status_code == 422
    assert count(Payment) == 0


def test_confirming_twice_books_once(app, awaiting, logged_in, university):
    deal = awaiting()
    row = deal.schedule[0]
    client = logged_in(app, university)
    assert confirm(client, row).status_code == 302
    # a double-submitted form (same bank reference) is a replay: nothing changes
    from market.services import payments
    payments.record_payment(fresh(row), provider="offline", provider_ref="ICBC20261129001",
                            amount_fen=1_000_000, currency="CNY", paid_at=fresh(row).paid_at,
                            actor=university)
    db.session.commit()
    assert count(Payment) == 1 and count(LedgerEntry) == 1
    assert count(DealEvent, DealEvent.action == "payment_confirmed") == 0
    assert count(AuditEvent, AuditEvent.action == "deal.payment") == 1
    # another reference for a row already paid is refused
    with pytest.raises(payments.PaymentRejected) as refused:
        payments.record_payment(fresh(row), provider="offline", provider_ref="OTHER-REF",
                                amount_fen=1_000_000, currency="CNY",
                                paid_at=fresh(row).paid_at, actor=university)
    db.session.rollback()
    assert refused.value.code == "already_paid"


@pytest.mark.parametrize("page", ["/payments/deals/{id}", "/deals/{id}"])
def test_cancel_before_start_refunds_offline(app, awaiting, logged_in, university, centre,
                                             page):
    """Cancelling from the payments page or the deal page refunds the offline payment."""
    deal = awaiting()
    assert confirm(logged_in(app, university), deal.schedule[0]).status_code == 302
    client = logged_in(app, centre)
    url = page.format(id=deal.id)
    response = client.post(f"{url}/cancel", data={"csrf_token": csrf_token(client, url),
                                                  "reason": "许可人撤回"})
    assert response.status_code == 302
    deal = fresh(deal)
    assert deal.state == DealState.CANCELLED
    assert deal.schedule[0].status == ScheduleStatus.REFUNDED
    payment = db.session.scalar(select(Payment))
    assert payment.status == PaymentStatus.REFUNDED and payment.refund_ref.startswith("offline-refund-")
    assert db.session.scalars(select(LedgerEntry.sign).order_by(LedgerEntry.id)).all() == [1, -1]


def test_licensee_cannot_cancel_a_concluded_deal(app, awaiting, logged_in, university, sme):
    deal = awaiting()
    assert confirm(logged_in(app, university), deal.schedule[0]).status_code == 302
    client = logged_in(app, sme)
    url = f"/payments/deals/{deal.id}"
    client.post(f"{url}/cancel", data={"csrf_token": csrf_token(client, url)})
    assert fresh(deal).state == DealState.CONCLUDED
    assert fresh(deal).schedule[0].status == ScheduleStatus.PAID


def test_payments_page_lists_both_sides(app, awaiting, logged_in, sme, university):
    deal = awaiting()
    for user in (sme, university):
        page = logged_in(app, user).get("/payments/").get_data(as_text=True)
        assert deal.schedule[0].reference in page
