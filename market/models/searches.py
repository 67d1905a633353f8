"""Saved searches of SMEs and the listings already reported to them."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import created_at_column


class SavedSearch(db.Model):
    __tablename__ = "saved_search"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    query: Mapped[str] = mapped_column(String(500), default="")
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = created_at_column()


class SavedSearchMatch(db.Model):
    """A new listing matched a saved search and was reported (once, whichever server saw it)."""

    __tablename__ = "saved_search_match"

    id: Mapped[int] = mapped_column(primary_key=True)
    saved_search_id: Mapped[int] = mapped_column(ForeignKey("saved_search.id", ondelete="CASCADE"),
                                                 index=True)
    patent_id: Mapped[int] = mapped_column(ForeignKey("patent.id"))
    created_at: Mapped[datetime] = created_at_column()

    __table_args__ = (UniqueConstraint("saved_search_id", "patent_id",
                                       name="uq_saved_search_match_search_patent"),)
