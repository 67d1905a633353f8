"""Bank transfers as the two sides see them: the payer reports a transfer with its bank
voucher; the receiver (see :mod:`market.services.payees`) confirms the amount that actually
arrived — which books it through :func:`market.services.payments.book`, the same door as
every payment — or disputes it with a reason the payer reads and can answer by reporting
again. In escrow mode the centre also records when it paid the money on to the licensor.

Every change takes the deal's lock first and writes an audit row; a form submitted twice
(the same one-time token, or a decision already taken) changes nothing the second time.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import PurePath

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..domain.dates import local_today
from ..domain.money import format_fen
from ..extensions import db
from ..gateways import get_gateway
from ..models import (
    Payee,
    Payment,
    PaymentProvider,
    PaymentScheduleItem,
    PaymentStatus,
    PaymentVoucher,
    Payout,
    ScheduleStatus,
    User,
)
from ..models.base import utcnow
from . import audit, deals, notifications, payees, payment_queries
from .errors import NotFound, PermissionDenied, ServiceError
from .payments import PaymentRejected, book, check_amount, local_midnight, require_receiver
from .uploads import check_scan

TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
MAX_REASON = 1000


def check_voucher(filename: str | None, data: bytes) -> str:
    """The voucher's content type, read from its first bytes (never from its name). Raises
    ServiceError (on the ``voucher`` field) for an empty, oversized or other file."""
    return check_scan(data, field="voucher", what=_l("The bank voucher"))


def _payer_row(row: PaymentScheduleItem, user: User) -> None:
    if deals.role_of(row.deal, user) is None:
        raise NotFound(_l("Payment not found."))
    if not payees.is_payer(row, user) or not user.can_act:
        raise PermissionDenied(_l("Only the payer of this item reports a payment it made."))


def report_transfer(row: PaymentScheduleItem, user: User, *, token: str, amount_fen: int,
                    paid_on: date, bank_reference: str | None, voucher_name: str | None,
                    voucher_data: bytes) -> Payment:
    """The row's payer (the licensee; the principal for a broker's fee) reports a bank
    transfer of ``amount_fen`` made on ``paid_on`` for ``row``, with its voucher.
    ``token`` (one per form) makes a second submission of the same form return the first
    report unchanged. A part payment is fine; more than the balance is refused. Raises
    NotFound, PermissionDenied, PaymentRejected, ServiceError."""
    _payer_row(row, user)
    if get_gateway().hosted_checkout:
        raise ServiceError(_l("Pay by card on the payments page."), code="card_only")
    if not TOKEN.fullmatch(token or ""):
        raise ServiceError(_l("The form has expired. Open it again."), code="bad_token")
    deal = deals.lock(row.deal)
    db.session.refresh(row)
    existing = db.session.scalar(select(Payment).where(
        Payment.provider == PaymentProvider.OFFLINE, Payment.provider_ref == f"report-{token}"))
    if existing is not None:
        if existing.schedule_item_id != row.id:
            raise ServiceError(_l("The form has expired. Open it again."), code="bad_token")
        return existing  # the same form again
    payee = payees.payee_of(row)
    if not payee.ready:
        raise ServiceError(_l("%(org)s has not yet entered the bank account to pay into. "
                              "You can pay once it has.",
                              org=payee.org.name if payee.org else payee.name),
                           code="no_bank_account")
    if paid_on > local_today():
        raise PaymentRejected(_l("The date cannot be in the future."), field="paid_on",
                              code="future_date")
    check_amount(row, amount_fen, row.currency)
    content_type = check_voucher(voucher_name, voucher_data)
    payment = Payment(schedule_item_id=row.id, deal_id=deal.id,
                      provider=PaymentProvider.OFFLINE, provider_ref=f"report-{token}",
                      attempt=1, amount_fen=amount_fen, currency=row.currency,
                      status=PaymentStatus.REPORTED, payee=payee.kind,
                      reported_by_user_id=user.id, reported_amount_fen=amount_fen,
                      reported_paid_on=paid_on, bank_reference=(bank_reference or None))
    db.session.add(payment)
    db.session.flush()
    db.session.add(PaymentVoucher(
        payment_id=payment.id, filename=PurePath(voucher_name or "voucher").name[-200:],
        content_type=content_type, size=len(voucher_data), data=voucher_data))
    audit.record("payment.reported", actor=user, target=deal, item=row.reference,
                 payment_id=payment.id, amount_fen=amount_fen, paid_on=paid_on.isoformat(),
                 payee=payee.kind.value)
    _tell_receiver(payee, row, _l("%(org)s reports a transfer of %(amount)s: please confirm",
                                  org=row.payer.name,
                                  amount=format_fen(amount_fen, row.currency)))
    db.session.flush()
    return payment


def _tell_receiver(payee: payees.PayeeView, row: PaymentScheduleItem, title) -> None:
    link = f"/payments/deals/{row.deal_id}"
    if payee.kind == Payee.CENTRE:
        notifications.notify_centre("payment_reported", title, "", link)
    else:
        notifications.notify_org(payee.org, "payment_reported", title, "", link)


def _decidable(payment: Payment, user: User) -> PaymentScheduleItem:
    row = payment.schedule_item
    require_receiver(row, user, payees.payee_of(row, payment))
    deals.lock(row.deal)
    db.session.refresh(row)
    db.session.refresh(payment)
    return row


def confirm_report(payment: Payment, user: User, *, amount_fen: int) -> Payment:
    """The receiver confirms that ``amount_fen`` of the reported transfer arrived (it may
    differ from what the payer reported; a part payment leaves the rest due). Confirming
    twice books once. Raises NotFound, PermissionDenied, PaymentRejected, ServiceError."""
    row = _decidable(payment, user)
    if payment.status == PaymentStatus.SUCCEEDED:
        return payment
    if payment.status != PaymentStatus.REPORTED:
        raise ServiceError(_l("This report has already been answered."), code="decided")
    book(row, payment, amount_fen=amount_fen, paid_at=local_midnight(payment.reported_paid_on),
         actor=user, reference=payment.bank_reference or payment.provider_ref)
    audit.record("payment.confirmed", actor=user, target=row.deal, item=row.reference,
                 payment_id=payment.id, reported_fen=payment.reported_amount_fen,
                 received_fen=amount_fen)
    notifications.notify_org(row.payer, "payment_confirmed", _l(
        "%(amount)s received for %(ref)s", amount=format_fen(amount_fen, row.currency),
        ref=row.reference), "", f"/payments/deals/{row.deal_id}")
    return payment


def dispute_report(payment: Payment, user: User, *, reason: str) -> Payment:
    """The receiver did not find the reported transfer: the report is closed with
    ``reason``, which the payer reads; the payer may report again. Disputing twice changes
    nothing. Raises NotFound, PermissionDenied, ServiceError (no reason, already decided)."""
    reason = (reason or "").strip()
    row = _decidable(payment, user)
    if payment.status == PaymentStatus.DISPUTED:
        return payment
    if payment.status != PaymentStatus.REPORTED:
        raise ServiceError(_l("This report has already been answered."), code="decided")
    if not reason:
        raise ServiceError(_l("Say what is wrong, so the payer can put it right."),
                           field="reason", code="no_reason")
    payment.status, payment.dispute_reason = PaymentStatus.DISPUTED, reason[:MAX_REASON]
    payment.decided_at, payment.recorded_by_user_id = utcnow(), user.id
    db.session.flush()
    audit.record("payment.disputed", actor=user, target=row.deal, item=row.reference,
                 payment_id=payment.id, reason=payment.dispute_reason)
    notifications.notify_org(row.payer, "payment_disputed", _l(
        "Your reported payment for %(ref)s was not found", ref=row.reference),
        payment.dispute_reason, f"/payments/deals/{row.deal_id}")
    return payment


def held_by_centre(row: PaymentScheduleItem) -> int:
    """The fen the centre took for ``row`` (escrow transfers and card payments)."""
    return sum(p.amount_fen for p in db.session.scalars(select(Payment).where(
        Payment.schedule_item_id == row.id, Payment.status == PaymentStatus.SUCCEEDED,
        Payment.payee == Payee.CENTRE)))


def payout_of(row: PaymentScheduleItem) -> Payout | None:
    return db.session.scalar(select(Payout).where(Payout.schedule_item_id == row.id))


def record_payout(row: PaymentScheduleItem, user: User, *, paid_out_on: date,
                  bank_reference: str) -> Payout:
    """The centre records that it paid what it held for a fully paid ``row`` on to the
    licensor (the broker agency for a broker's fee). Once per row (a second submission
    returns the first). Raises NotFound, PermissionDenied, ServiceError."""
    role = deals.role_of(row.deal, user)
    if role is None:
        raise NotFound(_l("Payment not found."))
    if not user.is_centre:
        raise PermissionDenied(_l("Only the IP service centre records a pay-out."))
    deals.lock(row.deal)
    db.session.refresh(row)
    existing = payout_of(row)
    if existing is not None:
        return existing
    held = held_by_centre(row)
    if row.status != ScheduleStatus.PAID or held <= 0:
        raise ServiceError(_l("The centre holds no fully paid amount for this item."),
                           code="nothing_held")
    if paid_out_on > local_today():
        raise ServiceError(_l("The date cannot be in the future."), field="paid_out_on")
    reference = (bank_reference or "").strip()
    if not reference:
        raise ServiceError(_l("Enter the bank's reference of the transfer."),
                           field="bank_reference")
    payout = Payout(schedule_item_id=row.id, amount_fen=held, currency=row.currency,
                    paid_out_on=paid_out_on, bank_reference=reference[:100],
                    recorded_by_user_id=user.id)
    db.session.add(payout)
    db.session.flush()
    audit.record("payment.paid_out", actor=user, target=row.deal, item=row.reference,
                 amount_fen=held, bank_reference=payout.bank_reference)
    notifications.notify_org(payees.beneficiary_of(row), "payment_paid_out", _l(
        "The centre paid out %(amount)s for %(ref)s", amount=format_fen(held, row.currency),
        ref=row.reference), "", f"/payments/deals/{row.deal_id}")
    return payout


def voucher_of(payment_id: int, user: User) -> PaymentVoucher:
    """The voucher of a reported payment, for whoever sees its schedule row
    (:func:`payment_queries.visible`: a broker's fee is its payer's, its agency's and the
    centre's only). Raises NotFound otherwise (a stranger learns nothing)."""
    voucher = db.session.scalar(select(PaymentVoucher).where(
        PaymentVoucher.payment_id == payment_id))
    if voucher is None or not payment_queries.visible(voucher.payment.schedule_item, user):
        raise NotFound(_l("Voucher not found."))
    return voucher
