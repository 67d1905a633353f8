"""Shared column helpers for the models."""
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from ..domain.dates import now_utc


def utcnow() -> datetime:
    return now_utc()  # the platform's clock (real time, except inside dates.clock_at)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend.

    SQLite stores no zone, so values read back are tagged as UTC; values written are
    converted to UTC first.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def created_at_column() -> Mapped[datetime]:
    return mapped_column(UTCDateTime(), default=utcnow, nullable=False)


def enum_column(cls, name: str) -> Enum:
    """A string enum stored as its values in a VARCHAR (portable; no native enum type)."""
    return Enum(cls, name=name, native_enum=False, length=20,
                values_callable=lambda e: [m.value for m in e])


class StoredFileColumns:
    """A small uploaded file kept in the database (backed up with it): a listing's
    attachment, a payer's bank voucher. Its type was checked from its content on upload."""

    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = created_at_column()
