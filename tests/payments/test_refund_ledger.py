"""A refund made at Stripe no longer leaves the money counted: the ledger gets a refund row
(the value negated, the deal still counted until it is cancelled), dated to the deal's
day in the conclusion-date view and to the refund's day in the booking view."""
import pytest
from sqlalchemy import select

from market.domain.dates import local_today
from market.extensions import db
from market.models import LedgerEntry

from .fake_stripe import event

pytestmark = pytest.mark.db


def test_stripe_refund_books_a_refund_row_once(awaiting, deliver):
    deal = awaiting()
    row = deal.schedule[0]
    session = {"id": "cs_test_refund", "object": "checkout.session",
               "amount_total": row.amount_fen, "currency": "cny",
               "client_reference_id": row.reference, "payment_status": "paid",
               "payment_intent": "pi_test_refund",
               "metadata": {"deal_id": str(deal.id), "schedule_item_id": str(row.id),
                            "reference": row.reference}}
    deliver(event("checkout.session.completed", session))
    charge = {"id": "ch_r", "object": "charge", "payment_intent": "pi_test_refund",
              "amount": row.amount_fen, "amount_refunded": row.amount_fen, "refunded": True,
              "refunds": {"data": [{"id": "re_ledger"}]}}
    deliver(event("charge.refunded", charge))
    deliver(event("charge.refunded", charge))  # Stripe delivers at least once
    rows = db.session.scalars(select(LedgerEntry).where(LedgerEntry.deal_id == deal.id)
                              .order_by(LedgerEntry.id)).all()
    conclusion, refund = [r for r in rows if r.entry in ("conclusion", "refund")]
    assert [r.entry for r in rows].count("refund") == 1
    assert (refund.sign, refund.contract_value_fen) == (0, -row.amount_fen)
    assert (refund.deal_on, refund.concluded_on) == (conclusion.deal_on, local_today())
