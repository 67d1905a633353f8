"""The permission matrix: every route, every role, the expected status.

Deny by default: a view without an access declaration is refused, and every route must
appear in the access matrix of ``tests/test_access_matrix.py`` (a new route without a row
fails ``test_every_route_is_in_the_matrix``). MATRIX here checks, for each role, the pages
of its own organisation.
"""
import pytest

from market.models import OrgKind, OrgStatus
from market.permissions import ACCESS_ATTR

from .conftest import ROLES, log_in
from .test_access_matrix import ROWS as ACCESS_MATRIX

pytestmark = pytest.mark.db

ANON, PENDING, SME, UNI, CENTRE = "anonymous", "pending_sme", "sme", "university", "centre"
ALL_ROLES = (ANON, PENDING, SME, UNI, CENTRE)
LOGIN = 302  # anonymous users are sent to the log-in page


def everyone(status):
    return dict.fromkeys(ALL_ROLES, status)


def users(status, anonymous=LOGIN):
    return {**everyone(status), ANON: anonymous}


def centre_only():
    return {ANON: LOGIN, PENDING: 403, SME: 403, UNI: 403, CENTRE: 200}


# (method, path template, endpoint) -> {role: status}; {own} is the user's organisation,
# {other} a verified organisation, {pending} another pending one, {member} a colleague.
MATRIX = {
    ("GET", "/", "main.home"): everyone(200),
    ("GET", "/account/register", "auth.register"): {**everyone(302), ANON: 200},
    ("GET", "/account/login", "auth.login"): everyone(200),
    ("GET", "/account/password", "auth.change_password"): users(200),
    ("GET", "/account/reset", "auth.request_reset"): everyone(200),
    ("GET", "/account/reset/bad-token", "auth.reset_password"): everyone(302),
    ("GET", "/org/", "orgs.mine"): users(302),
    ("GET", "/org/{own}", "orgs.profile"): {**everyone(200), ANON: 404},
    ("GET", "/org/{other}", "orgs.profile#other"): everyone(200),
    ("GET", "/org/{pending}", "orgs.profile#pending"): {**everyone(404), CENTRE: 200},
    ("GET", "/org/{own}/edit", "orgs.edit"): users(200),
    ("GET", "/org/{other}/edit", "orgs.edit#other"): users(403),
    ("GET", "/org/{own}/members", "orgs.members"): users(200),
    ("GET", "/org/{other}/members", "orgs.members#other"): users(403),
    ("POST", "/org/{other}/members/{member}", "orgs.decide_member"): users(403),
    ("GET", "/centre/verification", "centre.verification_queue"): centre_only(),
    ("POST", "/centre/verification/{pending}/approve", "centre.approve"):
        {**centre_only(), CENTRE: 302},
    ("GET", "/centre/verification/{pending}/reject", "centre.reject"): centre_only(),
    ("GET", "/centre/audit", "centre.audit_log"): centre_only(),
    # last: it ends the session
    ("POST", "/account/logout", "auth.logout"): users(302),
}


@pytest.fixture()
def world(make_user, make_org):
    other = make_user(kind=OrgKind.UNIVERSITY)
    pending = make_org(kind=OrgKind.SME, status=OrgStatus.PENDING)
    return {"other": other.org_id, "pending": pending.id, "member": other.id}


def _prepare(client, role, make_user, world):
    if role == ANON:
        return {**world, "own": world["pending"]}
    user = make_user(**ROLES[role])
    log_in(client, user)
    return {**world, "own": user.org_id}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_matrix(app, role, make_user, world):
    client = app.test_client()
    ids = _prepare(client, role, make_user, world)
    app.config["WTF_CSRF_ENABLED"] = False  # the matrix checks access, not CSRF
    failures = []
    for (method, template, endpoint), expected in MATRIX.items():
        path = template.format(**ids)
        response = client.open(path, method=method)
        if response.status_code != expected[role]:
            failures.append(f"{method} {path} ({endpoint}): {response.status_code} "
                            f"!= {expected[role]}")
        if method == "POST" and template.endswith("/approve"):
            # undo so the next rows see a pending organisation again
            from market.extensions import db
            from market.models import Organisation
            org = db.session.get(Organisation, world["pending"])
            org.status = OrgStatus.PENDING
            db.session.commit()
    assert not failures, "\n".join(failures)


def test_every_route_is_in_the_matrix(app):
    """The full matrix, every route × every role, is ``tests/test_access_matrix.py``; the
    rows here add each role's own organisation."""
    covered = {row.endpoint.split("#")[0] for row in ACCESS_MATRIX}
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    missing = sorted(routes - covered)
    assert not missing, f"routes without a permission-matrix row: {missing}"


def test_every_view_declares_its_access(app):
    undeclared = [name for name, view in app.view_functions.items()
                  if name != "static" and not hasattr(view, ACCESS_ATTR)]
    assert not undeclared


def test_undeclared_view_is_denied(app):
    @app.get("/undeclared")
    def undeclared():
        return "secret"
    assert app.test_client().get("/undeclared").status_code == 403
