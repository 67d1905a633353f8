"""Outgoing email through the outbox: queued in the transaction, delivered after commit.

Delivery runs off the request (:mod:`market.mail_worker`, and ``flask mail deliver`` for a
timer), in batches, through :mod:`market.mail_transport` (SMTP when ``MAIL_URL`` is set, else
the log). A message whose transaction rolled back was never in the outbox, so it is never
sent. The outbox stays the truth: a row is marked sent only after the server accepted it.

Several deliverers at once (worker threads of several processes, timers on several servers)
each claim their batch: ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, the one write
lock on SQLite (callers run it inside ``immediate_transactions``: see
:func:`market.mail_worker.deliver_due`). The claim is held while the batch goes to the server and the outcomes are
written in the same transaction, so two deliverers never send the same row. The trade-off
is the usual at-least-once: a process that dies (or loses its database connection) after the
server accepted a message but before the commit leaves the row pending, and the message is
sent once more by the next run. Nothing is ever lost.
"""
import logging
from datetime import datetime

from flask import current_app
from sqlalchemy import insert, or_, select, update

from ..domain.mail_retry import MAX_ATTEMPTS, retry_delay
from ..extensions import db
from ..mail_transport import FAILED, SENT, Outcome, Outgoing, transport_for
from ..models import OutboxEmail
from ..models.base import utcnow
from . import audit

log = logging.getLogger("market.mail")
DELIVERY_BATCH = 500  # messages per delivery transaction (and per SMTP connection)


def queue_email(to: str, subject: str, body: str, *,
                unsubscribe_url: str | None = None) -> OutboxEmail:
    """Add a message to the outbox. Mail to a user goes through
    :func:`market.services.mail_prefs.email_user`, which applies the user's choices."""
    message = OutboxEmail(to_address=to, subject=str(subject)[:200], body=str(body),
                          unsubscribe_url=unsubscribe_url)
    db.session.add(message)
    return message


def queue_emails(messages: list[dict]) -> None:
    """Add several messages to the outbox in one insert (``to``, ``subject``, ``body``,
    ``unsubscribe_url`` each), as :func:`queue_email` would one by one. Nothing in the
    transaction reads them back: the after-commit hook wakes the delivery."""
    if messages:
        now = utcnow()
        db.session.execute(insert(OutboxEmail.__table__), [
            {"to_address": m["to"], "subject": str(m["subject"])[:200], "body": str(m["body"]),
             "unsubscribe_url": m.get("unsubscribe_url"), "created_at": now, "attempts": 0}
            for m in messages])


def _due(now: datetime):
    return (OutboxEmail.sent_at.is_(None), OutboxEmail.failed_at.is_(None),
            or_(OutboxEmail.next_attempt_at.is_(None), OutboxEmail.next_attempt_at <= now))


def deliver_pending(limit: int = DELIVERY_BATCH, now: datetime | None = None) -> int:
    """Claim up to ``limit`` due messages (oldest first), hand them to the transport over one
    connection, record each outcome and commit. Returns how many were claimed (sent or not):
    a full batch means there may be more. A message not yet due (waiting for its retry),
    sent or failed is not touched. ``now`` (tests): the clock the claim and the record use."""
    clock = now
    db.session.commit()  # a fresh transaction (under the write lock on SQLite, see above)
    pending = [Outgoing(*row) for row in db.session.execute(
        select(OutboxEmail.id, OutboxEmail.to_address, OutboxEmail.subject, OutboxEmail.body,
               OutboxEmail.unsubscribe_url)
        .where(*_due(clock or utcnow())).order_by(OutboxEmail.id).limit(limit)
        .with_for_update(skip_locked=True)).all()]
    if not pending:
        db.session.rollback()
        return 0
    outcomes = transport_for(current_app.config).send_batch(pending)
    _record(outcomes, clock or utcnow())
    db.session.commit()
    return len(pending)


def _record(outcomes: dict[int, Outcome], now: datetime) -> None:
    sent = [id_ for id_, outcome in outcomes.items() if outcome.status == SENT]
    if sent:
        db.session.execute(update(OutboxEmail).where(OutboxEmail.id.in_(sent)).values(
            sent_at=now, attempts=OutboxEmail.attempts + 1, next_attempt_at=None))
    for id_, outcome in outcomes.items():
        if outcome.status != SENT:
            _record_failure(db.session.get(OutboxEmail, id_), outcome, now)


def _record_failure(message: OutboxEmail, outcome: Outcome, now: datetime) -> None:
    message.attempts += 1
    message.last_error = outcome.error
    if outcome.status == FAILED or message.attempts >= MAX_ATTEMPTS:
        message.failed_at, message.next_attempt_at = now, None
        log.warning("mail: not delivered to %s (%s attempts): %s", message.to_address,
                    message.attempts, outcome.error)
    else:
        message.next_attempt_at = now + retry_delay(message.attempts)
        log.info("mail: to %s retried at %s: %s", message.to_address,
                 message.next_attempt_at, outcome.error)


def undelivered(limit: int = 200) -> list[OutboxEmail]:
    """Messages that failed for good, newest failure first (the centre's list)."""
    return list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.failed_at.is_not(None))
                                   .order_by(OutboxEmail.failed_at.desc(), OutboxEmail.id.desc())
                                   .limit(limit)))


def resend(message: OutboxEmail, actor) -> bool:
    """Put a message that failed for good back in the queue, due now, with a fresh count of
    attempts (the last error stays visible until it is sent), and audit who did. False when
    it is no longer failed (sent, or already put back by someone else). Flushes, never
    commits."""
    if message.failed_at is None:
        return False
    message.failed_at = message.next_attempt_at = None
    message.attempts = 0
    db.session.flush()
    audit.record("mail.resend", actor=actor, target=message, to=message.to_address)
    return True
