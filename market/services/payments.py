"""Payments of schedule rows: booking a payment — the Stripe webhook, the receiver's record
of a transfer (:func:`record_payment`) and its confirmation of the payer's report
(``payment_reports``) all go through :func:`book`, which checks the balance (part payments
are fine, more than the balance is refused) — starting a Stripe checkout, refunds when a
deal is cancelled before the licence starts, and the lists the payment pages show. Who
receives the money is ``payees.payee_of``'s to say.

Services flush, never commit. Every function that changes a row first takes the deal's lock
(:func:`market.services.deals.lock`), so concurrent deliveries of one payment queue up and
the later ones see the earlier ones' rows.
"""
from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..domain.dates import LOCAL_ZONE, local_today
from ..domain.money import format_fen
from ..extensions import db
from ..gateways import CheckoutRequest, GatewayError, PaymentGateway
from ..models import (
    Deal,
    DealState,
    Payee,
    Payment,
    PaymentProvider,
    PaymentScheduleItem,
    PaymentStatus,
    ScheduleStatus,
    User,
)
from ..models.base import utcnow
from . import audit, deals, ledger, payees
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


def paid_so_far(row: PaymentScheduleItem) -> int:
    """The fen received for ``row`` (booked payments; refunded ones no longer count)."""
    total = db.session.scalar(select(func.coalesce(func.sum(Payment.amount_fen), 0)).where(
        Payment.schedule_item_id == row.id, Payment.status == PaymentStatus.SUCCEEDED))
    return int(total or 0)  # PostgreSQL sums a BIGINT as NUMERIC (a Decimal)


def balance_of(row: PaymentScheduleItem) -> int:
    """What is still to be paid on ``row`` (0 once paid in full)."""
    if row.status != ScheduleStatus.DUE:
        return 0
    return max(row.amount_fen - paid_so_far(row), 0)


def receipt_number(row: PaymentScheduleItem, nth: int = 1) -> str:
    """The receipt of the ``nth`` payment booked on ``row`` (the first has no suffix)."""
    prefix = "SYIP-P-"
    suffix = row.reference[len(prefix):] if row.reference.startswith(prefix) else row.reference
    return f"SYIP-R-{suffix}" + (f"-{nth}" if nth > 1 else "")


def _receipts_issued(row: PaymentScheduleItem) -> int:
    return db.session.scalar(select(func.count()).select_from(Payment).where(
        Payment.schedule_item_id == row.id, Payment.receipt_number.is_not(None))) or 0


def overpaid(balance: int, amount_fen: int, currency: str) -> PaymentRejected:
    return PaymentRejected(_l("%(amount)s is more than the balance still due (%(balance)s). "
                              "Record at most the balance; the rest is not owed under this "
                              "item.", amount=format_fen(amount_fen, currency),
                              balance=format_fen(balance, currency)),
                           field="amount", code="overpaid")


def check_amount(row: PaymentScheduleItem, amount_fen: int, currency: str) -> int:
    """Check a payment of ``amount_fen`` against ``row``'s balance; returns the balance.
    A part payment is fine; more than the balance is refused (no credit is kept: the
    schedule knows nothing the payer could use it for). Raises PaymentRejected."""
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise PaymentRejected(_l("The amount must be a whole number of fen."),
                              field="amount", code="amount_mismatch")
    if (currency or "").upper() != row.currency:
        raise PaymentRejected(_l("The currency paid does not match the currency due."),
                              field="amount", code="currency_mismatch")
    if row.status == ScheduleStatus.PAID:
        raise PaymentRejected(_l("This payment has already been received."), code="already_paid")
    if row.status != ScheduleStatus.DUE or not accepts_payments(row.deal):
        raise PaymentRejected(_l("This payment is no longer due."), code="not_due")
    if amount_fen <= 0:
        raise PaymentRejected(_l("Enter an amount above zero."), field="amount",
                              code="amount_mismatch")
    balance = balance_of(row)
    if amount_fen > balance:
        raise overpaid(balance, amount_fen, row.currency)
    return balance


def book(row: PaymentScheduleItem, payment: Payment, *, amount_fen: int, paid_at: datetime,
         actor: User | None, reference: str) -> Payment:
    """Mark ``payment`` received for ``amount_fen`` (checked by :func:`check_amount`),
    with its receipt number and payee; when it settles the row's balance, the deals
    service marks the row paid (and concludes a deal that was waiting for it)."""
    balance = check_amount(row, amount_fen, row.currency)
    payment.amount_fen, payment.currency = amount_fen, row.currency
    payment.status, payment.paid_at = PaymentStatus.SUCCEEDED, paid_at
    payment.payee = payees.payee_of(row, payment).kind
    payment.receipt_number = receipt_number(row, _receipts_issued(row) + 1)
    payment.recorded_by_user_id = getattr(actor, "id", None)
    payment.decided_at = utcnow()
    db.session.flush()
    if amount_fen == balance:
        deals.confirm_payment(row, actor=actor, amount_fen=row.amount_fen,
                              currency=row.currency, paid_at=paid_at, reference=reference)
    audit.record("payment.recorded", actor=actor, target=row.deal, item=row.reference,
                 provider=payment.provider.value, provider_ref=payment.provider_ref,
                 amount_fen=amount_fen, balance_fen=balance - amount_fen,
                 payee=payment.payee.value)
    return payment


