"""Stripe Checkout through the real ``stripe`` library against the fake server: what the
session request carries, reuse of an open session, the return page, refunds on cancel."""
import html
import json
import re

import pytest
from sqlalchemy import func, select

from market.extensions import db
from market.models import DealState, LedgerEntry, Payment, PaymentStatus, ScheduleStatus

from ..conftest import csrf_token
from .fake_stripe import event, sign

pytestmark = pytest.mark.db


def fresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def pay_button(client, deal, row):
    token = csrf_token(client, f"/payments/deals/{deal.id}")
    return client.post(f"/payments/items/{row.id}/checkout", data={"csrf_token": token})


def checkout_url(client, response) -> str:
    """Follow the pay button to our forwarding page and read the Stripe address off it."""
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    match = re.search(r'id="to-stripe" href="([^"]+)"', page)
    assert match, page[:2000]
    return html.unescape(match.group(1))


def session_of(fake_stripe, url):
    return fake_stripe.sessions[url.rsplit("/", 1)[1]]


def test_checkout_sends_amount_currency_metadata_and_idempotency_key(
        awaiting, stripe_app, logged_in, sme, fake_stripe):
    deal = awaiting()
    row = deal.schedule[0]
    client = logged_in(stripe_app, sme)
    response = pay_button(client, deal, row)
    assert response.headers["Location"] == f"/payments/items/{row.id}/checkout"
    url = checkout_url(client, response)
    [request] = fake_stripe.requests
    assert request["path"] == "/v1/checkout/sessions"
    assert request["headers"]["Idempotency-Key"] == f"checkout-{row.id}-1"
    assert request["headers"]["Authorization"] == "Bearer sk_test_fake"
    form = {k: v[0] for k, v in request["form"].items()}
    assert form["line_items[0][price_data][unit_amount]"] == "1000000"  # fen
    assert form["line_items[0][price_data][currency]"] == "cny"
    assert form["line_items[0][quantity]"] == "1"
    assert form["mode"] == "payment"
    assert sorted(v for k, v in form.items() if k.startswith("payment_method_types")) == \
        ["alipay", "card"]
    assert form["metadata[deal_id]"] == str(deal.id)
    assert form["metadata[schedule_item_id]"] == str(row.id)
    assert form["metadata[reference]"] == row.reference
    assert form["client_reference_id"] == row.reference
    assert form["success_url"].endswith(f"/payments/items/{row.id}/return")
    session = session_of(fake_stripe, url)
    assert url == session["url"]
    payment = db.session.scalar(select(Payment))
    assert (payment.status, payment.provider_ref, payment.attempt) == (
        PaymentStatus.PENDING, session["id"], 1)
    # a second click reuses the open session: no second request, no second charge possible
    again = pay_button(client, deal, row)
    assert checkout_url(client, again) == session["url"]
    assert len(fake_stripe.requests) == 1
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1


def test_expired_session_gets_a_new_attempt(awaiting, stripe_app, logged_in, sme, fake_stripe,
                                            deliver):
    deal = awaiting()
    row = deal.schedule[0]
    client = logged_in(stripe_app, sme)
    first = session_of(fake_stripe, checkout_url(client, pay_button(client, deal, row)))
    deliver(event("checkout.session.expired", first))
    pay_button(client, deal, row)
    assert [r["headers"]["Idempotency-Key"] for r in fake_stripe.requests] == [
        f"checkout-{row.id}-1", f"checkout-{row.id}-2"]


def test_return_page_waits_for_the_webhook(awaiting, stripe_app, logged_in, sme, fake_stripe):
    deal = awaiting()
    row = deal.schedule[0]
    client = logged_in(stripe_app, sme)
    session_id = session_of(fake_stripe, checkout_url(client, pay_button(client, deal, row)))["id"]
    page = client.get(f"/payments/items/{row.id}/return").get_data(as_text=True)
    assert 'data-poll=' in page  # the browser's return proves nothing: it waits
    assert fresh(deal).state == DealState.CONCLUDED  # by its signature, before payment
    body = json.dumps(event("checkout.session.completed",
                            {**fake_stripe.sessions[session_id], "payment_status": "paid"})).encode()
    assert stripe_app.test_client().post("/payments/stripe/webhook", data=body,
                                         headers={"Stripe-Signature": sign(body)}).status_code == 200
    page = client.get(f"/payments/items/{row.id}/return").get_data(as_text=True)
    assert 'data-poll=' not in page
    assert fresh(deal).state == DealState.CONCLUDED
    receipt = client.get(f"/payments/items/{row.id}/receipt")
    assert receipt.status_code == 200 and "SYIP-R-" in receipt.get_data(as_text=True)


