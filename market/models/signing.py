"""The contract a deal's parties sign: its frozen versions, the signatures on them and the
one PDF of each concluded version.

A version is frozen when terms are agreed (accept, or an open licence taken) and never
changes: a counter-offer after that voids it and the next agreement freezes a new one. A
signature names the hash of the data it signed, so a later change to the data can be seen.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, created_at_column


class ContractVersion(db.Model):
    """Version ``number`` of a deal's contract: its canonical data and their SHA-256."""

    __tablename__ = "contract_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON)
    data_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_at_column()
    # set when new terms were proposed over this version: its signatures no longer count
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    deal = relationship("Deal")
    signatures: Mapped[list[Signature]] = relationship(back_populates="version",
                                                       order_by="Signature.id")

    __table_args__ = (UniqueConstraint("deal_id", "number"),)


class Signature(db.Model):
    """One party's electronic signature on one contract version (Electronic Signature Law
    art. 13: who, re-authenticated when, from where, and the hash of what was signed)."""

    __tablename__ = "signature"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_version_id: Mapped[int] = mapped_column(ForeignKey("contract_version.id"),
                                                     index=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))  # licensor | licensee
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    signer_name: Mapped[str] = mapped_column(String(100))  # the full name as typed
    org_name: Mapped[str] = mapped_column(String(200))  # the organisation's name when signed
    sha256: Mapped[str] = mapped_column(String(64))  # the version's data_sha256 signed
    signed_at: Mapped[datetime] = created_at_column()
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    version: Mapped[ContractVersion] = relationship(back_populates="signatures")
    user = relationship("User")

    # one signature per side and version: a double-submitted form signs once
    __table_args__ = (UniqueConstraint("contract_version_id", "role"),)


class ContractDocument(db.Model):
    """The PDF of a concluded version, rendered once (first download) and served as stored."""

    __tablename__ = "contract_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_version_id: Mapped[int] = mapped_column(ForeignKey("contract_version.id"),
                                                     unique=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_at_column()

    version: Mapped[ContractVersion] = relationship()
