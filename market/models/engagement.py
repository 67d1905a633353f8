"""What a user does around a listing before (or instead of) a deal: asking a question,
following the listing."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, created_at_column, enum_column


class AnswerVisibility(enum.StrEnum):
    PRIVATE = "private"  # only the asker (and its organisation) reads it
    PUBLIC = "public"    # shown on the listing as Q&A, without the asker's name


class ListingQuestion(db.Model):
    """A question a verified user asks about a listing, and its owner's answer. No deal is
    opened: the question carries no terms."""

    __tablename__ = "listing_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patent.id"), index=True)
    asker_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    asker_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    body: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    visibility: Mapped[AnswerVisibility | None] = mapped_column(
        enum_column(AnswerVisibility, "answer_visibility"), nullable=True)
    answered_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"),
                                                            nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = created_at_column()

    patent = relationship("Patent")
    asker = relationship("User", foreign_keys=[asker_user_id])
    asker_org = relationship("Organisation")

    @property
    def is_answered(self) -> bool:
        return self.answer is not None


class ListingFollow(db.Model):
    """A user follows a listing: told when its terms change, an exclusive licence is granted
    on it, or it is withdrawn. One row per user and listing (a double submit adds none)."""

    __tablename__ = "listing_follow"

    id: Mapped[int] = mapped_column(primary_key=True)
    # the unique constraint below indexes patent_id first
    patent_id: Mapped[int] = mapped_column(ForeignKey("patent.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = created_at_column()

    __table_args__ = (UniqueConstraint("patent_id", "user_id",
                                       name="uq_listing_follow_patent_user"),)
