"""Stripe webhook events → the payments service, one transaction per event.

Each event id is stored once (``webhook_event.event_id`` is unique): the row is inserted
first, so a second delivery of the same event — sequential or concurrent — fails on the
constraint and has no effect. Events may come in any order: a payment is booked whenever
the row is still due, and an attempt's failure or expiry never undoes a payment.

A payment that does not match its schedule row (amount, currency, metadata) is recorded as
``rejected``, logged as an error and answered with 200: Stripe would retry the same payload
for days, and a retry can never match. A payment for a row no longer due (paid by another
attempt, or the deal was cancelled) is refunded at once.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import PaymentScheduleItem, PaymentStatus, WebhookEvent
from ..models.base import utcnow
from ..services import payments
from ..services.payments import PaymentRejected
from .gateway import PaymentGateway

log = logging.getLogger("market.payments")


class DuplicateEvent(Exception):
    """This event id was stored before: the delivery is a replay."""


def seen(event_id: str) -> bool:
    return bool(db.session.scalar(select(exists().where(WebhookEvent.event_id == event_id))))


def store(event: dict, result: str, detail: str = "") -> WebhookEvent:
    """Insert the event's row (first thing in its transaction). Raises DuplicateEvent."""
    row = WebhookEvent(provider="stripe", event_id=str(event.get("id") or ""),
                       type=str(event.get("type") or "")[:100], result=result,
                       detail=detail[:500])
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise DuplicateEvent(row.event_id) from exc
    return row


def apply(event: dict, gateway: PaymentGateway) -> WebhookEvent:
    """Store ``event`` and apply its effects (not committed). Raises DuplicateEvent, and
    PaymentRejected when the payment does not fit its row (then roll back and call
    ``store(event, "rejected", code)``)."""
    stored = store(event, "processed")
    handler = HANDLERS.get(stored.type)
    obj = (event.get("data") or {}).get("object") or {}
    if handler is None:
        stored.result, stored.detail = "ignored", "unhandled type"
        log.info("stripe event %s of type %s ignored", stored.event_id, stored.type)
        return stored
    stored.detail = handler(obj, _event_time(event), gateway)[:500]
    db.session.flush()
    return stored


def _event_time(event: dict) -> datetime:
    created = event.get("created")
    if isinstance(created, int) and not isinstance(created, bool):
        return datetime.fromtimestamp(created, UTC)
    return utcnow()


def _row_of(session: dict) -> PaymentScheduleItem:
    """The schedule row a Checkout Session pays, its metadata checked against the row."""
    metadata = session.get("metadata") or {}
    item_id = str(metadata.get("schedule_item_id") or "")
    row = db.session.get(PaymentScheduleItem, int(item_id)) if item_id.isdigit() else None
    if row is None:
        raise PaymentRejected("unknown schedule row", code="unknown_row")
    if (str(metadata.get("deal_id")) != str(row.deal_id)
            or metadata.get("reference") != row.reference
            or session.get("client_reference_id") not in (None, row.reference)):
        raise PaymentRejected("metadata does not match the schedule row", code="metadata_mismatch")
    return row


def _amount(session: dict) -> tuple[int, str]:
    amount = session.get("amount_total")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise PaymentRejected("amount_total is not an integer", code="amount_mismatch")
    return amount, str(session.get("currency") or "").upper()


def _book(session: dict, at: datetime, gateway: PaymentGateway) -> str:
    row = _row_of(session)
    amount, currency = _amount(session)
    try:
        payments.record_payment(row, provider="stripe", provider_ref=str(session.get("id")),
                                amount_fen=amount, currency=currency, paid_at=at, actor=None,
                                payment_intent_id=session.get("payment_intent"))
    except PaymentRejected as exc:
        if exc.code not in ("already_paid", "not_due"):
            raise
        log.error("payment %s for %s arrived when the row was %s: refunding it",
                  session.get("id"), row.reference, row.status)
        payments.refund_unexpected(row, gateway, provider_ref=str(session.get("id")),
                                   amount_fen=amount, currency=currency,
                                   payment_intent_id=session.get("payment_intent"))
        return f"unexpected payment refunded ({exc.code})"
    return "payment recorded"


def _attempt(status: PaymentStatus):
    def handle(session: dict, at: datetime, gateway: PaymentGateway) -> str:
        row = _row_of(session)
        amount, currency = _amount(session)
        payment = payments.note_attempt(row, provider_ref=str(session.get("id")), status=status,
                                        amount_fen=amount, currency=currency,
                                        payment_intent_id=session.get("payment_intent"))
        return f"attempt {payment.status.value}"
    return handle


def _completed(session: dict, at: datetime, gateway: PaymentGateway) -> str:
    if session.get("payment_status") in ("paid", "no_payment_required"):
        return _book(session, at, gateway)
    # e.g. a bank debit: the money follows in async_payment_succeeded (or _failed)
    return _attempt(PaymentStatus.PENDING)(session, at, gateway)


def _charge_refunded(charge: dict, at: datetime, gateway: PaymentGateway) -> str:
    intent = charge.get("payment_intent")
    payment = payments.payment_by_intent(intent) if intent else None
    if payment is None:
        log.warning("charge.refunded for unknown payment intent %s", intent)
        return "unknown payment"
    if not charge.get("refunded"):
        log.warning("partial refund of %s (%s of %s fen): not recorded", payment.provider_ref,
                    charge.get("amount_refunded"), charge.get("amount"))
        return "partial refund ignored"
    if payment.status != PaymentStatus.SUCCEEDED:
        return "already refunded"
    refunds = ((charge.get("refunds") or {}).get("data") or [{}])
    payments.refund_row(payment.schedule_item, gateway, actor=None,
                        refund_ref=str(refunds[0].get("id") or charge.get("id")))
    log.warning("payment %s refunded at Stripe; the deal's state is the centre's to decide",
                payment.provider_ref)
    return "refund recorded"


HANDLERS = {
    "checkout.session.completed": _completed,
    "checkout.session.async_payment_succeeded": _book,
    "checkout.session.async_payment_failed": _attempt(PaymentStatus.FAILED),
    "checkout.session.expired": _attempt(PaymentStatus.EXPIRED),
    "charge.refunded": _charge_refunded,
}
