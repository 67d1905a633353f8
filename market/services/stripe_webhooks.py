"""Stripe webhook events → the payments service, one transaction per event.

Each event id is stored once (``webhook_event.event_id`` is unique): the row is inserted
first, so a second delivery of the same event — sequential or concurrent — fails on the
constraint and has no effect. Events may come in any order: a payment is booked whenever
the row is still due, and an attempt's failure or expiry never undoes a payment.

A payment that does not match its schedule row (amount, currency, metadata) is recorded as
``rejected``, logged as an error and answered with 200: Stripe would retry the same payload
for days, and a retry can never match. A payment for a row no longer due (paid by another
attempt, or the deal was cancelled) is refunded at once.

A signed event of a shape no Stripe event has (the body not an object, ``data.object`` not
an object, an id or reference that is not a string) raises :class:`MalformedEvent`: it is
recorded as ``malformed`` when it has a usable id (else only logged) and answered with 400,
never 500.
"""
from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..gateways import MalformedEvent, PaymentGateway
from ..models import PaymentScheduleItem, PaymentStatus, WebhookEvent
from ..models.base import utcnow
from . import payments
from .payments import PaymentRejected

log = logging.getLogger("market.payments")


class DuplicateEvent(Exception):
    """This event id was stored before: the delivery is a replay."""


MAX_ID = 255  # the longest id or reference stored (String(255) columns)
MAX_AMOUNT = 2**53  # far above any real payment, far below BigInteger's limit


def stored_result(event_id: str) -> str | None:
    """The result recorded for this event id, None when it was never stored."""
    return db.session.scalar(select(WebhookEvent.result).where(WebhookEvent.event_id == event_id))


def event_id_of(event) -> str:
    """The event's id, checked usable as a key. Raises MalformedEvent."""
    if not isinstance(event, dict):
        raise MalformedEvent("the body is not a JSON object")
    return _text(event, "id", "event id")


def check_envelope(event) -> str:
    """Check what every event must have (id, type, ``data.object``); returns the id.
    Raises MalformedEvent."""
    event_id = event_id_of(event)
    _text(event, "type")
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        raise MalformedEvent("data.object is not an object")
    return event_id


def _clean(value, limit: int) -> str:
    # NUL is refused by PostgreSQL text columns; the rest is kept as sent
    return str(value or "").replace("\x00", "")[:limit]


def _text(obj: dict, key: str, what: str | None = None) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value or len(value) > MAX_ID or "\x00" in value:
        raise MalformedEvent(f"{what or key} is not a usable string")
    return value


def _optional_text(obj: dict, key: str) -> str | None:
    return None if obj.get(key) is None else _text(obj, key)


def _object(obj: dict, key: str) -> dict:
    value = obj.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedEvent(f"{key} is not an object")
    return value


def store(event: dict, result: str, detail: str = "") -> WebhookEvent:
    """Insert the event's row (first thing in its transaction). Raises DuplicateEvent."""
    row = WebhookEvent(provider="stripe", event_id=event_id_of(event),
                       type=_clean(event.get("type"), 100), result=result,
                       detail=_clean(detail, 500))
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise DuplicateEvent(row.event_id) from exc
    return row


def apply(event: dict, gateway: PaymentGateway) -> WebhookEvent:
    """Store ``event`` and apply its effects (not committed). Raises DuplicateEvent,
    MalformedEvent (roll back, then :func:`store` it as ``malformed``), and PaymentRejected
    when the payment does not fit its row (then roll back and call
    ``store(event, "rejected", code)``)."""
    check_envelope(event)
    stored = store(event, "processed")
    handler = HANDLERS.get(stored.type)
    obj = event["data"]["object"]
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
        try:
            return datetime.fromtimestamp(created, UTC)
        except (OverflowError, OSError, ValueError):
            pass  # not a time Stripe sends: the time of receipt will do
    return utcnow()


def _row_of(session: dict) -> PaymentScheduleItem:
    """The schedule row a Checkout Session pays, its metadata checked against the row."""
    metadata = _object(session, "metadata")
    item_id = str(metadata.get("schedule_item_id") or "")
    row = db.session.get(PaymentScheduleItem, int(item_id)) \
        if re.fullmatch(r"[0-9]{1,9}", item_id) else None
    if row is None:
        raise PaymentRejected("unknown schedule row", code="unknown_row")
    if (str(metadata.get("deal_id")) != str(row.deal_id)
            or metadata.get("reference") != row.reference
            or session.get("client_reference_id") not in (None, row.reference)):
        raise PaymentRejected("metadata does not match the schedule row", code="metadata_mismatch")
    return row


def _amount(session: dict) -> tuple[int, str]:
    amount = session.get("amount_total")
    if isinstance(amount, bool) or not isinstance(amount, int) \
            or not 0 <= amount <= MAX_AMOUNT:
        raise PaymentRejected("amount_total is not a plausible integer", code="amount_mismatch")
    currency = session.get("currency")
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Za-z]{3}", currency):
        raise PaymentRejected("currency is not a currency code", code="currency_mismatch")
    return amount, currency.upper()


def _book(session: dict, at: datetime, gateway: PaymentGateway) -> str:
    row = _row_of(session)
    amount, currency = _amount(session)
    session_id, intent = _text(session, "id"), _optional_text(session, "payment_intent")
    try:
        payments.record_payment(row, provider="stripe", provider_ref=session_id,
                                amount_fen=amount, currency=currency, paid_at=at, actor=None,
                                payment_intent_id=intent)
    except PaymentRejected as exc:
        if exc.code not in ("already_paid", "not_due"):
            raise
        log.error("payment %s for %s arrived when the row was %s: refunding it",
                  session_id, row.reference, row.status)
        payments.refund_unexpected(row, gateway, provider_ref=session_id,
                                   amount_fen=amount, currency=currency,
                                   payment_intent_id=intent)
        return f"unexpected payment refunded ({exc.code})"
    return "payment recorded"


def _attempt(status: PaymentStatus):
    def handle(session: dict, at: datetime, gateway: PaymentGateway) -> str:
        row = _row_of(session)
        amount, currency = _amount(session)
        payment = payments.note_attempt(row, provider_ref=_text(session, "id"), status=status,
                                        amount_fen=amount, currency=currency,
                                        payment_intent_id=_optional_text(session,
                                                                         "payment_intent"))
        return f"attempt {payment.status.value}"
    return handle


def _completed(session: dict, at: datetime, gateway: PaymentGateway) -> str:
    if session.get("payment_status") in ("paid", "no_payment_required"):
        return _book(session, at, gateway)
    # e.g. a bank debit: the money follows in async_payment_succeeded (or _failed)
    return _attempt(PaymentStatus.PENDING)(session, at, gateway)


def _charge_refunded(charge: dict, at: datetime, gateway: PaymentGateway) -> str:
    intent = _optional_text(charge, "payment_intent")
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
    refunds = _object(charge, "refunds").get("data") or [{}]
    if not isinstance(refunds, list) or not isinstance(refunds[0], dict):
        raise MalformedEvent("refunds.data is not a list of objects")
    refund_ref = _optional_text(refunds[0], "id") or _text(charge, "id")
    payments.refund_row(payment.schedule_item, gateway, actor=None, refund_ref=refund_ref,
                        payment=payment)
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
