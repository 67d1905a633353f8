"""Registration, authentication and password changes."""
from pathlib import PurePath

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from ..domain.mail_kinds import LEGAL
from ..extensions import db
from ..models import BusinessLicenceScan, Membership, Organisation, OrgKind, OrgStatus, User
from ..models.base import utcnow
from ..urls import external_url_for
from . import agencies, audit, login_throttle
from .errors import LoginThrottled, ServiceError
from .mail_prefs import email_user
from .notifications import notify_centre
from .passwords import hash_password, password_problems, verify_password
from .uploads import check_scan

_RESET_SALT = "password-reset"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def check_new_password(password: str, user_inputs=(), field: str = "password") -> None:
    """Raises ServiceError (weak_password) when the one password policy refuses it."""
    problems = password_problems(password, user_inputs)
    if problems:
        raise ServiceError(problems[0], field=field, code="weak_password")


def _new_user(org: Organisation, *, email: str, name: str, password: str,
              admin: bool, membership: Membership, terms_version: str | None = None) -> User:
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise ServiceError(_l("An account with this email already exists."), field="email",
                           code="email_taken")
    check_new_password(password, (email, name, org.name))
    user = User(email=email, name=name.strip(), password_hash=hash_password(password), org=org,
                is_org_admin=admin, membership=membership, terms_version=terms_version,
                terms_accepted_at=utcnow() if terms_version else None)
    db.session.add(user)
    return user


def register(*, org_fields: dict, email: str, name: str, password: str,
             terms_version: str, licence: tuple[str | None, bytes] = (None, b""),
             agency_code: str | None = None) -> User:
    """Create an account, with a new (pending) organisation or as a request to join one.

    When the credit code belongs to an existing organisation the user becomes a *join
    request* that the organisation's admin approves; otherwise a new organisation is
    created, pending verification by the centre, with the user as its admin, and its
    business licence scan (``licence``: file name and bytes) kept for the centre to check.
    The user's consent to the terms edition ``terms_version`` is recorded. A new agency
    starts its profile with ``agency_code`` (the CNIPA code of a patent agency, or None).
    Raises ServiceError naming the field (email taken, weak password, centre kind, the
    licence scan missing or not a scan).
    """
    code = org_fields["credit_code"]
    org = db.session.scalar(select(Organisation).where(Organisation.credit_code == code))
    if org is not None:
        if org.kind == OrgKind.CENTRE:
            raise ServiceError(_l("Centre accounts are created by the centre."),
                               field="credit_code")
        user = _new_user(org, email=email, name=name, password=password, admin=False,
                         membership=Membership.REQUESTED, terms_version=terms_version)
        db.session.flush()
        audit.record("membership.requested", actor=user, target=org)
        for admin in org.users:
            if admin.is_org_admin:
                email_user(admin, LEGAL, _l("Shenyang IP Market: a colleague asks to join"),
                           _l("%(name)s (%(email)s) asks to join %(org)s.",
                              name=user.name, email=user.email, org=org.name))
        return user
    if org_fields["kind"] == OrgKind.CENTRE:
        raise ServiceError(_l("Centre accounts are created by the centre."), field="kind")
    if org_fields["kind"] != OrgKind.SME:
        org_fields = {**org_fields, "sme_size": None}
    licence_name, licence_data = licence
    content_type = check_scan(licence_data, field="business_licence",
                              what=_l("The business licence"))
    org = Organisation(status=OrgStatus.PENDING, **org_fields)
    db.session.add(org)
    user = _new_user(org, email=email, name=name, password=password, admin=True,
                     membership=Membership.ACTIVE, terms_version=terms_version)
    db.session.flush()
    if org.kind == OrgKind.AGENCY:
        agencies.start_profile(org, agency_code)
    db.session.add(BusinessLicenceScan(
        org_id=org.id, uploaded_by_user_id=user.id, content_type=content_type,
        filename=PurePath(licence_name or "licence").name[-200:], size=len(licence_data),
        data=licence_data))
    audit.record("org.registered", actor=user, target=org)
    notify_centre("org_registered", _l("New organisation to verify: %(org)s", org=org.name),
                  _l("%(org)s (credit code %(code)s) registered and waits for verification.",
                     org=org.name, code=org.credit_code),
                  link=url_for("centre.verification_queue"))
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user with this email and password, or None. Takes the same time either way.

    Raises LoginThrottled when the account (known or not) has had too many attempts in the
    window (login_throttle), even if the password is right this time.
    """
    email = normalise_email(email)
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    retry_at = login_throttle.count_attempt(email)
    if retry_at is not None:
        audit.record("login.throttled", actor=user, email=email[:254])
        raise LoginThrottled(
            _l("Too many failed log-ins for this account. Try again in %(minutes)d minutes, "
               "or reset your password.", minutes=login_throttle.minutes_until(retry_at)),
            retry_at)
    if not ok:
        audit.record("login.failure", actor=user, email=email[:254])
        return None
    login_throttle.forget(email)
    user.last_login_at = utcnow()
    audit.record("login.success", actor=user)
    return user


def log_out(user: User) -> None:
    """End every session of ``user``: the login cookies carry the session version, so a
    cookie saved before this (a copy, another device, a remember-me cookie) stops working."""
    _end_sessions(user)
    audit.record("logout", actor=user)


def _end_sessions(user: User) -> None:
    user.session_version = (user.session_version or 1) + 1


def change_password(user: User, current: str, new: str) -> None:
    """Raises ServiceError on a wrong current password or a weak new one."""
    if not verify_password(user.password_hash, current):
        raise ServiceError(_l("The current password is not right."), field="current_password")
    _set_password(user, new)
    audit.record("password.changed", actor=user)


def _set_password(user: User, new: str) -> None:
    check_new_password(new, (user.email, user.name, user.org.name))
    user.password_hash = hash_password(new)
    _end_sessions(user)  # logs out every other session and kills outstanding reset links


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_RESET_SALT)


def reset_token(user: User) -> str:
    # The session version ties the token to the current password: it works once.
    return _serializer().dumps({"u": user.id, "v": user.session_version})


def request_password_reset(email: str) -> None:
    """Email a reset link if the account exists; says nothing either way."""
    user = find_user_by_email(email)
    if user is None:
        return
    link = external_url_for("auth.reset_password", token=reset_token(user))
    email_user(user, LEGAL, _l("Shenyang IP Market: reset your password"),
               _l("Open this link within one hour to choose a new password: %(link)s",
                  link=link))
    audit.record("password.reset_requested", actor=user)


def user_for_reset_token(token: str) -> User | None:
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        data = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or user.session_version != data.get("v"):
        return None
    return user


def reset_password(token: str, new: str) -> User:
    user = user_for_reset_token(token)
    if user is None:
        raise ServiceError(_l("This reset link is invalid or has expired."), field="password")
    _set_password(user, new)
    login_throttle.forget(user.email)  # the owner of the address proved it: let them in
    audit.record("password.reset", actor=user)
    return user


def create_centre_user(email: str, name: str, password: str, org_fields: dict) -> User:
    """CLI only: a centre account (creating the centre organisation on first use)."""
    org = db.session.scalar(select(Organisation).where(Organisation.kind == OrgKind.CENTRE))
    if org is None:
        org = Organisation(kind=OrgKind.CENTRE, status=OrgStatus.VERIFIED, verified_at=utcnow(),
                           **org_fields)
        db.session.add(org)
    user = _new_user(org, email=email, name=name, password=password, admin=not org.users,
                     membership=Membership.ACTIVE)
    db.session.flush()
    audit.record("centre_user.created", target=user)
    return user
