"""The Stripe webhook through the real ``stripe`` library: signatures, timestamps, replays,
order, amounts, currencies and unknown types."""
import json
import time

import pytest
from sqlalchemy import func, select

from market.extensions import db
from market.models import (
    AuditEvent,
    DealEvent,
    DealState,
    LedgerEntry,
    Payment,
    PaymentStatus,
    ScheduleStatus,
    WebhookEvent,
)

from .fake_stripe import event, session_object, sign

pytestmark = pytest.mark.db


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def fresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def upfront(deal):
    return fresh(deal).schedule[0]


def assert_paid_once(deal):
    deal = fresh(deal)
    assert deal.state == DealState.CONCLUDED
    assert deal.schedule[0].status == ScheduleStatus.PAID
    assert count(Payment, Payment.status == PaymentStatus.SUCCEEDED) == 1
    assert count(DealEvent, DealEvent.action == "payment_confirmed") == 0
    assert count(AuditEvent, AuditEvent.action == "deal.payment") == 1
    assert count(LedgerEntry) == 1


def test_paid_session_concludes_the_deal(awaiting, deliver):
    deal = awaiting()
    row = upfront(deal)
    response = deliver(event("checkout.session.completed", session_object(row=row)))
    assert response.status_code == 200
    assert response.json["result"] == "processed"
    assert_paid_once(deal)
    payment = db.session.scalar(select(Payment))
    assert payment.amount_fen == 1_000_000 and payment.currency == "CNY"
    assert payment.provider == "stripe" and payment.receipt_number.startswith("SYIP-R-")
    assert payment.payment_intent_id.startswith("pi_test_")


def test_bad_signature_is_refused(awaiting, deliver):
    row = upfront(awaiting())
    body = json.dumps(event("checkout.session.completed", session_object(row=row))).encode()
    assert deliver(payload=body, secret="whsec_wrong").status_code == 400
    assert deliver(payload=body, header="t=1,v1=deadbeef").status_code == 400
    assert deliver(payload=body, header="").status_code == 400
    # the signature covers the raw bytes: a re-serialised body does not verify
    good = sign(body)
    assert deliver(payload=body.replace(b": ", b":"), header=good).status_code == 400
    assert count(WebhookEvent) == 0 and count(Payment) == 0
    assert upfront(row.deal).status == ScheduleStatus.DUE


def test_stale_timestamp_is_refused(awaiting, deliver):
    row = upfront(awaiting())
    evt = event("checkout.session.completed", session_object(row=row))
    assert deliver(evt, timestamp=int(time.time()) - 301).status_code == 400
    assert count(WebhookEvent) == 0
    assert deliver(evt, timestamp=int(time.time()) - 200).status_code == 200
    assert_paid_once(row.deal)


def test_duplicate_event_has_no_effect(awaiting, deliver):
    deal = awaiting()
    evt = event("checkout.session.completed", session_object(row=upfront(deal)))
    assert deliver(evt).json["result"] == "processed"
    second = deliver(evt)
    assert second.status_code == 200 and second.json["result"] == "duplicate"
    assert count(WebhookEvent) == 1
    assert_paid_once(deal)


def test_async_success_after_expiry_still_books_the_payment(awaiting, deliver):
    deal = awaiting()
    session = session_object(row=upfront(deal), payment_status="unpaid")
    assert deliver(event("checkout.session.completed", session)).json["result"] == "processed"
    assert db.session.scalar(select(Payment)).status == PaymentStatus.PENDING
    assert fresh(deal).state == DealState.CONCLUDED  # by its signature, before payment
    deliver(event("checkout.session.expired", session))
    assert fresh(db.session.scalar(select(Payment))).status == PaymentStatus.EXPIRED
    deliver(event("checkout.session.async_payment_succeeded", {**session, "payment_status": "paid"}))
    assert_paid_once(deal)


