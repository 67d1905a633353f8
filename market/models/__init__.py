"""All models, imported here so Alembic and the app see every table."""
from .audit import AuditEvent
from .orgs import DISTRICTS, Membership, Organisation, OrgKind, OrgStatus, SmeSize, User
from .outbox import OutboxEmail

__all__ = [
    "AuditEvent", "DISTRICTS", "Membership", "Organisation", "OrgKind", "OrgStatus",
    "OutboxEmail", "SmeSize", "User",
]
