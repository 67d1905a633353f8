"""Facts a unit of work looks up more than once (a deal's current contract version), kept
until its transaction ends.

A deal's action reads the same rows several times (the signature, then the conclusion, ask
for the version being signed). The first read is kept in ``session.info`` and the later
ones reuse it; the services that change such a fact update or forget it (see
:mod:`market.services.signing`). Everything is forgotten when the transaction ends, when any
rollback happens (a savepoint's too) and when the patent lock is taken
(:func:`market.services.deal_rules.lock_patent`), so nothing read before the lock decides
what happens under it, and nothing outlives what the database holds.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db

_KEY = "market.tx_cache"
MISSING = object()


def get(kind: str, key) -> object:
    """The value kept for (``kind``, ``key``) in this transaction, or :data:`MISSING`."""
    return db.session.info.get(_KEY, {}).get((kind, key), MISSING)


def put(kind: str, key, value) -> None:
    db.session.info.setdefault(_KEY, {})[(kind, key)] = value


def forget(kind: str, key) -> None:
    db.session.info.get(_KEY, {}).pop((kind, key), None)


def clear() -> None:
    """Forget everything: a lock was just taken, and what follows must read what the
    transactions before it committed (on PostgreSQL a read before the lock may be stale)."""
    db.session.info.pop(_KEY, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_at_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction: committed or rolled back
        session.info.pop(_KEY, None)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_KEY, None)  # a savepoint's rollback may undo what was kept
