"""Log-in attempts counted per account in the database.

The per-IP limit (Flask-Limiter) does not stop one account being tried from many
addresses, and a per-process memory store is not shared by gunicorn's workers. This count
lives in the database, so every worker and every app server shares it. Unknown emails are
counted exactly like known ones: the answer never tells whether an account exists.
"""
import functools
import hashlib
import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import LoginThrottle
from ..models.base import utcnow


def _key(email: str) -> str:
    # A digest, not the address: the table keeps nothing a stranger typed.
    return hashlib.sha256(email.encode("utf-8")).hexdigest()


def _window() -> timedelta:
    return timedelta(seconds=current_app.config["LOGIN_ACCOUNT_WINDOW"])


def count_attempt(email: str) -> datetime | None:
    """Count one log-in attempt on ``email`` (normalised); None when it may be judged, or
    the time the account may be tried again when it has had too many attempts.

    One atomic upsert, so concurrent attempts in several workers never read the same count:
    at most LOGIN_ACCOUNT_MAX_ATTEMPTS attempts per window are judged, right or wrong.
    """
    now, window = utcnow(), _window()
    statement = _upsert(db.session.get_bind().dialect.name)
    attempts, started = db.session.execute(statement, {
        "key": _key(email), "now": now, "stale_before": now - window}).one()
    if attempts > current_app.config["LOGIN_ACCOUNT_MAX_ATTEMPTS"]:
        return started + window
    return None


@functools.cache
def _upsert(dialect: str):
    """The counting upsert for ``dialect``, built once: a count whose window has passed
    starts again at 1."""
    now = bindparam("now", type_=LoginThrottle.window_start.type)
    stale = LoginThrottle.window_start <= bindparam("stale_before",
                                                    type_=LoginThrottle.window_start.type)
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(LoginThrottle)
    return insert.values(key=bindparam("key"), attempts=1, window_start=now
                         ).on_conflict_do_update(
        index_elements=[LoginThrottle.key],
        set_={"attempts": case((stale, 1), else_=LoginThrottle.attempts + 1),
              "window_start": case((stale, now), else_=LoginThrottle.window_start)},
    ).returning(LoginThrottle.attempts, LoginThrottle.window_start)


_COUNT = select(LoginThrottle.attempts, LoginThrottle.window_start).where(
    LoginThrottle.key == bindparam("key"),
    LoginThrottle.window_start > bindparam("stale_before", type_=LoginThrottle.window_start.type))


def blocked_until(email: str) -> tuple[int, datetime | None]:
    """Read, without counting, the attempts on ``email`` in the current window and, when
    they used up the window's allowance, the time the account may be tried again. For a
    password check that passed: only wrong ones need counting (:func:`count_attempt`)."""
    now, window = utcnow(), _window()
    row = db.session.execute(_COUNT, {"key": _key(email), "stale_before": now - window}).first()
    if row is None:
        return 0, None
    attempts, started = row
    blocked = attempts >= current_app.config["LOGIN_ACCOUNT_MAX_ATTEMPTS"]
    return attempts, (started + window if blocked else None)


_FORGET = delete(LoginThrottle).where(
    (LoginThrottle.key == bindparam("key"))
    | (LoginThrottle.window_start <= bindparam("stale_before",
                                               type_=LoginThrottle.window_start.type)))


def forget(email: str) -> None:
    """A successful log-in or password reset: the account starts afresh. Expired counts
    (of anyone) go at the same time, so the table stays small."""
    db.session.execute(_FORGET, {"key": _key(email), "stale_before": utcnow() - _window()})


def minutes_until(moment: datetime) -> int:
    return max(1, math.ceil((moment - utcnow()).total_seconds() / 60))
