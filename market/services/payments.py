"""Payments of schedule rows: booking a payment (Stripe webhook or the licensor's offline
confirmation, through the same :func:`record_payment`), starting a Stripe checkout, refunds
when a deal is cancelled before the licence starts, and the lists the payment pages show.

Services flush, never commit. Every function that changes a row first takes the deal's lock
(:func:`market.services.deals.lock`), so concurrent deliveries of one payment queue up and
the later ones see the earlier ones' rows.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from ..domain.dates import LOCAL_ZONE, local_today
from ..extensions import db
from ..gateways import CheckoutRequest, GatewayError, PaymentGateway
from ..models import (
    Deal,
    DealState,
    Payment,
    PaymentProvider,
    PaymentScheduleItem,
    PaymentStatus,
    ScheduleStatus,
    User,
)
from ..models.base import utcnow
from ..permissions import member_org_id
from . import audit, deals
from .errors import NotFound, PermissionDenied, ServiceError

log = logging.getLogger("market.payments")
# fees agreed stay owed after the licence's term has ended
PAYABLE_STATES = (DealState.AWAITING_PAYMENT, DealState.CONCLUDED, DealState.ENDED)
CLOSED_PAYMENT = (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED, PaymentStatus.REJECTED)


class PaymentRejected(ServiceError):
    """The payment does not fit the schedule row (amount, currency, reference, or the row is
    no longer due). ``code`` says which; nothing was booked."""


# --- booking a payment: the one door for Stripe and offline ------------------------------

def accepts_payments(deal: Deal) -> bool:
    """Whether payments of ``deal``'s due items can be made or confirmed now."""
    return deal.state in PAYABLE_STATES


def _find_payment(provider: PaymentProvider, provider_ref: str) -> Payment | None:
    return db.session.scalar(
        select(Payment).where(Payment.provider == provider, Payment.provider_ref == provider_ref)
        .execution_options(populate_existing=True))


def receipt_number(row: PaymentScheduleItem) -> str:
    prefix = "SYIP-P-"
    suffix = row.reference[len(prefix):] if row.reference.startswith(prefix) else row.reference
    return f"SYIP-R-{suffix}"


def record_payment(row: PaymentScheduleItem, *, provider: str, provider_ref: str,
                   amount_fen: int, currency: str, paid_at: datetime, actor: User | None,
                   payment_intent_id: str | None = None) -> Payment:
    """Book ``amount_fen`` ``currency`` paid for ``row`` through ``provider``.

    Idempotent on ``(provider, provider_ref)``: a replay returns the payment already booked
    and changes nothing. Otherwise checks the amount and currency against the row, marks the
    row paid and lets the deals service conclude the deal (``confirm_payment`` →
    ``payment_confirmed``) in the same transaction. Raises PaymentRejected (codes
    ``amount_mismatch``, ``currency_mismatch``, ``reference_reused``, ``already_paid``,
    ``not_due``); then nothing is booked.
    """
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise PaymentRejected(_l("The amount must be a whole number of fen."),
                              field="amount", code="amount_mismatch")
    provider = PaymentProvider(provider)
    provider_ref = (provider_ref or "").strip()
    if not provider_ref:
        raise PaymentRejected(_l("Enter the bank's reference of the transfer."),
                              field="bank_reference", code="no_reference")
    deal = deals.lock(row.deal)
    db.session.refresh(row)
    payment = _find_payment(provider, provider_ref)
    if payment is not None:
        if payment.schedule_item_id != row.id:
            raise PaymentRejected(_l("This reference is already recorded for another payment."),
                                  field="bank_reference", code="reference_reused")
        if payment.status in CLOSED_PAYMENT:
            return payment  # a replay: booked once already
    if (currency or "").upper() != row.currency:
        raise PaymentRejected(_l("The currency paid does not match the currency due."),
                              field="amount", code="currency_mismatch")
    if amount_fen != row.amount_fen:
        raise PaymentRejected(_l("The amount paid does not match the amount due."),
                              field="amount", code="amount_mismatch")
    if row.status == ScheduleStatus.PAID:
        raise PaymentRejected(_l("This payment has already been received."), code="already_paid")
    if row.status != ScheduleStatus.DUE or not accepts_payments(deal):
        raise PaymentRejected(_l("This payment is no longer due."), code="not_due")
    deals.confirm_payment(row, actor=actor, amount_fen=amount_fen, currency=row.currency,
                          paid_at=paid_at, reference=provider_ref)
    if payment is None:
        payment = Payment(schedule_item_id=row.id, deal_id=deal.id, provider=provider,
                          provider_ref=provider_ref, attempt=1)
        db.session.add(payment)
    payment.amount_fen, payment.currency = amount_fen, row.currency
    payment.status, payment.paid_at = PaymentStatus.SUCCEEDED, paid_at
    payment.payment_intent_id = payment_intent_id or payment.payment_intent_id
    payment.receipt_number = receipt_number(row)
    payment.recorded_by_user_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record("payment.recorded", actor=actor, target=deal, item=row.reference,
                 provider=provider.value, provider_ref=provider_ref, amount_fen=amount_fen)
    return payment


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL_ZONE).astimezone(UTC)


