"""The transaction record: one append-only row per concluded deal, reversing rows for
corrections. The centre's indicators are sums over it. The application never updates or
deletes a row (see ``market.services.ledger``)."""
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
    entry: Mapped[str] = mapped_column(String(10))  # conclusion | reversal
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"), nullable=True)
    # +1 for a conclusion, -1 for a reversal: counts are sums of ``sign``
    sign: Mapped[int] = mapped_column(Integer)
    contract_number: Mapped[str] = mapped_column(String(40))
    concluded_on: Mapped[date] = mapped_column(Date, index=True)  # the booking date
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
    industry: Mapped[str] = mapped_column(String(30))
    district: Mapped[str] = mapped_column(String(20))  # the licensee's district
    patent_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    patent_count: Mapped[int] = mapped_column(Integer, default=1)
    days_to_conclusion: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = created_at_column()

    __table_args__ = (UniqueConstraint("deal_id", "entry", name="uq_ledger_entry_deal_entry"),)
