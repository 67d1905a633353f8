"""Each user's email choices, and the messages held for their daily digest."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import created_at_column


class NotificationPreference(db.Model):
    """A user's choice for one category (:mod:`market.domain.mail_kinds`); no row means
    the default (email at once)."""
    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("user_id", "category",
                                       name="uq_notification_preference_user_category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    category: Mapped[str] = mapped_column(String(20))
    choice: Mapped[str] = mapped_column(String(20))


class MailDigest(db.Model):
    """One digest email per user and Shenyang day: the unique key keeps a second run (or a
    second server) from sending another."""
    __tablename__ = "mail_digest"
    __table_args__ = (UniqueConstraint("user_id", "day", name="uq_mail_digest_user_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = created_at_column()


class DigestItem(db.Model):
    """An email held for the user's next digest; ``digest_id`` is set when it went out."""
    __tablename__ = "digest_item"
    __table_args__ = (Index("ix_digest_item_user_pending", "user_id", "digest_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    category: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime] = created_at_column()
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("mail_digest.id"), nullable=True)
