"""100 concurrent deliveries of the same event: one payment, one transition, one ledger row.

Real threads against the app on the test database file; each request runs in its own app
context, so its session is removed when it ends.
"""
import json
import threading

import pytest
from sqlalchemy import func, select

from market.extensions import db
from market.models import AuditEvent, DealEvent, DealState, LedgerEntry, Payment, WebhookEvent

from .fake_stripe import WEBHOOK_SECRET, event, session_object, sign

pytestmark = [pytest.mark.db, pytest.mark.slow]
DELIVERIES = 100


def test_concurrent_deliveries_book_once(awaiting, make_app, fake_stripe):
    deal = awaiting()
    row = deal.schedule[0]
    hook_app = make_app(STRIPE_SECRET_KEY="sk_test_fake", STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
                        STRIPE_API_BASE=fake_stripe.url, STRIPE_MAX_NETWORK_RETRIES=0,
                        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 20, "max_overflow": 0,
                                                   "pool_timeout": 120})
    body = json.dumps(event("checkout.session.completed", session_object(row=row))).encode()
    header = sign(body)
    start = threading.Barrier(DELIVERIES)
    statuses, results, errors = [], [], []

    def deliver():
        client = hook_app.test_client()  # each request: its own app context and session
        try:
            start.wait()
            response = client.post("/payments/stripe/webhook", data=body,
                                   headers={"Stripe-Signature": header})
            statuses.append(response.status_code)
            results.append((response.get_json() or {}).get("result"))
        except Exception as exc:  # reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=deliver) for _ in range(DELIVERIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    assert statuses == [200] * DELIVERIES
    assert sorted(results).count("processed") == 1
    assert sorted(results).count("duplicate") == DELIVERIES - 1
    db.session.expire_all()

    def count(model, *where):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))
    assert count(WebhookEvent) == 1
    assert count(Payment) == 1
    assert count(DealEvent, DealEvent.deal_id == deal.id,
                 DealEvent.action == "payment_confirmed") == 0  # concluded when signed
    assert count(AuditEvent, AuditEvent.action == "deal.payment") == 1
    assert count(LedgerEntry) == 1
    assert db.session.get(type(deal), deal.id).state == DealState.CONCLUDED


CLICKS = 8


def _in_threads(app, user, send) -> list[int]:
    """``send(client)`` from CLICKS threads at once, each with its own logged-in client."""
    from ..conftest import log_in
    app.config["WTF_CSRF_ENABLED"] = True  # the log-in form carries its token
    clients = []
    for _ in range(CLICKS):
        client = app.test_client()
        log_in(client, user)
        clients.append(client)
    app.config["WTF_CSRF_ENABLED"] = False
    start = threading.Barrier(CLICKS)
    statuses, errors = [], []

    def click(client):
        try:
            start.wait()
            statuses.append(send(client).status_code)
        except Exception as exc:  # reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=click, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors
    return statuses


def test_a_report_clicked_many_times_at_once_is_one_report_and_one_booking(
        awaiting, make_app, sme, university):
    """The same report form (one token) posted at once from several tabs, then its
    confirmation posted at once: one report, one voucher, one booking, one ledger row."""
    import io
    from datetime import date

    from market.models import PaymentVoucher, ScheduleStatus
    deal = awaiting()
    row = deal.schedule[0]
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 10, "max_overflow": 0,
                                              "pool_timeout": 120})
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64

    def report(client):
        return client.post(f"/payments/items/{row.id}/report", data={
            "token": "same-form-token-0001", "amount": "10000",
            "paid_on": date.today().isoformat(), "voucher": (io.BytesIO(png), "回单.png")},
            content_type="multipart/form-data")

    statuses = _in_threads(app, sme, report)
    assert set(statuses) <= {302, 422}, statuses
    db.session.expire_all()

    def count(model, *where):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))
    assert count(Payment) == 1 and count(PaymentVoucher) == 1
    payment = db.session.scalar(select(Payment))
    statuses = _in_threads(app, university, lambda client: client.post(
        f"/payments/reports/{payment.id}/confirm", data={"amount": "10000"}))
    assert set(statuses) <= {302, 422}, statuses
    db.session.expire_all()
    assert count(LedgerEntry) == 1  # the conclusion's, written when the licensee signed
    assert count(DealEvent, DealEvent.action == "payment_confirmed") == 0
    assert count(AuditEvent, AuditEvent.action == "deal.payment") == 1
    assert db.session.get(type(row), row.id).status == ScheduleStatus.PAID
