"""The centre hides a listing that breaks the rules (and shows it again).

Hiding writes, in the caller's transaction: the listing's flag and reason, a ListingChange
row, a SearchOutbox row (the search index drops the listing after commit), an audit event,
and a notification plus an email to each admin of the owner.
"""
from __future__ import annotations

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..domain.mail_kinds import LEGAL
from ..extensions import db
from ..models import ListingChange, Patent, SearchOutbox, User
from . import audit, notifications
from .errors import PermissionDenied, ServiceError
from .mail_prefs import email_user

MAX_REASON = 1000


def _require_centre(user: User) -> None:
    if not user.is_centre:
        raise PermissionDenied(_l("Only the centre moderates listings."))


def _listing_link(patent: Patent) -> str | None:
    if "listings.detail" in current_app.view_functions:
        return url_for("listings.detail", patent_id=patent.id)
    return None


def _tell_owner(patent: Patent, kind: str, title, body) -> None:
    """Tell the owner's admins, each in their language (the inbox re-renders it in the
    reader's, the email in the recipient's)."""
    admins = [user for user in patent.owner.users if user.is_org_admin]
    notifications.notify_users(admins, kind, title, body, _listing_link(patent), email=False)
    for user in admins:
        email_user(user, LEGAL, _l("Shenyang IP Market: %(title)s", title=title), body)


def hide(centre_user: User, patent: Patent, reason: str) -> None:
    """Hide ``patent`` from every public page and the search index, with ``reason``.

    Raises PermissionDenied unless a centre user acts; ServiceError (field ``reason``)
    without a reason. Hiding a hidden listing again only updates the reason.
    """
    _require_centre(centre_user)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Give a reason the owner can act on."), field="reason")
    if len(reason) > MAX_REASON:
        raise ServiceError(_l("At most 1000 characters."), field="reason")
    before = {"hidden": patent.hidden, "hidden_reason": patent.hidden_reason}
    patent.hidden, patent.hidden_reason = True, reason
    _log_change(centre_user, patent, "hidden", before)
    audit.record("listing.hidden", actor=centre_user, target=patent, reason=reason)
    _tell_owner(patent, "listing_hidden",
                _l("Your listing %(number)s was hidden", number=patent.application_number),
                _l("The IP service centre hid your listing “%(title)s” from the market: "
                   "%(reason)s. Correct it and contact the centre to have it shown again.",
                   title=patent.title, reason=reason.rstrip("。．.！!？? ")))


def unhide(centre_user: User, patent: Patent) -> None:
    """Show ``patent`` again. Raises PermissionDenied unless a centre user acts."""
    _require_centre(centre_user)
    if not patent.hidden:
        return  # a double submit changes nothing twice
    before = {"hidden": True, "hidden_reason": patent.hidden_reason}
    patent.hidden, patent.hidden_reason = False, None
    _log_change(centre_user, patent, "unhidden", before)
    audit.record("listing.unhidden", actor=centre_user, target=patent)
    _tell_owner(patent, "listing_unhidden",
                _l("Your listing %(number)s is shown again", number=patent.application_number),
                _l("The IP service centre shows your listing “%(title)s” on the market again.",
                   title=patent.title))


def _log_change(user: User, patent: Patent, action: str, before: dict) -> None:
    db.session.add(ListingChange(patent_id=patent.id, user_id=user.id, action=action,
                                 before=before, after={"hidden": patent.hidden,
                                                       "hidden_reason": patent.hidden_reason}))
    db.session.add(SearchOutbox(patent_id=patent.id))
    db.session.flush()


def hidden_listings() -> list[Patent]:
    return list(db.session.scalars(
        select(Patent).where(Patent.hidden).order_by(Patent.updated_at.desc(), Patent.id)))


def find_listings(query: str, limit: int = 20) -> list[Patent]:
    """Listings whose application number or title contains ``query`` (to pick one to hide)."""
    query = (query or "").strip()
    if not query:
        return []
    like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return list(db.session.scalars(
        select(Patent).where((Patent.application_number.like(like, escape="\\"))
                             | (Patent.title.like(like, escape="\\")))
        .order_by(Patent.id.desc()).limit(limit)))