def test_only_the_licensee_pays(awaiting, stripe_app, logged_in, university, fake_stripe):
    deal = awaiting()
    client = logged_in(stripe_app, university)
    assert pay_button(client, deal, deal.schedule[0]).status_code == 403
    assert fake_stripe.requests == []


def test_centre_cancel_refunds_through_stripe_and_reverses_the_ledger(
        awaiting, stripe_app, logged_in, centre, fake_stripe, deliver):
    deal = awaiting()
    row = deal.schedule[0]
    session = {"id": "cs_test_cancel", "object": "checkout.session", "amount_total": row.amount_fen,
               "currency": "cny", "client_reference_id": row.reference, "payment_status": "paid",
               "payment_intent": "pi_test_cancel",
               "metadata": {"deal_id": str(deal.id), "schedule_item_id": str(row.id),
                            "reference": row.reference}}
    deliver(event("checkout.session.completed", session))
    assert fresh(deal).state == DealState.CONCLUDED
    client = logged_in(stripe_app, centre)
    token = csrf_token(client, f"/payments/deals/{deal.id}")
    response = client.post(f"/payments/deals/{deal.id}/cancel",
                           data={"csrf_token": token, "reason": "专利权属争议"})
    assert response.status_code == 302
    deal = fresh(deal)
    assert deal.state == DealState.CANCELLED
    assert deal.schedule[0].status == ScheduleStatus.REFUNDED
    payment = db.session.scalar(select(Payment))
    assert payment.status == PaymentStatus.REFUNDED and payment.refund_ref.startswith("re_test_")
    [refund] = [r for r in fake_stripe.requests if r["path"] == "/v1/refunds"]
    assert refund["form"]["payment_intent"] == ["pi_test_cancel"]
    assert refund["form"]["amount"] == ["1000000"]
    assert refund["headers"]["Idempotency-Key"] == "refund-cs_test_cancel"
    signs = db.session.scalars(select(LedgerEntry.sign).order_by(LedgerEntry.id)).all()
    assert signs == [1, -1]
    # Stripe's charge.refunded for our own refund changes nothing more
    response = deliver(event("charge.refunded", {
        "id": "ch_1", "object": "charge", "payment_intent": "pi_test_cancel", "refunded": True,
        "amount": 1_000_000, "amount_refunded": 1_000_000, "refunds": {"data": [{"id": "re_x"}]}}))
    assert response.status_code == 200
    assert fresh(payment).refund_ref == refund_ref_of(fake_stripe)


def refund_ref_of(fake_stripe):
    return fake_stripe.refunds[0]["id"]


def test_refund_made_at_stripe_is_recorded(awaiting, deliver):
    deal = awaiting()
    row = deal.schedule[0]
    session = {"id": "cs_test_dash", "object": "checkout.session", "amount_total": row.amount_fen,
               "currency": "cny", "client_reference_id": row.reference, "payment_status": "paid",
               "payment_intent": "pi_test_dash",
               "metadata": {"deal_id": str(deal.id), "schedule_item_id": str(row.id),
                            "reference": row.reference}}
    deliver(event("checkout.session.completed", session))
    charge = {"id": "ch_2", "object": "charge", "payment_intent": "pi_test_dash",
              "amount": row.amount_fen, "amount_refunded": 500, "refunded": False}
    assert deliver(event("charge.refunded", charge)).json["result"] == "processed"
    assert fresh(row).status == ScheduleStatus.PAID
    deliver(event("charge.refunded", {**charge, "amount_refunded": row.amount_fen,
                                      "refunded": True, "refunds": {"data": [{"id": "re_dash"}]}}))
    assert fresh(row).status == ScheduleStatus.REFUNDED
    payment = db.session.scalar(select(Payment))
    assert (payment.status, payment.refund_ref) == (PaymentStatus.REFUNDED, "re_dash")
