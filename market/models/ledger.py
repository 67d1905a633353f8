"""The transaction record: one append-only row per concluded deal, reversing rows for
corrections (cancellations, refunds), one row per royalty payment and one per CNIPA
registration. The centre's indicators are sums over it. The application never updates or
deletes a row (see ``market.services.ledger``).

Each row carries the dates of every view of the counts (``market.services.stats.VIEWS``):
``concluded_on`` the day it was booked (a reversal: the cancellation day), ``deal_on`` the
day it counts in the conclusion-date view (a reversal: the original deal's day; NULL for a
registration row, which only the registration view counts) and ``registered_on`` the day it
counts in the registration-date view (NULL while the deal is not registered with CNIPA)."""
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import created_at_column


class LedgerEntry(db.Model):
    __tablename__ = "ledger_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id"), index=True)
    # conclusion | reversal | refund | royalty | registration
    entry: Mapped[str] = mapped_column(String(12))
    # What makes the row unique beside deal and entry: the refunded payment's reference, the
    # royalty report's id; "" for the one conclusion, reversal and registration of a deal.
    ref: Mapped[str] = mapped_column(String(40), default="", server_default="")
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"), nullable=True)
    # +1 for a conclusion or registration, -1 for a reversal, 0 for refunds and royalties
    # (money only): counts are sums of ``sign``
    sign: Mapped[int] = mapped_column(Integer)
    contract_number: Mapped[str] = mapped_column(String(40))
    concluded_on: Mapped[date] = mapped_column(Date, index=True)  # the booking date
    deal_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    registered_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    kind: Mapped[str] = mapped_column(String(12))  # licence | assignment
    licence_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    open_licence: Mapped[bool] = mapped_column(Boolean)
    fast_licence: Mapped[bool] = mapped_column(Boolean)  # upfront reduced, waived or deferred
    contract_value_fen: Mapped[int] = mapped_column(BigInteger)  # negative in a reversal
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    licensor_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    licensor_kind: Mapped[str] = mapped_column(String(20))
    licensee_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # the taker's kind (anyone may take an open licence): the SME counts read licensee_is_sme
    licensee_kind: Mapped[str] = mapped_column(String(20))
    licensee_is_sme: Mapped[bool] = mapped_column(Boolean)
    licensor_is_university: Mapped[bool] = mapped_column(Boolean)  # university or institute
    # the agency whose broker acted on the deal (None: the parties dealt directly)
    broker_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"),
                                                      nullable=True, index=True)
    industry: Mapped[str] = mapped_column(String(30))
    district: Mapped[str] = mapped_column(String(20))  # the licensee's district
    patent_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    patent_count: Mapped[int] = mapped_column(Integer, default=1)
    days_to_conclusion: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = created_at_column()

    __table_args__ = (UniqueConstraint("deal_id", "entry", "ref",
                                       name="uq_ledger_entry_deal_entry_ref"),)
