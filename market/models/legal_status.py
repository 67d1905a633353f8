"""Legal status one can trust: what CNIPA's records say about a listed patent, who checked it
and when, the owner's proof waiting for the centre, and the annual fee paid so far.

The listing's own ``Patent.legal_status`` stays the one status the rules read; these tables
say where it came from. They hang off the patent (``Patent.status_check``, ``.status_events``,
``.status_proofs``) without changing the listing's table.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..domain.patents import LegalStatus
from ..extensions import db
from .base import StoredFileColumns, UTCDateTime, created_at_column, enum_column


class VerificationSource(enum.StrEnum):
    IMPORT = "import"  # the centre imported CNIPA's status records
    PROOF = "proof"    # the centre checked a document the owner uploaded


class ProofState(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class PatentStatusCheck(db.Model):
    """One row per patent once anything is known beyond the owner's word: the status the
    centre verified (and when, how, by whom) and the annual fee's paid-through date."""

    __tablename__ = "patent_status_check"

    patent_id: Mapped[int] = mapped_column(ForeignKey("patent.id"), primary_key=True)
    # the status as verified: the listing counts as verified while it still says this
    verified_status: Mapped[LegalStatus | None] = mapped_column(
        enum_column(LegalStatus, "verified_legal_status"), nullable=True)
    verified_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    verified_source: Mapped[VerificationSource | None] = mapped_column(
        enum_column(VerificationSource, "verification_source"), nullable=True)
    verified_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True)
    # last day covered by the annual fees paid; the next year's fee is due the day after
    annual_fee_paid_through: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    fee_paid_through_source: Mapped[str | None] = mapped_column(String(10), nullable=True)
    # the paid-through date the owner was last reminded of / told was overdue (once each)
    fee_reminded_for: Mapped[date | None] = mapped_column(Date, nullable=True)
    fee_overdue_told_for: Mapped[date | None] = mapped_column(Date, nullable=True)
    # the day the platform closed the listing's offers because the patent lapsed
    lapsed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    updated_at: Mapped[datetime] = created_at_column()

    patent = relationship("Patent", backref=backref("status_check", uselist=False,
                                                    cascade="all, delete-orphan"))
    verified_by = relationship("User")


class LegalStatusEvent(db.Model):
    """One record of CNIPA's legal-status history of a patent (an imported row, or the
    status a checked proof showed). Imported twice, a record is kept once."""

    __tablename__ = "legal_status_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patent.id"))
    status: Mapped[LegalStatus] = mapped_column(enum_column(LegalStatus, "event_legal_status"))
    event: Mapped[str] = mapped_column(String(200), default="")
    event_date: Mapped[date] = mapped_column(Date)
    source: Mapped[VerificationSource] = mapped_column(
        enum_column(VerificationSource, "event_source"))
    recorded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True)
    created_at: Mapped[datetime] = created_at_column()

    patent = relationship("Patent", backref=backref(
        "status_events", order_by="LegalStatusEvent.event_date", cascade="all, delete-orphan"))

    __table_args__ = (
        # also the index of a patent's history by date (its leading columns)
        UniqueConstraint("patent_id", "event_date", "status", "event",
                         name="uq_legal_status_event_record"),
    )


class LegalStatusProof(StoredFileColumns, db.Model):
    """A document the owner uploaded to prove the patent's status (a CNIPA status page,
    an annual-fee receipt), waiting for the centre's check."""

    __tablename__ = "legal_status_proof"

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patent.id"), index=True)
    uploaded_by_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(String(500), default="")
    state: Mapped[ProofState] = mapped_column(enum_column(ProofState, "proof_state"),
                                              default=ProofState.PENDING, index=True)
    decided_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    patent = relationship("Patent", backref=backref(
        "status_proofs", order_by="LegalStatusProof.id", cascade="all, delete-orphan"))
    uploaded_by = relationship("User", foreign_keys=[uploaded_by_user_id])
