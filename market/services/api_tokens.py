"""Bearer tokens for the statistics API. The token is shown once; only its SHA-256 is kept."""
from __future__ import annotations

import hashlib
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import ApiToken, User
from ..models.base import utcnow
from . import audit
from .errors import ServiceError

PREFIX = "sym_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(user: User, label: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user`` (a centre user). Returns the row and the clear token."""
    if not user.is_centre:
        raise ServiceError(_l("Only centre users get statistics API tokens."))
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=_digest(token), label=label[:100])
    db.session.add(row)
    db.session.flush()
    audit.record("api_token.created", actor=user, target=row, label=label or None)
    return row, token


def user_for(token: str) -> User | None:
    """The user a live token belongs to (and note its use), or None."""
    if not token or not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = db.session.scalars(select(ApiToken).where(
        ApiToken.token_hash == _digest(token), ApiToken.revoked_at.is_(None))).first()
    if row is None:
        return None
    row.last_used_at = utcnow()
    return row.user