def confirm_receipt(row: PaymentScheduleItem, user: User, *, amount_fen: int,
                    received_on: date, bank_reference: str) -> Payment:
    """The licensor confirms a bank transfer for ``row`` (offline mode). Raises NotFound for
    strangers, PermissionDenied for anyone but a verified member of the licensor, and
    PaymentRejected as :func:`record_payment` does."""
    role = deals.role_of(row.deal, user)
    if role is None:
        raise NotFound(_l("Payment not found."))
    if role != deals.LICENSOR or not user.can_act:
        raise PermissionDenied(_l("Only the licensor confirms that a transfer was received."))
    today = local_today()
    if received_on > today:
        raise PaymentRejected(_l("The date cannot be in the future."), field="received_on",
                              code="future_date")
    return record_payment(row, provider=PaymentProvider.OFFLINE, provider_ref=bank_reference,
                          amount_fen=amount_fen, currency=row.currency,
                          paid_at=local_midnight(received_on), actor=user)


# --- Stripe attempts: pending, failed, expired ------------------------------------------------

def start_checkout(row: PaymentScheduleItem, user: User, gateway: PaymentGateway, *,
                   success_url: str, cancel_url: str) -> str:
    """Open (or reuse) a hosted checkout for ``row``; returns the address to send the payer
    to. Only a verified member of the licensee pays. Raises NotFound, PermissionDenied,
    ServiceError (not due, provider unreachable)."""
    role = deals.role_of(row.deal, user)
    if role is None:
        raise NotFound(_l("Payment not found."))
    if role != deals.LICENSEE or not user.can_act:
        raise PermissionDenied(_l("Only the licensee pays."))
    if not gateway.hosted_checkout:
        raise ServiceError(_l("Pay by bank transfer with the reference shown."))
    deal = deals.lock(row.deal)
    db.session.refresh(row)
    if row.status != ScheduleStatus.DUE or not accepts_payments(deal):
        raise ServiceError(_l("This payment is no longer due."), code="not_due")
    open_url = open_checkout_url(row)
    if open_url:  # a second click reuses the open session: one row, one charge
        return open_url
    attempt = 1 + (db.session.scalar(select(func.max(Payment.attempt)).where(
        Payment.schedule_item_id == row.id, Payment.provider == PaymentProvider.STRIPE)) or 0)
    try:
        session = gateway.create_checkout(CheckoutRequest(
            schedule_item_id=row.id, deal_id=deal.id, reference=row.reference,
            amount_fen=row.amount_fen, currency=row.currency,
            description=f"{deal.patent.title} · {row.reference}", attempt=attempt,
            success_url=success_url, cancel_url=cancel_url, customer_email=user.email))
    except GatewayError as exc:
        log.error("checkout for %s failed: %s", row.reference, exc)
        raise ServiceError(_l("The payment provider could not be reached. Please try again "
                              "in a moment.")) from exc
    db.session.add(Payment(schedule_item_id=row.id, deal_id=deal.id,
                           provider=PaymentProvider.STRIPE, provider_ref=session.id,
                           attempt=attempt, checkout_url=session.url, expires_at=session.expires_at,
                           amount_fen=row.amount_fen, currency=row.currency,
                           status=PaymentStatus.PENDING))
    db.session.flush()
    return session.url