def _mismatch() -> PaymentRejected:
    return PaymentRejected(_l("The amount paid does not match the amount due."),
                           field="amount", code="amount_mismatch")


def record_payment(row: PaymentScheduleItem, *, provider: str, provider_ref: str,
                   amount_fen: int, currency: str, paid_at: datetime, actor: User | None,
                   payment_intent_id: str | None = None) -> Payment:
    """Book ``amount_fen`` ``currency`` paid for ``row`` through ``provider``.

    Idempotent on ``(provider, provider_ref)``: a replay returns the payment already booked
    and changes nothing. A bank transfer may pay part of the balance (the row stays due
    for the rest); a card payment must pay the balance its checkout charged. When the
    balance reaches 0 the deals service marks the row paid (``confirm_payment``) in the
    same transaction. Raises PaymentRejected (codes ``amount_mismatch``, ``overpaid``,
    ``currency_mismatch``, ``reference_reused``, ``already_paid``, ``not_due``); then
    nothing is booked.
    """
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
    try:
        balance = check_amount(row, amount_fen, currency)
    except PaymentRejected as exc:
        if provider == PaymentProvider.STRIPE and exc.code == "overpaid":
            raise _mismatch() from exc
        raise
    if provider == PaymentProvider.STRIPE and amount_fen != balance:
        raise _mismatch()  # a checkout charges the whole balance
    if payment is None:
        payment = Payment(schedule_item_id=row.id, deal_id=deal.id, provider=provider,
                          provider_ref=provider_ref, attempt=1, amount_fen=amount_fen,
                          currency=row.currency)
        db.session.add(payment)
    payment.payment_intent_id = payment_intent_id or payment.payment_intent_id
    if provider == PaymentProvider.OFFLINE:
        payment.bank_reference = provider_ref
    return book(row, payment, amount_fen=amount_fen, paid_at=paid_at, actor=actor,
                reference=provider_ref)


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL_ZONE).astimezone(UTC)


def require_receiver(row: PaymentScheduleItem, user: User,
                     payee: payees.PayeeView | None = None) -> payees.PayeeView:
    """Check that ``user`` confirms receipt for ``row``'s payee: a verified member of the
    licensor when it is paid directly (and only once its bank account is on its profile),
    of the broker agency for a broker's fee paid to it directly, the centre in escrow
    mode. Returns the payee. Raises NotFound for strangers, PermissionDenied for anyone
    else, ServiceError when the payee has no bank account."""
    role = deals.role_of(row.deal, user)
    agency = payees.is_fee_agency(row, user)
    if role is None and not agency:
        raise NotFound(_l("Payment not found."))
    payee = payee or payees.payee_of(row)
    if payee.confirmer == payees.CONFIRMED_BY_CENTRE:
        if not user.is_centre:
            raise PermissionDenied(_l("The IP service centre holds this payment in escrow: "
                                      "only the centre confirms it was received."))
    elif payee.confirmer in (payees.CONFIRMED_BY_LICENSOR, payees.CONFIRMED_BY_AGENCY):
        if payee.confirmer == payees.CONFIRMED_BY_AGENCY and not (agency and user.can_act):
            raise PermissionDenied(_l("Only the broker agency confirms that its fee was "
                                      "received."))
        if payee.confirmer == payees.CONFIRMED_BY_LICENSOR and not (
                role == deals.LICENSOR and user.can_act):
            raise PermissionDenied(_l("Only the licensor confirms that a transfer was "
                                      "received."))
        if not payee.ready:
            raise ServiceError(_l("Add your organisation's bank account to its profile "
                                  "first: payers are told to pay into it."),
                               code="no_bank_account")
    else:
        raise PermissionDenied(_l("Card payments are confirmed by the payment provider."))
    return payee


def confirm_receipt(row: PaymentScheduleItem, user: User, *, amount_fen: int,
                    received_on: date, bank_reference: str) -> Payment:
    """The receiver (see :func:`require_receiver`) records a bank transfer it found on its
    statement for ``row``, in full or in part. Raises what :func:`require_receiver` and
    :func:`record_payment` raise."""
    require_receiver(row, user)
    if received_on > local_today():
        raise PaymentRejected(_l("The date cannot be in the future."), field="received_on",
                              code="future_date")
    return record_payment(row, provider=PaymentProvider.OFFLINE, provider_ref=bank_reference,
                          amount_fen=amount_fen, currency=row.currency,
                          paid_at=local_midnight(received_on), actor=user)


