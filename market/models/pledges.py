"""IP pledge financing (质押融资) recorded by the centre, the platform patents each pledge
covers and the pledgees' consents to assign or license them exclusively, and API tokens for
the centre's statistics feed (both arrived with the indicators cockpit)."""
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import StoredFileColumns, UTCDateTime, created_at_column


class PledgeDeal(db.Model):
    """One pledge loan secured on patents (and, in a mixed pledge, trademarks): who pledged,
    which bank lent, how much, when, and when the pledge was released. Registered from
    ``pledged_on`` until ``released_on`` (Civil Code art. 444 binds the pledgor meanwhile)."""

    __tablename__ = "pledge_deal"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledgor_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), nullable=True, index=True)
    pledgor_name: Mapped[str] = mapped_column(String(200))
    bank: Mapped[str] = mapped_column(String(200))
    application_numbers: Mapped[list[str]] = mapped_column(JSON, default=list)
    patent_count: Mapped[int] = mapped_column(Integer, default=1)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    pledged_on: Mapped[date] = mapped_column(Date, index=True)
    source: Mapped[str] = mapped_column(String(10), default="form")  # form | csv
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True)
    created_at: Mapped[datetime] = created_at_column()
    # trademark registration numbers pledged with the patents (plan task 12: mixed pledges)
    # server defaults: rows written by raw SQL (bench/stats.py) are patent-only pledges
    trademark_numbers: Mapped[list[str]] = mapped_column(JSON, default=list,
                                                         server_default="[]")
    trademark_count: Mapped[int] = mapped_column(Integer, default=0,
                                                 server_default="0")  # > 0: a mixed pledge
    released_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    released_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    pledgor = relationship("Organisation")
    released_by = relationship("User", foreign_keys=[released_by_user_id])
    patents = relationship("PledgedPatent", back_populates="pledge", order_by="PledgedPatent.id")
    consents = relationship("PledgeeConsent", back_populates="pledge",
                            order_by="PledgeeConsent.id")

    @property
    def is_mixed(self) -> bool:
        return self.trademark_count > 0

    @property
    def is_released(self) -> bool:
        return self.released_on is not None


class PledgedPatent(db.Model):
    """A patent listed on the platform that a pledge covers: what the deal rules look up."""

    __tablename__ = "pledged_patent"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge_deal.id"), index=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patent.id"), index=True)

    pledge = relationship("PledgeDeal", back_populates="patents")
    patent = relationship("Patent")

    __table_args__ = (UniqueConstraint("pledge_id", "patent_id",
                                       name="uq_pledged_patent_pledge_patent"),)


class PledgeeConsent(StoredFileColumns, db.Model):
    """The pledgee's written consent (a scan or PDF) to an assignment or an exclusive or sole
    licence of one pledged patent, kept in the database like payment vouchers. Recorded,
    never edited; only the patent's side of a deal and the centre read it."""

    __tablename__ = "pledgee_consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge_deal.id"), index=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patent.id"), index=True)
    uploaded_by_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    pledge = relationship("PledgeDeal", back_populates="consents")
    patent = relationship("Patent")
    uploaded_by = relationship("User")


class ApiToken(db.Model):
    """A bearer token for the statistics API. Only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = created_at_column()
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    user = relationship("User")