def open_checkout_url(row: PaymentScheduleItem) -> str | None:
    """The address of ``row``'s Stripe checkout still open (None when there is none)."""
    soon = utcnow() + timedelta(minutes=5)
    for payment in db.session.scalars(select(Payment).where(
            Payment.schedule_item_id == row.id, Payment.provider == PaymentProvider.STRIPE,
            Payment.status == PaymentStatus.PENDING).order_by(Payment.attempt.desc())):
        if payment.checkout_url and (payment.expires_at is None or payment.expires_at > soon):
            return payment.checkout_url
    return None


def note_attempt(row: PaymentScheduleItem, *, provider_ref: str, status: PaymentStatus,
                 amount_fen: int, currency: str, payment_intent_id: str | None = None) -> Payment:
    """Record what became of a Stripe attempt that did not pay (pending, failed, expired).
    Only a pending attempt changes: a late 'expired' never undoes a payment."""
    deals.lock(row.deal)
    payment = _find_payment(PaymentProvider.STRIPE, provider_ref)
    if payment is None:
        payment = Payment(schedule_item_id=row.id, deal_id=row.deal_id,
                          provider=PaymentProvider.STRIPE, provider_ref=provider_ref,
                          amount_fen=amount_fen, currency=currency.upper(),
                          status=PaymentStatus.PENDING, attempt=1)
        db.session.add(payment)
    if payment.status == PaymentStatus.PENDING:
        payment.status = status
    payment.payment_intent_id = payment_intent_id or payment.payment_intent_id
    db.session.flush()
    return payment


def refund_unexpected(row: PaymentScheduleItem, gateway: PaymentGateway, *, provider_ref: str,
                      amount_fen: int, currency: str, payment_intent_id: str | None) -> Payment:
    """Money arrived for a row that is no longer due (paid by another attempt, or the deal
    was cancelled): keep the row as it is and give the money back."""
    deals.lock(row.deal)
    payment = _find_payment(PaymentProvider.STRIPE, provider_ref)
    if payment is None:
        payment = Payment(schedule_item_id=row.id, deal_id=row.deal_id,
                          provider=PaymentProvider.STRIPE, provider_ref=provider_ref, attempt=1)
        db.session.add(payment)
    if payment.status in CLOSED_PAYMENT:
        return payment
    payment.amount_fen, payment.currency = amount_fen, currency.upper()
    payment.payment_intent_id = payment_intent_id or payment.payment_intent_id
    payment.paid_at = utcnow()
    payment.refund_ref = gateway.refund(payment_intent_id=payment.payment_intent_id,
                                        provider_ref=provider_ref, amount_fen=amount_fen,
                                        idempotency_key=f"refund-{provider_ref}")
    payment.status, payment.refunded_at = PaymentStatus.REJECTED, utcnow()
    db.session.flush()
    audit.record("payment.unexpected_refunded", target=row.deal, item=row.reference,
                 provider_ref=provider_ref, amount_fen=amount_fen)
    return payment


# --- refunds ------------------------------------------------------------------------------