def test_expiry_after_success_changes_nothing(awaiting, deliver):
    deal = awaiting()
    session = session_object(row=upfront(deal))
    deliver(event("checkout.session.completed", session))
    before = db.session.scalar(select(Payment)).status
    deliver(event("checkout.session.expired", {**session, "payment_status": "unpaid"}))
    deliver(event("checkout.session.async_payment_failed", session))
    assert before == PaymentStatus.SUCCEEDED
    assert fresh(db.session.scalar(select(Payment))).status == PaymentStatus.SUCCEEDED
    assert_paid_once(deal)


def test_async_failure_leaves_the_row_due(awaiting, deliver):
    deal = awaiting()
    session = session_object(row=upfront(deal), payment_status="unpaid")
    deliver(event("checkout.session.completed", session))
    deliver(event("checkout.session.async_payment_failed", session))
    assert db.session.scalar(select(Payment)).status == PaymentStatus.FAILED
    assert upfront(deal).status == ScheduleStatus.DUE
    assert fresh(deal).state == DealState.CONCLUDED  # by its signature, before payment


@pytest.mark.parametrize(("change", "detail"), [
    ({"amount_total": 999_999}, "amount_mismatch"),
    ({"amount_total": "1000000"}, "amount_mismatch"),
    ({"currency": "usd"}, "currency_mismatch"),
    ({"metadata": {"schedule_item_id": "999999", "deal_id": "1", "reference": "x"}}, "unknown_row"),
    ({"client_reference_id": "SYIP-P-99999901"}, "metadata_mismatch"),
    ({"amount_total": 10**30}, "amount_mismatch"),
    ({"amount_total": 10**30, "payment_status": "unpaid"}, "amount_mismatch"),
    ({"currency": "cnyx", "payment_status": "unpaid"}, "currency_mismatch"),
    ({"currency": None}, "currency_mismatch"),
    ({"metadata": {"schedule_item_id": "9" * 30, "deal_id": "1", "reference": "x"}},
     "unknown_row"),
    ({"metadata": {"schedule_item_id": "²", "deal_id": "1", "reference": "x"}}, "unknown_row"),
])
def test_mismatch_is_recorded_as_rejected(awaiting, deliver, change, detail, caplog):
    deal = awaiting()
    session = {**session_object(row=upfront(deal)), **change}
    response = deliver(event("checkout.session.completed", session))
    assert response.status_code == 200 and response.json["result"] == "rejected"
    stored = db.session.scalar(select(WebhookEvent))
    assert (stored.result, stored.detail) == ("rejected", detail)
    assert count(Payment) == 0 and count(LedgerEntry) == 1  # the conclusion only
    assert upfront(deal).status == ScheduleStatus.DUE
    assert fresh(deal).state == DealState.CONCLUDED  # by its signature, before payment
    assert any("rejected" in r.getMessage() and r.levelname == "ERROR" for r in caplog.records)


def test_unknown_type_is_ignored(awaiting, deliver):
    awaiting()
    response = deliver(event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert response.status_code == 200 and response.json["result"] == "ignored"
    assert db.session.scalar(select(WebhookEvent)).result == "ignored"
    assert count(Payment) == 0


def test_second_paid_session_for_a_paid_row_is_refunded(awaiting, deliver, fake_stripe):
    """Two checkout tabs both paid: the row is paid once, the second charge goes back."""
    deal = awaiting()
    row = upfront(deal)
    deliver(event("checkout.session.completed", session_object(row=row)))
    second = session_object(row=row)
    response = deliver(event("checkout.session.completed", second))
    assert response.json["result"] == "processed"
    assert_paid_once(deal)
    rejected = db.session.scalar(select(Payment).where(Payment.provider_ref == second["id"]))
    assert rejected.status == PaymentStatus.REJECTED and rejected.refund_ref.startswith("re_test_")
    assert [r["payment_intent"] for r in fake_stripe.refunds] == [second["payment_intent"]]


def test_webhook_is_not_served_without_stripe(client, awaiting):
    row = upfront(awaiting())
    body = json.dumps(event("checkout.session.completed", session_object(row=row))).encode()
    response = client.post("/payments/stripe/webhook", data=body,
                           headers={"Stripe-Signature": sign(body)})
    assert response.status_code == 404
