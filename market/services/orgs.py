"""Organisation life: verification by the centre, profile changes, colleagues."""
import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from ..domain.mail_kinds import LEGAL
from ..extensions import db
from ..models import (
    BusinessLicenceScan,
    Membership,
    Organisation,
    OrgKind,
    OrgStatus,
    Patent,
    User,
)
from ..models.base import utcnow
from ..urls import external_url_for
from . import audit
from .accounts import _new_user, reset_token
from .errors import PermissionDenied, ServiceError
from .listings import touch_search
from .mail_prefs import email_user

PROFILE_FIELDS = ("name", "district", "address", "legal_representative", "contact_name",
                  "contact_phone", "contact_email", "sme_size")
# what the centre checks against the business licence: a verified organisation's change of
# these waits for the centre
CHECKED_FIELDS = ("name", "credit_code")


def pending_organisations() -> list[Organisation]:
    return list(db.session.scalars(
        select(Organisation).where(Organisation.status == OrgStatus.PENDING)
        .order_by(Organisation.created_at, Organisation.id)))


def _notify_admins(org: Organisation, subject: str, body: str) -> None:
    for user in org.users:
        if user.is_org_admin:
            email_user(user, LEGAL, subject, body)


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


def update_profile(user: User, org: Organisation, fields: dict) -> bool:
    """Change profile fields. A rejected organisation goes back to the queue. A verified
    organisation's new name or credit code waits for the centre (``request_change``): until
    it approves, the verified ones stay everywhere. Returns True when a change waits.
    Raises PermissionDenied, or ServiceError on a credit code another organisation holds."""
    if not (user.org_id == org.id and user.is_org_admin):
        raise PermissionDenied(_l("Only your organisation's admin can change its profile."))
    if org.status == OrgStatus.VERIFIED:
        request_change(user, org, name=fields.get("name", org.pending_name or org.name),
                       credit_code=fields.get("credit_code")
                       or org.pending_credit_code or org.credit_code)
        fields = {k: v for k, v in fields.items() if k not in CHECKED_FIELDS}
    elif fields.get("credit_code") and fields["credit_code"] != org.credit_code:
        _check_credit_code_free(fields["credit_code"], org)
    if not fields.get("credit_code"):
        fields = {k: v for k, v in fields.items() if k != "credit_code"}  # blank: unchanged
    changed = {}
    for name in (*PROFILE_FIELDS, "credit_code"):
        if name in fields and getattr(org, name) != fields[name]:
            if name == "sme_size" and org.kind != OrgKind.SME:
                continue
            changed[name] = [str(getattr(org, name)), str(fields[name])]
            setattr(org, name, fields[name])
    if changed and org.status == OrgStatus.REJECTED:
        org.status = OrgStatus.PENDING
    if changed:
        audit.record("org.updated", actor=user, target=org, changed=changed)
    return org.has_pending_change


def request_change(user: User, org: Organisation, *, name: str, credit_code: str) -> None:
    """Ask the centre to approve a verified organisation's new name and/or credit code.
    The values equal to the verified ones withdraw what was asked before."""
    pending_name = name if name != org.name else None
    pending_code = credit_code if credit_code != org.credit_code else None
    if (pending_name, pending_code) == (org.pending_name, org.pending_credit_code):
        return
    if pending_code:
        _check_credit_code_free(pending_code, org)
    org.pending_name, org.pending_credit_code = pending_name, pending_code
    org.change_requested_at = utcnow() if (pending_name or pending_code) else None
    audit.record("org.change_requested" if org.change_requested_at else "org.change_withdrawn",
                 actor=user, target=org, name=pending_name, credit_code=pending_code)


def _check_credit_code_free(code: str, org: Organisation) -> None:
    other = db.session.scalar(select(Organisation.id).where(
        Organisation.id != org.id,
        or_(Organisation.credit_code == code, Organisation.pending_credit_code == code)))
    if other is not None:
        raise ServiceError(_l("Another organisation on the platform has this credit code. "
                              "Ask the IP service centre if it is yours."),
                           field="credit_code", code="credit_code_taken")


def pending_changes() -> list[Organisation]:
    """Verified organisations waiting for the centre to approve a new name or credit code."""
    return list(db.session.scalars(
        select(Organisation).where(Organisation.change_requested_at.is_not(None))
        .order_by(Organisation.change_requested_at, Organisation.id)))


