"""The in-app inbox and its emails: written in the caller's transaction (the outbox sends
the emails after commit). Titles are lazy strings, rendered in each recipient's language."""
from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import bindparam, func, insert, select, update

from ..domain.mail_kinds import category_of
from ..extensions import db
from ..i18n import freeze, thaw
from ..models import Membership, Notification, Organisation, OrgKind, OrgStatus, User
from ..models.base import utcnow
from .mail_prefs import email_users

_ACTIVE_MEMBERS = select(User).where(
    User.org_id.in_(bindparam("org_ids", expanding=True)),
    User.membership == Membership.ACTIVE).order_by(User.id)


def _recipients(*orgs: Organisation) -> list[User]:
    """The active members of ``orgs``, organisation by organisation (by user id within
    one): one query for all, unless their members are loaded already."""
    loaded = [org for org in orgs if "users" in org.__dict__]
    if len(loaded) == len(orgs):
        return [u for org in orgs for u in org.users if u.membership == Membership.ACTIVE]
    members = db.session.scalars(_ACTIVE_MEMBERS, {"org_ids": [org.id for org in orgs]}).all()
    return [u for org in orgs for u in members if u.org_id == org.id]


def notify_users(users, kind: str, title, body="", link: str | None = None, *,
                 email: bool = True) -> int:
    """Add one notification per user (and email the admins among them, as each chose for
    the category of ``kind``: :func:`market.services.mail_prefs.email_user`). The rows
    go out in one insert: nothing in the transaction reads them back."""
    users, rows = list(users), []
    now, message = utcnow(), _message(title, body)
    for user in users:
        with force_locale(user.locale or "zh"):
            title_text, body_text = str(title)[:200], str(body)
        rows.append({"user_id": user.id, "kind": kind, "title": title_text, "body": body_text,
                     "message": message, "link": link, "created_at": now})
    if rows:
        db.session.execute(insert(Notification.__table__), rows)
    admins = [user for user in users if user.is_org_admin]
    if email and admins:
        email_users(admins, category_of(kind), title, body, link)
    return len(rows)


def _message(title, body) -> dict | None:
    """What a reader's language can re-render (None when both are plain text already)."""
    message = {"title": freeze(title), "body": freeze(body)}
    return message if any(isinstance(v, dict) for v in message.values()) else None


def shown(notification: Notification, field: str) -> str:
    """A notification's ``field`` ("title" or "body") in the current language."""
    frozen = (notification.message or {}).get(field)
    return thaw(frozen) if isinstance(frozen, dict) else getattr(notification, field)


def notify_org(org: Organisation, kind: str, title, body="", link: str | None = None, *,
               email: bool = True) -> int:
    """Notify every active member of ``org``; email its admins."""
    return notify_users(_recipients(org), kind, title, body, link, email=email)


def notify_orgs(orgs, kind: str, title, body="", link: str | None = None, *,
                email: bool = True) -> int:
    """:func:`notify_org` for several organisations at once."""
    return notify_users(_recipients(*orgs), kind, title, body, link, email=email)


def notify_centre(kind: str, title, body="", link: str | None = None) -> int:
    """Notify the staff of the (verified) centre organisations."""
    orgs = db.session.scalars(select(Organisation).where(
        Organisation.kind == OrgKind.CENTRE, Organisation.status == OrgStatus.VERIFIED))
    return sum(notify_org(org, kind, title, body, link) for org in orgs)


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def inbox(user: User, limit: int = 100) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id.desc()).limit(limit)))


def mark_all_read(user: User) -> None:
    db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow()))
