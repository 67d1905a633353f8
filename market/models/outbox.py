"""Emails waiting to be sent, written in the same transaction as the change they report.

A row is pending until ``sent_at`` (the mail server accepted it) or ``failed_at`` (it refused
it for good, or the last retry failed; the centre may send it again). ``next_attempt_at``
delays the retry after a temporary failure; ``last_error`` keeps the server's answer."""
from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, created_at_column


class OutboxEmail(db.Model):
    __tablename__ = "outbox_email"
    __table_args__ = (Index("ix_outbox_email_failed_at", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # alerts and digests: the one-click address of their List-Unsubscribe header
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
