"""Who gets which email when: the one place that applies a user's notification choices.

:func:`email_user` is called for every email to a user, with the category of what it is
about (:mod:`market.domain.mail_kinds`): legal mail is queued at once; otherwise the user's
choice queues it at once (with an unsubscribe link), holds it for the daily digest
(:func:`send_digests`, ``flask mail digest``) or leaves it to the in-app inbox (which the
caller writes in every case). Unsubscribe links carry a signed token naming the user and
the category, so they work without logging in."""
from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from ..domain.mail_kinds import (
    CATEGORIES,
    CHOICES,
    DEFAULT_CHOICE,
    DIGEST,
    IMMEDIATELY,
    IN_APP,
    LEGAL,
)
from ..extensions import db
from ..models import DigestItem, MailDigest, NotificationPreference, User
from ..urls import absolute_url
from .mail import queue_email, queue_emails

UNSUBSCRIBE_SALT = "mail-unsubscribe"
ALL_DIGESTS = "digest"  # the token of a digest email: every category held for it


def choices_of(user: User) -> dict[str, str]:
    """The user's choice for every category (the default where none was saved)."""
    saved = dict(db.session.execute(
        select(NotificationPreference.category, NotificationPreference.choice)
        .where(NotificationPreference.user_id == user.id)).all())
    return {category: saved.get(category, DEFAULT_CHOICE) for category in CATEGORIES}


def choice_for(user: User, category: str) -> str:
    if category not in CATEGORIES:
        return IMMEDIATELY  # legal and security mail cannot be switched off
    return choices_of(user)[category]


def set_choices(user: User, choices: dict[str, str]) -> None:
    """Save ``choices`` (category -> choice; unknown ones are ignored). Flushes."""
    rows = {row.category: row for row in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    for category, choice in choices.items():
        if category not in CATEGORIES or choice not in CHOICES:
            continue
        if category in rows:
            rows[category].choice = choice
        else:
            db.session.add(NotificationPreference(user_id=user.id, category=category,
                                                  choice=choice))
    db.session.flush()


def email_user(user: User, category: str, subject, body="", link: str | None = None) -> str:
    """Email ``user`` about something of ``category`` as they chose; returns what was done
    (:data:`IMMEDIATELY`, :data:`DIGEST` or :data:`IN_APP`). ``subject`` and ``body`` may
    be lazy strings: they are rendered in the user's language."""
    return email_users([user], category, subject, body, link)[0]


def email_users(users: list[User], category: str, subject, body="",
                link: str | None = None) -> list[str]:
    """:func:`email_user` for several users at once: their choices are read in one query
    and their messages queued in one insert. Returns what was done for each."""
    chosen = _choices_for(users, category)
    done, emails = [], []
    for user in users:
        choice = chosen[user.id]
        with force_locale(user.locale or "zh"):
            subject_text, body_text = str(subject), str(body)
            if choice == DIGEST:
                db.session.add(DigestItem(user_id=user.id, category=category,
                                          title=subject_text[:200], body=body_text, link=link))
            elif choice == IMMEDIATELY:
                text = "\n\n".join(p for p in (body_text, link and absolute_url(link)) if p)
                unsubscribe = None if category == LEGAL else unsubscribe_url(user, category)
                if unsubscribe:
                    text += "\n\n" + _("To stop these emails (no log-in needed): %(url)s",
                                       url=unsubscribe)
                emails.append({"to": user.email, "subject": subject_text, "body": text,
                               "unsubscribe_url": unsubscribe})
        done.append(choice)
    queue_emails(emails)
    return done


_CHOICES = select(NotificationPreference.user_id, NotificationPreference.choice).where(
    NotificationPreference.user_id.in_(bindparam("user_ids", expanding=True)),
    NotificationPreference.category == bindparam("category"))


def _choices_for(users: list[User], category: str) -> dict[int, str]:
    """Each user's choice for ``category`` (legal mail cannot be switched off)."""
    if category == LEGAL or category not in CATEGORIES:
        return {user.id: IMMEDIATELY for user in users}
    saved = dict(db.session.execute(_CHOICES, {
        "user_ids": [user.id for user in users], "category": category}).all()) if users else {}
    return {user.id: saved.get(user.id, DEFAULT_CHOICE) for user in users}


# --- unsubscribe ------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user: User, category: str) -> str:
    return _serializer().dumps([user.id, category])


def unsubscribe_url(user: User, category: str) -> str:
    return absolute_url(f"/account/unsubscribe/{unsubscribe_token(user, category)}")


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    """The user and category a token names; None when it is forged, altered or stale."""
    try:
        user_id, category = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if category not in (*CATEGORIES, ALL_DIGESTS) or not isinstance(user_id, int):
        return None
    user = db.session.get(User, user_id)
    return (user, category) if user is not None else None


def unsubscribe(user: User, category: str) -> None:
    """Turn ``category`` (or, for a digest's link, every category held for the digest) to
    in-app only. Flushes."""
    if category == ALL_DIGESTS:
        targets = [c for c, choice in choices_of(user).items() if choice == DIGEST]
    else:
        targets = [category]
    set_choices(user, dict.fromkeys(targets, IN_APP))


# --- the daily digest -------------------------------------------------------------------

def send_digests(day: date) -> int:
    """Queue one digest email per user with held messages, at most one per user and ``day``
    (a second run, here or on another server, finds the day's digest and sends nothing).
    Items held after a user's digest of the day wait for the next one. Flushes; returns how
    many digests were queued."""
    user_ids = db.session.scalars(select(DigestItem.user_id).where(
        DigestItem.digest_id.is_(None)).distinct().order_by(DigestItem.user_id)).all()
    return sum(_digest_for(db.session.get(User, user_id), day) for user_id in user_ids)


def _digest_for(user: User, day: date) -> bool:
    digest = MailDigest(user_id=user.id, day=day)
    try:
        with db.session.begin_nested():
            db.session.add(digest)
    except IntegrityError:
        return False  # this day's digest went out already
    db.session.execute(update(DigestItem).where(
        DigestItem.user_id == user.id, DigestItem.digest_id.is_(None)).values(
        digest_id=digest.id))
    items = db.session.scalars(select(DigestItem).where(DigestItem.digest_id == digest.id)
                               .order_by(DigestItem.id)).all()
    if not items:
        return False
    unsubscribe = unsubscribe_url(user, ALL_DIGESTS)
    with force_locale(user.locale or "zh"):
        subject = _("Shenyang IP Market: your daily digest (%(count)d)", count=len(items))
        lines = [_("What happened on %(day)s:", day=day.isoformat())]
        for item in items:
            lines.append("\n".join(p for p in (
                f"• {item.title}", item.body, item.link and absolute_url(item.link)) if p))
        lines.append(_("Change what you receive: %(url)s",
                       url=absolute_url("/account/notifications")))
        lines.append(_("To stop these emails (no log-in needed): %(url)s", url=unsubscribe))
    queue_email(user.email, subject, "\n\n".join(lines), unsubscribe_url=unsubscribe)
    return True
