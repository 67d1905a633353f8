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
