"""Organisation life: verification by the centre, profile changes, colleagues."""
import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import Membership, Organisation, OrgKind, OrgStatus, User
from ..models.base import utcnow
from ..urls import external_url_for
from . import audit
from .accounts import _new_user, reset_token
from .errors import PermissionDenied, ServiceError
from .mail import queue_email

PROFILE_FIELDS = ("name", "district", "address", "contact_name", "contact_phone",
                  "contact_email", "sme_size")


def pending_organisations() -> list[Organisation]:
    return list(db.session.scalars(
        select(Organisation).where(Organisation.status == OrgStatus.PENDING)
        .order_by(Organisation.created_at, Organisation.id)))


def _notify_admins(org: Organisation, subject: str, body: str) -> None:
    for user in org.users:
        if user.is_org_admin:
            queue_email(user.email, subject, body)


def verify(centre_user: User, org: Organisation) -> None:
    """Mark ``org`` verified. Raises PermissionDenied unless a centre user acts."""
    if not centre_user.is_centre:
        raise PermissionDenied(_l("Only the centre verifies organisations."))
    if org.status == OrgStatus.VERIFIED:
        return  # a double submit changes nothing twice
    org.status, org.status_reason, org.verified_at = OrgStatus.VERIFIED, None, utcnow()
    audit.record("org.verified", actor=centre_user, target=org)
    _notify_admins(org, _("Shenyang IP Market: your organisation is verified"),
                   _("%(org)s has been verified. You can now publish listings and request "
                     "licences.", org=org.name))


def reject(centre_user: User, org: Organisation, reason: str) -> None:
    """Refuse verification with a reason the organisation sees."""
    if not centre_user.is_centre:
        raise PermissionDenied(_l("Only the centre verifies organisations."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Give a reason the organisation can act on."), field="reason")
    org.status, org.status_reason, org.verified_at = OrgStatus.REJECTED, reason, None
    audit.record("org.rejected", actor=centre_user, target=org, reason=reason)
    _notify_admins(org, _("Shenyang IP Market: verification refused"),
                   _("%(org)s was not verified: %(reason)s", org=org.name, reason=reason))


def update_profile(user: User, org: Organisation, fields: dict) -> None:
    """Change profile fields. A rejected organisation goes back to the queue."""
    if not (user.org_id == org.id and user.is_org_admin):
        raise PermissionDenied(_l("Only your organisation's admin can change its profile."))
    changed = {}
    for name in PROFILE_FIELDS:
        if name in fields and getattr(org, name) != fields[name]:
            if name == "sme_size" and org.kind != OrgKind.SME:
                continue
            changed[name] = [str(getattr(org, name)), str(fields[name])]
            setattr(org, name, fields[name])
    if changed and org.status == OrgStatus.REJECTED:
        org.status = OrgStatus.PENDING
    if changed:
        audit.record("org.updated", actor=user, target=org, changed=changed)


def invite_colleague(admin: User, email: str, name: str) -> User:
    """Create a colleague's account and email a link to choose a password."""
    if not admin.is_org_admin:
        raise PermissionDenied(_l("Only your organisation's admin can add colleagues."))
    # A random password nobody knows; the emailed reset link sets the real one.
    user = _new_user(admin.org, email=email, name=name, password=secrets.token_urlsafe(32),
                     admin=False, membership=Membership.ACTIVE)
    db.session.flush()
    link = external_url_for("auth.reset_password", token=reset_token(user))
    queue_email(user.email, _("Shenyang IP Market: you have been added to %(org)s",
                              org=admin.org.name),
                _("%(admin)s added you. Choose your password here: %(link)s",
                  admin=admin.name, link=link))
    audit.record("membership.invited", actor=admin, target=user)
    return user


def decide_membership(admin: User, member: User, approve: bool) -> None:
    if not admin.is_org_admin or member.org_id != admin.org_id:
        raise PermissionDenied(_l("Only your organisation's admin can decide."))
    if member.membership != Membership.REQUESTED:
        return
    if approve:
        member.membership = Membership.ACTIVE
        audit.record("membership.approved", actor=admin, target=member)
    else:
        audit.record("membership.declined", actor=admin, target=member, email=member.email)
        db.session.delete(member)


def set_admin(admin: User, member: User, is_admin: bool) -> None:
    """Grant or remove the admin role (a role change, audited). The last admin stays."""
    if not admin.is_org_admin or member.org_id != admin.org_id:
        raise PermissionDenied(_l("Only your organisation's admin can change roles."))
    if not is_admin and sum(u.is_org_admin for u in admin.org.users) <= 1 and member.is_org_admin:
        raise ServiceError(_l("An organisation needs at least one admin."))
    if member.is_org_admin != is_admin:
        member.is_org_admin = is_admin
        audit.record("role.changed", actor=admin, target=member, is_admin=is_admin)
