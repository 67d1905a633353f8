"""Who may see and change what. Deny by default.

Every view declares its access with exactly one of the decorators below; a request for a
view without a declaration is refused (see :func:`enforce_declared_access`). Object-level
checks are the ``can_*`` helpers: each compares the object's organisation with the current
user's, so guessing an id gets nothing.
"""
from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user

from .models import Membership, Organisation, OrgKind, User

ACCESS_ATTR = "_market_access"


def _declare(view: Callable, access: str) -> Callable:
    setattr(view, ACCESS_ATTR, access)
    return view


def public(view: Callable) -> Callable:
    """Anyone, logged in or not."""
    return _declare(view, "public")


def login_required(view: Callable) -> Callable:
    """Any logged-in user, verified or not (pending organisations may browse)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        return view(*args, **kwargs)
    return _declare(wrapped, "login")


def role_required(*kinds: OrgKind, verified: bool = True) -> Callable:
    """A logged-in user of an organisation of one of ``kinds`` (verified unless told)."""
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.org.kind not in kinds:
                abort(403)
            if verified and not current_user.can_act:
                abort(403)
            return view(*args, **kwargs)
        return _declare(wrapped, "role:" + ",".join(sorted(kinds)))
    return decorator


def centre_required(view: Callable) -> Callable:
    return role_required(OrgKind.CENTRE)(view)


def enforce_declared_access() -> None:
    """``before_request`` hook: refuse any endpoint that did not declare its access."""
    if request.endpoint is None or request.endpoint == "static":
        return
    view = current_app.view_functions.get(request.endpoint)
    if view is not None and not hasattr(view, ACCESS_ATTR):
        current_app.logger.error("endpoint %s declares no access rule", request.endpoint)
        abort(403)


# --- object-level checks -------------------------------------------------------------

def member_org_id(user) -> int | None:
    """The organisation ``user`` speaks for; None when anonymous and while a request to join
    waits for the admin: until then the applicant sees no more of it than a stranger does."""
    if not user.is_authenticated or user.membership != Membership.ACTIVE:
        return None
    return user.org_id


def can_view_org(user: User, org: Organisation) -> bool:
    """Profiles of verified organisations are public; others only to members and the centre."""
    if org.is_verified:
        return True
    return user.is_authenticated and (member_org_id(user) == org.id or user.is_centre)


def can_edit_org(user: User, org: Organisation) -> bool:
    return member_org_id(user) == org.id and user.is_org_admin


def can_manage_members(user: User, org: Organisation) -> bool:
    return can_edit_org(user, org)
