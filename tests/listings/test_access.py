"""Who may use the listing pages: every endpoint for every role."""
import pytest

from market.models import ListingStatus, OrgKind

from ..conftest import ROLES, log_in

pytestmark = pytest.mark.db


ROLE_NAMES = ("anonymous", "pending_sme", "sme", "university", "centre", "owner")


@pytest.fixture()
def world(make_user, make_listing):
    owner = make_user(kind=OrgKind.UNIVERSITY)
    public = make_listing(owner.org)
    draft = make_listing(owner.org, status=ListingStatus.DRAFT)
    return owner, public, draft


def expected(role):
    own = role == "owner"
    lic = {"anonymous": 302, "university": 200, "owner": 200}.get(role, 403)
    mine = 200 if own else (302 if role == "anonymous" else (404 if role == "university" else 403))
    post_mine = 302 if own or role == "anonymous" else (404 if role == "university" else 403)
    return [
        ("GET", "/patents/", 200),
        ("GET", "/patents/{public}", 200),
        ("GET", "/patents/{draft}", 200 if own or role == "centre" else 404),
        ("GET", "/patents/mine", lic),
        ("GET", "/patents/new", lic),
        ("GET", "/patents/import", lic),
        ("GET", "/patents/import/template.csv", lic),
        ("POST", "/patents/import/sometoken",
         {"anonymous": 302}.get(role, 303 if role in ("university", "owner") else 403)),
        ("GET", "/patents/{public}/edit", mine),
        ("GET", "/patents/{public}/history", mine),
        ("GET", "/patents/{public}/offers/new", mine),
        ("GET", "/patents/offers/{offer}/edit", mine),
        ("POST", "/patents/offers/{offer}/withdraw", post_mine),
        ("POST", "/patents/{draft}/publish", post_mine),
        ("POST", "/patents/{public}/attachments", post_mine),
        ("GET", "/patents/attachments/999999", 404),
    ]


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_listing_access(app, role, make_user, world):
    owner, public, draft = world
    client = app.test_client()
    if role == "owner":
        log_in(client, owner)
    elif role != "anonymous":
        log_in(client, make_user(**ROLES[role]))
    app.config["WTF_CSRF_ENABLED"] = False
    ids = {"public": public.id, "draft": draft.id, "offer": public.offers[0].id}
    failures = []
    for method, template, status in expected(role):
        path = template.format(**ids)
        got = client.open(path, method=method).status_code
        if got != status:
            failures.append(f"{role}: {method} {path}: {got} != {status}")
    assert not failures, "\n".join(failures)
