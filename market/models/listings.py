"""Patents on the market (a patent record is its listing) and the offers they carry."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.open_licence import declaration_state
from ..domain.patents import LegalStatus, PatentType
from ..domain.terms import is_fast_licence_terms
from ..extensions import db
from .base import StoredFileColumns, UTCDateTime, created_at_column, enum_column, utcnow
from .terms import LicenceTermsColumns

OFFER_MONEY_BOUNDS = (
    "upfront_fee_fen >= 0 AND royalty_bp >= 0 AND royalty_bp <= 10000"
    " AND royalty_base IN ('net_sales', 'profit')"
    " AND (kind <> 'open_licence' OR (upfront_fee_fen <= 2000000000"
    " AND royalty_bp <= CASE WHEN royalty_base = 'profit' THEN 4000 ELSE 2000 END))")


class ListingStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class OfferKind(enum.StrEnum):
    OPEN_LICENCE = "open_licence"  # 开放许可: fixed published terms, non-exclusive
    LICENCE = "licence"            # licence on request, terms negotiable
    ASSIGNMENT = "assignment"      # 转让


class LicenceKind(enum.StrEnum):
    EXCLUSIVE = "exclusive"          # 独占
    SOLE = "sole"                    # 排他
    NON_EXCLUSIVE = "non_exclusive"  # 普通


class Patent(db.Model):
    """A patent put on the market by its owning organisation (the listing)."""

    __tablename__ = "patent"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    application_number: Mapped[str] = mapped_column(String(20), unique=True)
    publication_number: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    grant_number: Mapped[str | None] = mapped_column(String(20), nullable=True)
    title: Mapped[str] = mapped_column(String(300))
    abstract: Mapped[str] = mapped_column(Text, default="")
    claims: Mapped[str] = mapped_column(Text, default="")
    ipc_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    patent_type: Mapped[PatentType] = mapped_column(enum_column(PatentType, "patent_type"))
    legal_status: Mapped[LegalStatus] = mapped_column(enum_column(LegalStatus, "legal_status"))
    filing_date: Mapped[date] = mapped_column(Date)
    grant_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    expiry_date: Mapped[date] = mapped_column(Date)
    inventors: Mapped[str] = mapped_column(String(500), default="")
    industry: Mapped[str] = mapped_column(String(30), index=True)
    industry_overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    trl: Mapped[int | None] = mapped_column(Integer, nullable=True)
    keywords: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[ListingStatus] = mapped_column(
        enum_column(ListingStatus, "listing_status"), default=ListingStatus.DRAFT, index=True)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    view_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    owner = relationship("Organisation")
    offers: Mapped[list[Offer]] = relationship(back_populates="patent", order_by="Offer.id",
                                               cascade="all, delete-orphan")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="patent", order_by="Attachment.id", cascade="all, delete-orphan")
    evaluation_reports: Mapped[list[EvaluationReport]] = relationship(
        back_populates="patent", order_by="EvaluationReport.id", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("trl IS NULL OR (trl >= 1 AND trl <= 9)", name="trl_range"),
        # published listings, newest first (home page, browse) without sorting them all
        Index("ix_patent_status_published_at", "status", "published_at"),
    )

    @property
    def is_granted(self) -> bool:
        """Granted once (in force now, or ended after grant): it has a patent number."""
        return self.legal_status == LegalStatus.GRANTED or self.grant_date is not None

    @property
    def patent_number(self) -> str | None:
        """"ZL" + the application number, for a granted patent only (ZL means granted); an
        application has none."""
        return "ZL" + self.application_number if self.is_granted else None

    @property
    def shown_number(self) -> str:
        """The number to show: the patent number once granted, else the application number
        (its label: :func:`market.labels.number_label`)."""
        return self.patent_number or self.application_number

    @property
    def is_public(self) -> bool:
        return self.status == ListingStatus.PUBLISHED and not self.hidden

    @property
    def active_offers(self) -> list[Offer]:
        return [offer for offer in self.offers if offer.active]

    @property
    def evaluation_report(self) -> EvaluationReport | None:
        """The latest patent evaluation report uploaded (a newer one supersedes it)."""
        return self.evaluation_reports[-1] if self.evaluation_reports else None


class Offer(LicenceTermsColumns, db.Model):
    """One way to take the patent: an open licence, a licence on request or an assignment."""

    __tablename__ = "offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patent.id"), index=True)
    kind: Mapped[OfferKind] = mapped_column(enum_column(OfferKind, "offer_kind"))
    licence_kind: Mapped[LicenceKind | None] = mapped_column(
        enum_column(LicenceKind, "licence_kind"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # the terms come from LicenceTermsColumns
    # assignment only: None means "price on request"
    asking_price_fen: Mapped[int | None] = mapped_column(db.BigInteger, nullable=True)
    # open licence only: the declaration to CNIPA and its announcement (art. 50); a
    # declaration without a number is "declared, awaiting announcement"
    declared_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    cnipa_announcement_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    patent: Mapped[Patent] = relationship(back_populates="offers")

    __table_args__ = (
        # The CNIPA caps bind open licences only (fee, and the rate that goes with the
        # base); any offer's rate stays within 100 % of its base.
        CheckConstraint(OFFER_MONEY_BOUNDS, name="money_bounds"),
    )

    @property
    def is_fast_licence(self) -> bool:
        return is_fast_licence_terms(self.terms())

    @property
    def declaration_state(self) -> str:
        return declaration_state(self.declared_on, self.cnipa_announcement_number)


class EvaluationReport(StoredFileColumns, db.Model):
    """A patent evaluation report (专利权评价报告) by CNIPA, uploaded by the patent's owner:
    a utility model or design needs one to be declared open (Patent Law art. 50)."""

    __tablename__ = "evaluation_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patent.id"), index=True)
    conclusion: Mapped[str] = mapped_column(String(30))  # one of EVALUATION_CONCLUSIONS
    issued_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    uploaded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"),
                                                            nullable=True)

    patent: Mapped[Patent] = relationship(back_populates="evaluation_reports")


class ListingChange(db.Model):
    """History of a listing: who changed what, when, with the values before and after."""

    __tablename__ = "listing_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patent.id"), index=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offer.id"), nullable=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = created_at_column()

    user = relationship("User")


class Attachment(StoredFileColumns, db.Model):
    """An image or PDF about the patent, stored in the database (backed up with it)."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patent.id"), index=True)

    patent: Mapped[Patent] = relationship(back_populates="attachments")


class SearchOutbox(db.Model):
    """A listing changed: written in the same transaction as the change, read by every
    server's indexer after commit (each keeps the last id it applied)."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = created_at_column()