def licence_scan(org_id: int) -> BusinessLicenceScan | None:
    """The newest business licence scan the organisation uploaded (None: registered before
    scans were asked for)."""
    return db.session.scalars(select(BusinessLicenceScan).where(
        BusinessLicenceScan.org_id == org_id).order_by(BusinessLicenceScan.id.desc())).first()


def verification_count() -> int:
    """What waits in the centre's verification queue: new organisations and changes."""
    return db.session.scalar(select(func.count()).select_from(Organisation).where(or_(
        Organisation.status == OrgStatus.PENDING,
        Organisation.change_requested_at.is_not(None)))) or 0


def approve_change(centre_user: User, org: Organisation) -> None:
    """Apply the requested name and/or credit code. Deals concluded before keep the names
    they were concluded under (``Deal.snapshot_parties``)."""
    if not centre_user.is_centre:
        raise PermissionDenied(_l("Only the centre verifies organisations."))
    if not org.has_pending_change:
        return  # a double submit changes nothing twice
    if org.pending_credit_code:
        _check_credit_code_free(org.pending_credit_code, org)
    before = {"name": org.name, "credit_code": org.credit_code}
    org.name = org.pending_name or org.name
    org.credit_code = org.pending_credit_code or org.credit_code
    _clear_change(org)
    audit.record("org.change_approved", actor=centre_user, target=org, before=before,
                 after={"name": org.name, "credit_code": org.credit_code})
    for patent in _patents_of(org):
        touch_search(patent)  # the owner's name is in the search index
    _notify_admins(org, _("Shenyang IP Market: your change is verified"),
                   _("The centre verified the change: %(org)s (%(code)s).",
                     org=org.name, code=org.credit_code))


def refuse_change(centre_user: User, org: Organisation, reason: str) -> None:
    """Drop the requested change, with a reason the organisation sees."""
    if not centre_user.is_centre:
        raise PermissionDenied(_l("Only the centre verifies organisations."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Give a reason the organisation can act on."), field="reason")
    if not org.has_pending_change:
        return
    asked = {"name": org.pending_name, "credit_code": org.pending_credit_code}
    _clear_change(org)
    audit.record("org.change_refused", actor=centre_user, target=org, reason=reason, asked=asked)
    _notify_admins(org, _("Shenyang IP Market: change refused"),
                   _("The centre did not verify the change to %(org)s: %(reason)s",
                     org=org.name, reason=reason))


def _clear_change(org: Organisation) -> None:
    org.pending_name = org.pending_credit_code = org.change_requested_at = None


def _patents_of(org: Organisation) -> list:
    return list(db.session.scalars(select(Patent).where(Patent.owner_org_id == org.id)))


def invite_colleague(admin: User, email: str, name: str) -> User:
    """Create a colleague's account and email a link to choose a password."""
    if not admin.is_org_admin:
        raise PermissionDenied(_l("Only your organisation's admin can add colleagues."))
    # A random password nobody knows; the emailed reset link sets the real one.
    user = _new_user(admin.org, email=email, name=name, password=secrets.token_urlsafe(32),
                     admin=False, membership=Membership.ACTIVE)
    db.session.flush()
    link = external_url_for("auth.reset_password", token=reset_token(user))
    email_user(user, LEGAL, _l("Shenyang IP Market: you have been added to %(org)s",
                               org=admin.org.name),
               _l("%(admin)s added you. Choose your password here: %(link)s",
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


def set_signatory(admin: User, member: User, is_signatory: bool) -> None:
    """Name ``member`` a signatory of the organisation (may sign contracts for it) or take
    that away (audited). An admin signs by being admin; only an active member is named."""
    if not admin.is_org_admin or member.org_id != admin.org_id:
        raise PermissionDenied(_l("Only your organisation's admin can name signatories."))
    if is_signatory and member.membership != Membership.ACTIVE:
        raise ServiceError(_l("Only an active member can be named signatory."))
    if member.is_signatory != is_signatory:
        member.is_signatory = is_signatory
        audit.record("role.signatory", actor=admin, target=member, is_signatory=is_signatory)


def set_admin(admin: User, member: User, is_admin: bool) -> None:
    """Grant or remove the admin role (a role change, audited). The last admin stays."""
    if not admin.is_org_admin or member.org_id != admin.org_id:
        raise PermissionDenied(_l("Only your organisation's admin can change roles."))
    if not is_admin and sum(u.is_org_admin for u in admin.org.users) <= 1 and member.is_org_admin:
        raise ServiceError(_l("An organisation needs at least one admin."))
    if member.is_org_admin != is_admin:
        member.is_org_admin = is_admin
        audit.record("role.changed", actor=admin, target=member, is_admin=is_admin)
