"""The platform's calendar day. Its legal day is Shenyang's: a patent lapses, a payment is
booked and a deadline falls on the Asia/Shanghai date, whatever the server's time zone."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

__all__ = ["LOCAL_ZONE", "clock_at", "local_date", "local_day_start", "local_today", "now_utc"]

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


def local_date(moment: datetime) -> date:
    """The Shenyang date of an aware ``moment``."""
    return moment.astimezone(LOCAL_ZONE).date()


def local_day_start(day: date) -> datetime:
    """The first moment of a Shenyang ``day`` (aware): where a calendar day meets timestamps
    stored in UTC, e.g. "created on or after ``day``" is ``created_at >= local_day_start(day)``."""
    return datetime.combine(day, time(), LOCAL_ZONE)


def local_today() -> date:
    """Today in Shenyang (not the server's date.today(), not the UTC date)."""
    return local_date(now_utc())


# The one clock every service reads (through ``models.base.utcnow`` and ``local_today``).
# Only the demo loader sets it, to make five years of history through the real services.
_CLOCK: ContextVar[datetime | None] = ContextVar("market_clock", default=None)


def now_utc() -> datetime:
    return _CLOCK.get() or datetime.now(UTC)


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Within the block, "now" is ``moment`` (aware) for every service of this thread."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; use an aware one")
    token = _CLOCK.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _CLOCK.reset(token)
