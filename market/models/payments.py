"""Payments of the payment-schedule rows (Stripe or offline bank transfer) and the Stripe
webhook events received.

A ``Payment`` is one attempt to pay one schedule row: a Stripe Checkout Session or a bank
transfer the licensor confirmed. ``(provider, provider_ref)`` is unique, so the same
session or bank reference can never be booked twice. A ``WebhookEvent`` row is written
once per Stripe event id (unique), in the same transaction as the event's effects.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import StoredFileColumns, UTCDateTime, created_at_column, enum_column


class PaymentProvider(enum.StrEnum):
    STRIPE = "stripe"
    OFFLINE = "offline"


class PaymentStatus(enum.StrEnum):
    PENDING = "pending"        # checkout started, no proof of payment yet
    SUCCEEDED = "succeeded"    # the webhook (or the licensor's confirmation) proved it
    FAILED = "failed"          # an asynchronous method (e.g. a bank debit) failed
    EXPIRED = "expired"        # the checkout session expired unpaid
    REFUNDED = "refunded"
    REJECTED = "rejected"      # money arrived that the schedule did not expect (refunded)
    REPORTED = "reported"      # the payer says it transferred this; the receiver has not yet
    DISPUTED = "disputed"      # the receiver did not find the transfer (reason kept)


class Payee(enum.StrEnum):
    """Who takes the money of a payment (``services.payments.payee_of`` decides)."""
    LICENSOR = "licensor"      # into the licensor's own bank account
    CENTRE = "centre"          # into the centre's account, as escrow (and every card payment)
    AGENCY = "agency"          # a broker's fee, into the broker agency's own bank account


class Payment(db.Model):
    __tablename__ = "payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_item_id: Mapped[int] = mapped_column(ForeignKey("payment_schedule_item.id"),
                                                  index=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id"), index=True)
    provider: Mapped[PaymentProvider] = mapped_column(
        enum_column(PaymentProvider, "payment_provider"))
    # the Checkout Session id (Stripe) or the bank's transfer reference (offline)
    provider_ref: Mapped[str] = mapped_column(String(255))
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), nullable=True,
                                                          index=True)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    checkout_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # the currency's minor unit
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    status: Mapped[PaymentStatus] = mapped_column(enum_column(PaymentStatus, "payment_status"),
                                                  default=PaymentStatus.PENDING)
    receipt_number: Mapped[str | None] = mapped_column(String(40), unique=True, nullable=True)
    refund_ref: Mapped[str | None] = mapped_column(String(255), nullable=True)
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"),
                                                            nullable=True)
    # who took the money, fixed when the payment is reported or booked: a receipt keeps
    # naming it even if the deployment later changes PAYMENT_RECEIVER
    payee: Mapped[Payee | None] = mapped_column(enum_column(Payee, "payment_payee"),
                                                nullable=True)
    # the payer's report of a bank transfer: what it says it paid, when, with which voucher
    reported_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"),
                                                            nullable=True)
    reported_amount_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    reported_paid_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    bank_reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    dispute_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    refunded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    schedule_item = relationship("PaymentScheduleItem")
    deal = relationship("Deal")
    recorded_by = relationship("User", foreign_keys=[recorded_by_user_id])
    reported_by = relationship("User", foreign_keys=[reported_by_user_id])
    voucher = relationship("PaymentVoucher", uselist=False, back_populates="payment")

    __table_args__ = (UniqueConstraint("provider", "provider_ref",
                                       name="uq_payment_provider_provider_ref"),)


class PaymentVoucher(StoredFileColumns, db.Model):
    """The bank voucher (image or PDF) the payer uploaded with its report, kept in the
    database like listing attachments (backed up with it). Only the deal's parties and the
    centre may read it."""

    __tablename__ = "payment_voucher"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), unique=True)

    payment = relationship("Payment", back_populates="voucher")


class Payout(db.Model):
    """The centre passed the money it held for a schedule row on to the licensor (escrow
    mode and card payments). One per row; recorded, never edited."""

    __tablename__ = "payout"

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_item_id: Mapped[int] = mapped_column(ForeignKey("payment_schedule_item.id"),
                                                  unique=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    paid_out_on: Mapped[date] = mapped_column(Date)
    bank_reference: Mapped[str] = mapped_column(String(100))
    recorded_by_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = created_at_column()

    schedule_item = relationship("PaymentScheduleItem")
    recorded_by = relationship("User")


class WebhookEvent(db.Model):
    """A Stripe event, stored once: a second delivery of the same id has no effect."""

    __tablename__ = "webhook_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(10), default="stripe")
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(100))
    # processed | ignored | rejected; ``detail`` says why (e.g. amount_mismatch)
    result: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(500), default="")
    received_at: Mapped[datetime] = created_at_column()