# --- Stripe attempts: pending, failed, expired ------------------------------------------------

def start_checkout(row: PaymentScheduleItem, user: User, gateway: PaymentGateway, *,
                   success_url: str, cancel_url: str) -> str:
    """Open (or reuse) a hosted checkout for ``row``; returns the address to send the payer
    to. Only a verified member of the row's payer pays (the licensee; the principal for a
    broker's fee). Raises NotFound, PermissionDenied, ServiceError (not due, provider
    unreachable)."""
    if deals.role_of(row.deal, user) is None:
        raise NotFound(_l("Payment not found."))
    if not payees.is_payer(row, user) or not user.can_act:
        raise PermissionDenied(_l("Only the payer of this item pays it."))
    if not gateway.hosted_checkout:
        raise ServiceError(_l("Pay by bank transfer with the reference shown."))
    deal = deals.lock(row.deal)
    db.session.refresh(row)
    balance = balance_of(row)
    if row.status != ScheduleStatus.DUE or not accepts_payments(deal) or balance <= 0:
        raise ServiceError(_l("This payment is no longer due."), code="not_due")
    open_url = open_checkout_url(row)
    if open_url:  # a second click reuses the open session: one row, one charge
        return open_url
    attempt = 1 + (db.session.scalar(select(func.max(Payment.attempt)).where(
        Payment.schedule_item_id == row.id, Payment.provider == PaymentProvider.STRIPE)) or 0)
    try:
        session = gateway.create_checkout(CheckoutRequest(
            schedule_item_id=row.id, deal_id=deal.id, reference=row.reference,
            amount_fen=balance, currency=row.currency,
            description=f"{deal.patent.title} · {row.reference}", attempt=attempt,
            success_url=success_url, cancel_url=cancel_url, customer_email=user.email))
    except GatewayError as exc:
        log.error("checkout for %s failed: %s", row.reference, exc)
        raise ServiceError(_l("The payment provider could not be reached. Please try again "
                              "in a moment.")) from exc
    db.session.add(Payment(schedule_item_id=row.id, deal_id=deal.id,
                           provider=PaymentProvider.STRIPE, provider_ref=session.id,
                           attempt=attempt, checkout_url=session.url, expires_at=session.expires_at,
                           amount_fen=balance, currency=row.currency,
                           status=PaymentStatus.PENDING, payee=Payee.CENTRE))
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
               refund_ref: str | None = None, payment: Payment | None = None) -> list[Payment]:
    """Refund in full every booked payment of ``row`` (or only ``payment``) and mark the
    row refunded once nothing booked is left on it. With ``refund_ref`` (Stripe reported
    the refund) the provider is not called again. Returns the payments refunded."""
    booked = [payment] if payment is not None else list(db.session.scalars(select(Payment).where(
        Payment.schedule_item_id == row.id, Payment.status == PaymentStatus.SUCCEEDED)
        .order_by(Payment.id)))
    refunded = [p for p in booked if p.status == PaymentStatus.SUCCEEDED]
    for item in refunded:
        _refund_one(row, item, gateway, actor=actor, refund_ref=refund_ref)
    if refunded and row.status == ScheduleStatus.PAID and paid_so_far(row) == 0:
        row.status = ScheduleStatus.REFUNDED
    db.session.flush()
    return refunded


def _refund_one(row: PaymentScheduleItem, payment: Payment, gateway: PaymentGateway, *,
                actor: User | None, refund_ref: str | None) -> None:
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
    # money given back no longer counts in the contract value (a reversing ledger row);
    # a broker's fee never counted in it (a service fee), so its refund books nothing
    if not row.is_broker_fee:
        ledger.record_refund(row.deal, payment.amount_fen, ref=f"payment-{payment.id}")
    db.session.flush()
    audit.record("payment.refunded", actor=actor, target=row.deal, item=row.reference,
                 refund_ref=refund_ref, amount_fen=payment.amount_fen)


def licence_started(deal: Deal) -> bool:
    """The licence runs from the start the licensee declared (not started when none is)."""
    return deal.expected_start is not None and deal.expected_start <= local_today()


def cancel_with_refunds(deal: Deal, user: User, gateway: PaymentGateway,
                        reason: str = "") -> list[Payment]:
    """Cancel ``deal`` through the deals service (which writes the ledger reversal of a
    concluded deal) and, when the licence has not started, refund every paid row of the
    contract. A broker's fee is not refunded with it: it is owed under the mandate, not the
    contract, and in escrow it may have been paid out to the agency already. Returns the
    refunded payments. Raises what ``deals.cancel`` raises, and ServiceError when a refund
    cannot be made (then nothing is cancelled)."""
    started = licence_started(deal)
    deals.cancel(deal, user, reason)
    if started:
        return []
    # every payment booked, also on rows paid only in part (cancelled with the deal)
    return [payment for row in deal.schedule if not row.is_broker_fee
            for payment in refund_row(row, gateway, actor=user)]


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
