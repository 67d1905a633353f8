"""Write audit events (the centre reads them)."""
from flask import has_request_context, request
from sqlalchemy import insert

from ..extensions import db
from ..models import AuditEvent
from ..models.base import utcnow

_INSERT = insert(AuditEvent.__table__)


def record(action: str, *, actor=None, target=None, **details) -> None:
    """Add an audit row for ``action`` by ``actor`` (a User or None) on ``target``.

    Append-only and never read back in the transaction that writes it: a plain insert,
    sent at once, costs far less than an ORM object in the unit of work's flush."""
    db.session.execute(_INSERT, [{
        "action": action,
        "actor_user_id": getattr(actor, "id", None),
        "actor_org_id": getattr(actor, "org_id", None),
        "target_type": type(target).__name__ if target is not None else None,
        "target_id": getattr(target, "id", None),
        "ip": request.remote_addr if has_request_context() else None,
        "details": {k: v for k, v in details.items() if v is not None},
        "at": utcnow(),
    }])
