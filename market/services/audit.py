"""Write audit events (the centre reads them)."""
from flask import has_request_context, request

from ..extensions import db
from ..models import AuditEvent


def record(action: str, *, actor=None, target=None, **details) -> AuditEvent:
    """Add an audit row for ``action`` by ``actor`` (a User or None) on ``target``."""
    event = AuditEvent(
        action=action,
        actor_user_id=getattr(actor, "id", None),
        actor_org_id=getattr(actor, "org_id", None),
        target_type=type(target).__name__ if target is not None else None,
        target_id=getattr(target, "id", None),
        ip=request.remote_addr if has_request_context() else None,
        details={k: v for k, v in details.items() if v is not None},
    )
    db.session.add(event)
    return event
