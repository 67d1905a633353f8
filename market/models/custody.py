"""IP custody (知识产权托管): an SME's agreement with a service agency, and the events of its
life. Both tables are append-only (``append_only.protect``): an agreement's terms are fixed
when it is proposed; its acceptance, renewals and termination are event rows, and its state
and term are read from them (``market.services.custody``). The plan's custody indicator is
computed from these rows."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from . import append_only
from .base import created_at_column


class CustodyAgreement(db.Model):
    """The agreement as proposed: parties, scope, term and fee (integer fen)."""

    __tablename__ = "custody_agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    sme_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    agency_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    proposed_by_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    proposed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"),
                                                            nullable=True)
    scope_patents: Mapped[bool] = mapped_column(Boolean, default=True)
    scope_marks: Mapped[bool] = mapped_column(Boolean, default=False)
    scope_fee_reminders: Mapped[bool] = mapped_column(Boolean, default=True)
    scope_portfolio_review: Mapped[bool] = mapped_column(Boolean, default=False)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    fee_fen: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = created_at_column()

    sme = relationship("Organisation", foreign_keys=[sme_org_id])
    agency = relationship("Organisation", foreign_keys=[agency_org_id])
    events = relationship("CustodyEvent", back_populates="agreement",
                          order_by="CustodyEvent.id")

    @property
    def scope(self) -> list[str]:
        return [name for name in ("patents", "marks", "fee_reminders", "portfolio_review")
                if getattr(self, f"scope_{name}")]


class CustodyEvent(db.Model):
    """One step of an agreement: proposed, accepted, declined, withdrawn, renewal_proposed,
    renewed, renewal_declined, terminated. ``starts_on``/``ends_on`` carry the term an
    acceptance or renewal puts in force (a termination: its last day in ``ends_on``);
    ``fee_fen`` the fee it agrees."""

    __tablename__ = "custody_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("custody_agreement.id"))
    kind: Mapped[str] = mapped_column(String(20))
    by_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    starts_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    fee_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = created_at_column()

    agreement = relationship("CustodyAgreement", back_populates="events")

    # covers the custody counts (services.custody_stats): no table lookups per agreement
    __table_args__ = (Index("ix_custody_event_agreement_kind", "agreement_id", "kind",
                            "starts_on", "ends_on"),)


append_only.protect(CustodyAgreement.__table__)
append_only.protect(CustodyEvent.__table__)
