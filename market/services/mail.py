"""Outgoing email through the outbox: queued in the transaction, delivered after commit.

There is no mail server in development: delivery writes the message to the log.
"""
import logging

from sqlalchemy import select

from ..extensions import db
from ..models import OutboxEmail
from ..models.base import utcnow

log = logging.getLogger("market.mail")


def queue_email(to: str, subject: str, body: str) -> OutboxEmail:
    message = OutboxEmail(to_address=to, subject=str(subject), body=str(body))
    db.session.add(message)
    return message


def deliver_pending(limit: int = 100) -> int:
    """Send (log) unsent messages and mark them sent. Commits its own small transaction."""
    pending = db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.sent_at.is_(None))
        .order_by(OutboxEmail.id).limit(limit)).all()
    for message in pending:
        log.info("email to=%s subject=%s\n%s", message.to_address, message.subject, message.body)
        message.sent_at = utcnow()
    if pending:
        db.session.commit()
    return len(pending)
