"""When a message the mail server did not take is tried again: exponential backoff with a
cap, and a last attempt after which it waits for the centre (the "mail not delivered" list)."""
from __future__ import annotations

from datetime import timedelta

__all__ = ["FIRST_RETRY", "RETRY_CAP", "MAX_ATTEMPTS", "retry_delay"]

FIRST_RETRY = timedelta(minutes=1)  # after the first temporary failure
RETRY_CAP = timedelta(hours=1)  # the delay doubles up to this
# 1+2+4+8+16+32 min, then hourly: the 12th failure comes after about 7 hours of trying.
MAX_ATTEMPTS = 12


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt (1, 2, ...)."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), RETRY_CAP)
