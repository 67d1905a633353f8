"""Technology demands (技术需求) of SMEs, their events, the listings matched to them and
the universities' answers.

A demand's ``state`` is assigned only by ``market.services.demands.transition``.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, created_at_column, enum_column, utcnow


class DemandState(enum.StrEnum):
    DRAFT = "draft"
    PENDING = "pending"  # waiting for the centre's moderation
    PUBLISHED = "published"
    ANSWERED = "answered"  # published, with at least one answer
    CLOSED = "closed"
    EXPIRED = "expired"  # its deadline passed


OPEN_DEMAND_STATES = (DemandState.PUBLISHED, DemandState.ANSWERED)


class DemandVisibility(enum.StrEnum):
    PUBLIC = "public"
    LICENSORS = "licensors"  # verified universities and institutes only


class Demand(db.Model):
    __tablename__ = "demand"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"),
                                                           nullable=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    industry: Mapped[str] = mapped_column(String(30), index=True)
    ipc_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # the budget in integer fen; negotiable when the SME names no range
    budget_min_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    budget_max_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    budget_negotiable: Mapped[bool] = mapped_column(Boolean, default=True)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    wanted_kind: Mapped[str] = mapped_column(String(20), default="any")  # domain.WANTED_KINDS
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    visibility: Mapped[DemandVisibility] = mapped_column(
        enum_column(DemandVisibility, "demand_visibility"), default=DemandVisibility.PUBLIC)
    contact_preference: Mapped[str] = mapped_column(String(20), default="platform")
    state: Mapped[DemandState] = mapped_column(enum_column(DemandState, "demand_state"),
                                               index=True)
    rejection_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # the key terms of the text (market.search.demand.key_terms) when it was published:
    # [[text, [parts], weight], ...]; a new listing is matched against them
    key_terms: Mapped[list] = mapped_column(JSON, default=list)
    matched_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = created_at_column()
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    first_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    owner = relationship("Organisation")
    events: Mapped[list[DemandEvent]] = relationship(back_populates="demand",
                                                     order_by="DemandEvent.id")
    answers: Mapped[list[DemandAnswer]] = relationship(back_populates="demand",
                                                       order_by="DemandAnswer.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_DEMAND_STATES


class DemandEvent(db.Model):
    """One step of a demand's life, written by the transition that made it."""

    __tablename__ = "demand_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demand.id"), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"),
                                                      nullable=True)
    actor_role: Mapped[str] = mapped_column(String(10))
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_state: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = created_at_column()

    demand: Mapped[Demand] = relationship(back_populates="events")


class DemandMatch(db.Model):
    """A listing found for a demand (when the demand was published, or when the listing
    was): the SME's top matches and the universities' 需求 inboxes read these."""

    __tablename__ = "demand_match"

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demand.id"), index=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patent.id"))
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    score: Mapped[float] = mapped_column(Float)  # comparable within one demand only
    found_by: Mapped[str] = mapped_column(String(10))  # "demand" or "listing"
    created_at: Mapped[datetime] = created_at_column()

    patent = relationship("Patent")

    __table_args__ = (UniqueConstraint("demand_id", "patent_id",
                                       name="uq_demand_match_demand_patent"),)


demand_answer_patent = Table(
    "demand_answer_patent", db.metadata,
    Column("answer_id", ForeignKey("demand_answer.id", ondelete="CASCADE"), primary_key=True),
    Column("patent_id", ForeignKey("patent.id"), primary_key=True),
)


class DemandAnswer(db.Model):
    """A university's (or institute's) answer: some of its listed patents and a short
    proposal, or an offer of research collaboration ("we can develop this", recorded here,
    outside the licence flow). One per organisation and demand."""

    __tablename__ = "demand_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demand.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    collaboration: Mapped[bool] = mapped_column(Boolean, default=False)
    proposal: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()

    demand: Mapped[Demand] = relationship(back_populates="answers")
    org = relationship("Organisation")
    patents = relationship("Patent", secondary=demand_answer_patent, order_by="Patent.id")

    __table_args__ = (UniqueConstraint("demand_id", "org_id", name="uq_demand_answer_demand_org"),)
