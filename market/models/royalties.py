"""Royalty reports of running-royalty licences, and CNIPA registrations of assignments.

A royalty report is the licensee's statement of one reporting period (a quarter or a year,
as the signed contract says): the sales (or other royalty base) and the royalty they give.
When the licensor confirms the royalty received, the ledger gets a royalty row of its own.

An assignment takes effect only when CNIPA registers it (Patent Law art. 10); the
registration and its announcement in the gazette are kept beside the deal, like the record
number of a licence.
"""
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, created_at_column


class RoyaltyReport(db.Model):
    __tablename__ = "royalty_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)  # report and royalty both fall due then
    royalty_base: Mapped[str] = mapped_column(String(20), default="net_sales")
    base_amount_fen: Mapped[int] = mapped_column(BigInteger)  # the period's net sales (or profit)
    units_sold: Mapped[int | None] = mapped_column(Integer, nullable=True)
    royalty_bp: Mapped[int] = mapped_column(Integer)  # the rate the contract set
    royalty_fen: Mapped[int] = mapped_column(BigInteger)  # what the report says is owed
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    note: Mapped[str] = mapped_column(Text, default="")
    reported_by_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reported_at: Mapped[datetime] = created_at_column()
    paid_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # confirmed by licensor
    paid_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    confirmed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True)

    deal = relationship("Deal")

    __table_args__ = (UniqueConstraint("deal_id", "period_start",
                                       name="uq_royalty_report_deal_period"),)

    @property
    def paid(self) -> bool:
        return self.paid_on is not None


class AssignmentRegistration(db.Model):
    """CNIPA's registration (登记) of an assignment and its announcement (公告)."""

    __tablename__ = "assignment_registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id"), unique=True)
    registered_on: Mapped[date] = mapped_column(Date)
    announcement: Mapped[str | None] = mapped_column(String(60), nullable=True)
    announced_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    recorded_by_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    deal = relationship("Deal")
