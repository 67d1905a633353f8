"""The platform's calendar day. Its legal day is Shenyang's: a patent lapses, a payment is
booked and a deadline falls on the Asia/Shanghai date, whatever the server's time zone."""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

__all__ = ["LOCAL_ZONE", "local_date", "local_day_start", "local_today"]

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
    return local_date(datetime.now(UTC))
