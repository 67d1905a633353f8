"""Fixtures of the payment tests: a concluded deal whose upfront fee is due, the fake Stripe server, an
app configured for Stripe, and ``deliver`` — every webhook delivery a test sends is recorded
and, when the test ends, replayed: the replay must change no row of any table."""
import json

import pytest

from market.services import deals
from market.unit_of_work import commit

from ..conftest import dump_tables, log_in
from ..factories import PAID_OPEN, details_of, sign_contract
from .fake_stripe import WEBHOOK_SECRET, FakeStripe, sign

WEBHOOK = "/payments/stripe/webhook"


@pytest.fixture()
def awaiting(sme, university, make_listing):
    """A committed open licence with a ¥10,000 upfront fee, concluded by the licensee's
    signature: the fee is due."""
    def make(**offer):
        listing = make_listing(university.org, offers=[{**PAID_OPEN, **offer}])
        deal = deals.take_open(sme, listing.offers[0], details_of(sme, expected_start=None))
        sign_contract(deal, sme)
        commit()
        return deal
    return make


@pytest.fixture()
def fake_stripe():
    with FakeStripe() as fake:
        yield fake


@pytest.fixture()
def stripe_app(make_app, fake_stripe):
    """The app with Stripe configured, talking to the fake server."""
    return make_app(STRIPE_SECRET_KEY="sk_test_fake", STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
                    STRIPE_API_BASE=fake_stripe.url, STRIPE_MAX_NETWORK_RETRIES=0)


@pytest.fixture()
def stripe_client(stripe_app):
    return stripe_app.test_client()


@pytest.fixture()
def deliver(app, stripe_app):
    """``deliver(event)`` posts a webhook signed with the test secret (or ``payload`` bytes,
    ``header`` as given, ``timestamp``, ``secret``) and returns the response. Every delivery is
    kept; at teardown all are replayed and no table may change."""
    sent: list[tuple[bytes, dict]] = []
    client = stripe_app.test_client()

    def send(evt=None, *, payload=None, header=None, timestamp=None, secret=WEBHOOK_SECRET):
        body = payload if payload is not None else json.dumps(evt).encode()
        headers = {"Content-Type": "application/json",
                   "Stripe-Signature": header if header is not None
                   else sign(body, secret, timestamp)}
        sent.append((body, headers))
        return client.post(WEBHOOK, data=body, headers=headers)

    send.sent = sent
    yield send
    if not sent:
        return
    before = dump_tables()
    assert any(before.values())
    replay = stripe_app.test_client()
    for body, headers in dict.fromkeys((b, tuple(sorted(h.items()))) for b, h in sent):
        response = replay.post(WEBHOOK, data=body, headers=dict(headers))
        assert response.status_code in (200, 400)
    assert dump_tables() == before, "replaying the webhook deliveries changed rows"


@pytest.fixture()
def logged_in():
    """``logged_in(app, user)``: a client of ``app`` logged in as ``user``."""
    def make(app, user):
        client = app.test_client()
        log_in(client, user)
        return client
    return make
