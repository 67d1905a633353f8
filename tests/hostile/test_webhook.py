"""F10: the Stripe webhook refuses a signature dated in the future and answers 400 (never
500, which Stripe retries for days) to a signed event of a shape Stripe never sends, recording
it once. Real signed payloads through the ``stripe`` library, as in tests/payments/."""
import json
import time

import pytest
from sqlalchemy import select

from market.extensions import db
from market.models import LedgerEntry, Payment, ScheduleStatus, WebhookEvent

from ..payments.fake_stripe import event, session_object, sign
from ..payments.test_webhooks import assert_paid_once, count, upfront

pytestmark = pytest.mark.db


def test_future_timestamp_is_refused(awaiting, deliver):
    """stripe's own check refuses old signatures only: one dated an hour ahead is refused."""
    row = upfront(awaiting())
    evt = event("checkout.session.completed", session_object(row=row))
    assert deliver(evt, timestamp=int(time.time()) + 3600).status_code == 400
    assert deliver(evt, timestamp=int(time.time()) + 301).status_code == 400
    assert count(WebhookEvent) == 0 and count(Payment) == 0
    assert deliver(evt, timestamp=int(time.time()) + 200).status_code == 200  # clock skew
    assert_paid_once(row.deal)


def _session_with(row, **change):
    return {**session_object(row=row), **change}


@pytest.mark.parametrize(("make", "detail"), [
    (lambda row: event("checkout.session.completed", [session_object(row=row)]),
     "data.object is not an object"),
    (lambda row: event("checkout.session.completed", "cs_test_1"), "data.object is not an object"),
    (lambda row: {**event("checkout.session.completed", {}), "data": [1]},
     "data.object is not an object"),
    (lambda row: event("customer.created", ["cus_1"]), "data.object is not an object"),
    (lambda row: {**event("checkout.session.completed", {}), "type": ["x"]}, "type is not a usable string"),
    (lambda row: event("checkout.session.completed", _session_with(row, metadata=["x"])),
     "metadata is not an object"),
    (lambda row: event("checkout.session.completed",
                       _session_with(row, payment_intent={"id": "pi_1"})),
     "payment_intent is not a usable string"),
    (lambda row: event("checkout.session.completed", _session_with(row, id=7)),
     "id is not a usable string"),
], ids=["object-list", "object-string", "data-list", "unknown-type-object-list", "type-list",
        "metadata-list", "intent-object", "session-id-number"])
def test_malformed_signed_event_is_refused_and_recorded(awaiting, deliver, make, detail, caplog):
    """A correctly signed event of a shape Stripe never sends: 400 (never 500, which Stripe
    retries for days), recorded once as ``malformed`` so it can be looked into."""
    deal = awaiting()
    evt = make(upfront(deal))
    response = deliver(evt)
    assert response.status_code == 400
    assert response.json == {"error": "malformed event", "detail": detail}
    stored = db.session.scalar(select(WebhookEvent))
    assert (stored.event_id, stored.result, stored.detail) == (evt["id"], "malformed", detail)
    assert count(Payment) == 0 and count(LedgerEntry) == 1  # the conclusion (signed) only
    assert upfront(deal).status == ScheduleStatus.DUE
    assert any("malformed" in r.getMessage() and r.levelname == "ERROR" for r in caplog.records)
    again = deliver(evt)  # Stripe's retry: the same answer, nothing stored twice
    assert again.status_code == 400 and count(WebhookEvent) == 1


@pytest.mark.parametrize("body", [
    b'[{"id": "evt_list", "type": "checkout.session.completed"}]', b'"evt_text"', b"null",
    b"42", b'{"type": "checkout.session.completed", "data": {"object": {}}}',
    b'{"id": 5, "type": "checkout.session.completed", "data": {"object": {}}}',
    b"not json at all", "{\"id\": \"evt_caf\u00e9\"".encode(),
], ids=["list", "string", "null", "number", "no-id", "id-number", "not-json", "truncated-json"])
def test_signed_body_without_a_usable_event_id_is_refused(awaiting, deliver, body, caplog):
    awaiting()
    response = deliver(payload=body)
    assert response.status_code == 400
    assert response.json["error"] == "malformed event"
    assert count(WebhookEvent) == 0  # nothing to key a row on: logged only
    assert any("malformed" in r.getMessage() and r.levelname == "ERROR" for r in caplog.records)


@pytest.mark.parametrize("change", [{"id": "evt_\x00"}, {"type": "customer.\x00"}])
@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_signed_event_with_a_nul_byte_is_refused(stripe_app, awaiting, change, content_type):
    """PostgreSQL cannot store U+0000: refused with 400 (at the edge for a JSON body, by the
    webhook itself otherwise, which records it as malformed when its id is usable), on every
    database."""
    awaiting()
    body = json.dumps({**event("customer.created", {"id": "cus_1"}), **change}).encode()
    response = stripe_app.test_client().post(
        "/payments/stripe/webhook", data=body,
        headers={"Content-Type": content_type, "Stripe-Signature": sign(body)})
    assert response.status_code == 400
    assert count(WebhookEvent, WebhookEvent.result != "malformed") == 0
