"""Outgoing email through the outbox: queued in the transaction, delivered after commit.

There is no mail server in development: delivery writes the message to the log. Delivery
runs off the request (:mod:`market.mail_worker`), in batches; a message whose transaction
rolled back was never in the outbox, so it is never sent.
"""
import logging

from sqlalchemy import select, update

from ..extensions import db
from ..models import OutboxEmail
from ..models.base import utcnow

log = logging.getLogger("market.mail")
DELIVERY_BATCH = 500  # messages per delivery transaction


def queue_email(to: str, subject: str, body: str) -> OutboxEmail:
    message = OutboxEmail(to_address=to, subject=str(subject), body=str(body))
    db.session.add(message)
    return message


def deliver_pending(limit: int = DELIVERY_BATCH) -> int:
    """Send (log) up to ``limit`` unsent messages, oldest first, and mark them sent, in a
    small transaction of its own (committed). Another process delivering at the same time
    skips the rows this one holds (PostgreSQL; SQLite lets one writer at a time). A failure
    before the commit leaves the messages unsent: the next run sends them again."""
    pending = db.session.execute(
        select(OutboxEmail.id, OutboxEmail.to_address, OutboxEmail.subject, OutboxEmail.body)
        .where(OutboxEmail.sent_at.is_(None)).order_by(OutboxEmail.id).limit(limit)
        .with_for_update(skip_locked=True)).all()
    for message in pending:
        log.info("email to=%s subject=%s\n%s", message.to_address, message.subject, message.body)
    if pending:
        db.session.execute(update(OutboxEmail).where(OutboxEmail.id.in_([m.id for m in pending]))
                           .values(sent_at=utcnow()))
        db.session.commit()
    return len(pending)
