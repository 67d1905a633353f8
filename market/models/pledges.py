"""IP pledge financing (质押融资) recorded by the centre, and API tokens for the centre's
statistics feed (both arrived with the indicators cockpit)."""
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, created_at_column


class PledgeDeal(db.Model):
    """One pledge loan secured on patents: who pledged, which bank lent, how much, when."""

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

    pledgor = relationship("Organisation")


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