def refund_row(row: PaymentScheduleItem, gateway: PaymentGateway, *, actor: User | None,
               refund_ref: str | None = None) -> Payment | None:
    """Refund the payment of a paid ``row`` in full and mark both refunded. With
    ``refund_ref`` (Stripe reported the refund) the provider is not called again."""
    payment = db.session.scalar(select(Payment).where(
        Payment.schedule_item_id == row.id, Payment.status == PaymentStatus.SUCCEEDED))
    if payment is None:
        return None
    if refund_ref is None:
        if payment.provider == PaymentProvider.OFFLINE:
            refund_ref = f"offline-refund-{payment.id}"
        elif gateway.name != PaymentProvider.STRIPE:
            raise ServiceError(_l("Stripe is not configured: this card payment cannot be "
                                  "refunded from here."))
        else:
            try:
                refund_ref = gateway.refund(payment_intent_id=payment.payment_intent_id,
                                            provider_ref=payment.provider_ref,
                                            amount_fen=payment.amount_fen,
                                            idempotency_key=f"refund-{payment.provider_ref}")
            except GatewayError as exc:
                log.error("refund of %s failed: %s", payment.provider_ref, exc)
                raise ServiceError(_l("The payment provider could not be reached. Please try "
                                      "again in a moment.")) from exc
    payment.status, payment.refunded_at, payment.refund_ref = (
        PaymentStatus.REFUNDED, utcnow(), refund_ref)
    if row.status == ScheduleStatus.PAID:
        row.status = ScheduleStatus.REFUNDED
    db.session.flush()
    audit.record("payment.refunded", actor=actor, target=row.deal, item=row.reference,
                 refund_ref=refund_ref, amount_fen=payment.amount_fen)
    return payment


def licence_started(deal: Deal) -> bool:
    """The licence runs from the start the licensee declared (not started when none is)."""
    return deal.expected_start is not None and deal.expected_start <= local_today()


def cancel_with_refunds(deal: Deal, user: User, gateway: PaymentGateway,
                        reason: str = "") -> list[Payment]:
    """Cancel ``deal`` through the deals service (which writes the ledger reversal of a
    concluded deal) and, when the licence has not started, refund every paid row. Returns
    the refunded payments. Raises what ``deals.cancel`` raises, and ServiceError when a
    refund cannot be made (then nothing is cancelled)."""
    started = licence_started(deal)
    deals.cancel(deal, user, reason)
    if started:
        return []
    return [payment for row in deal.schedule if row.status == ScheduleStatus.PAID
            if (payment := refund_row(row, gateway, actor=user)) is not None]


# --- what the pages show --------------------------------------------------------------------

@dataclass
class RowView:
    row: PaymentScheduleItem
    deal: Deal
    side: str  # licensee | licensor | centre
    payment: Payment | None  # the one that paid (or was refunded)

    @property
    def state(self) -> str:
        if self.row.is_overdue:
            return "overdue"
        return self.row.status.value


def _row_views(rows, user: User) -> list[RowView]:
    ids = [row.id for row in rows]
    paid = {} if not ids else {p.schedule_item_id: p for p in db.session.scalars(select(Payment).where(
        Payment.schedule_item_id.in_(ids),
        Payment.status.in_((PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED))))}
    return [RowView(row, row.deal, deals.role_of(row.deal, user) or "centre", paid.get(row.id))
            for row in rows]


def rows_for(user: User) -> list[RowView]:
    """The schedule rows of the user's deals (every deal's for the centre), newest first."""
    query = select(PaymentScheduleItem).join(Deal).order_by(Deal.id.desc(),
                                                            PaymentScheduleItem.id)
    if not user.is_centre:
        org_id = member_org_id(user)  # a request to join is not membership yet
        if org_id is None:
            return []
        query = query.where(or_(Deal.licensee_org_id == org_id, Deal.licensor_org_id == org_id))
    return _row_views(db.session.scalars(query.limit(500)).all(), user)


def rows_of_deal(deal: Deal, user: User) -> list[RowView]:
    return _row_views(list(deal.schedule), user)


def attempts_of(row: PaymentScheduleItem) -> list[Payment]:
    return list(db.session.scalars(select(Payment).where(Payment.schedule_item_id == row.id)
                                   .order_by(Payment.id)))


def payment_by_intent(payment_intent_id: str) -> Payment | None:
    payment = db.session.scalar(select(Payment).where(
        Payment.provider == PaymentProvider.STRIPE,
        Payment.payment_intent_id == payment_intent_id,
        Payment.status.in_((PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED))))
    if payment is not None:
        deals.lock(payment.deal)
        db.session.refresh(payment)
    return payment
