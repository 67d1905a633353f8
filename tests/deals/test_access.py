"""Who may use the deal pages: every endpoint for every role. Only the two parties and the
centre see a deal; everyone else gets 404, whatever id they guess."""
import pytest

from market.models import OfferKind, OrgKind

from ..conftest import ROLES, log_in
from .conftest import EXCLUSIVE

pytestmark = pytest.mark.db


ROLE_NAMES = ("anonymous", "pending_sme", "sme", "sme_other", "university", "university_other",
              "centre")
PARTIES = ("sme", "university")


@pytest.fixture()
def world(make_listing, university, sme, take, requested):
    open_patent = make_listing(university.org)
    licence_patent = make_listing(university.org, offers=[
        EXCLUSIVE, {"kind": OfferKind.ASSIGNMENT, "asking_price_fen": 100_000_00}])
    concluded = take(open_patent.offers[0])
    pending_request = requested(licence_patent.offers[0])
    return {"deal": concluded.id, "req": pending_request.id, "open": open_patent.offers[0].id,
            "lic": licence_patent.offers[0].id, "asg": licence_patent.offers[1].id}


def expected(role):
    anon = role == "anonymous"
    party = role in PARTIES or role == "centre"

    def seen(ok=200):
        if anon:
            return 302
        return ok if party else 404

    def acting(ok=302):  # POST endpoints of verified users; strangers get 404
        if anon:
            return 302
        if role == "pending_sme":
            return 403
        return ok if party else 404

    sme_page = {"anonymous": 302, "sme": 200, "sme_other": 200}.get(role, 403)
    return [
        ("GET", "/deals/", 302 if anon else 200),
        ("GET", "/deals/inbox", 302 if anon else 200),
        ("POST", "/deals/inbox/read", 302),
        ("GET", "/deals/{deal}", seen()),
        ("GET", "/deals/{req}", seen()),
        ("GET", "/deals/999999", 302 if anon else 404),
        ("GET", "/deals/{deal}/contract.pdf", seen()),
        ("GET", "/deals/{req}/contract.pdf", seen(404)),
        ("GET", "/deals/take/{open}", sme_page),
        ("GET", "/deals/take/{lic}", 302 if anon else (404 if sme_page == 200 else 403)),
        ("GET", "/deals/request/{lic}", sme_page),
        ("GET", "/deals/request/{asg}", sme_page),
        ("GET", "/deals/request/{open}", 302 if anon else (404 if sme_page == 200 else 403)),
        ("GET", "/deals/{req}/counter", acting(200 if role == "university" else 302)),
        ("POST", "/deals/{deal}/accept", acting()),
        ("POST", "/deals/{deal}/withdraw", acting()),
        ("POST", "/deals/{deal}/decline", acting()),
        ("POST", "/deals/{req}/messages", acting()),
        ("POST", "/deals/{deal}/recorded", acting()),
        ("POST", "/deals/{deal}/cancel", acting()),  # last: the centre may really cancel
    ]


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_deal_access(app, role, make_user, world, sme, university):
    client = app.test_client()
    if role == "sme":
        log_in(client, sme)
    elif role == "university":
        log_in(client, university)
    elif role == "sme_other":
        log_in(client, make_user(kind=OrgKind.SME))
    elif role == "university_other":
        log_in(client, make_user(kind=OrgKind.UNIVERSITY))
    elif role != "anonymous":
        log_in(client, make_user(**ROLES[role]))
    app.config["WTF_CSRF_ENABLED"] = False
    data = {"reason": "测试", "body": "你好", "record_number": "2026990000001"}
    failures = []
    for method, template, status in expected(role):
        path = template.format(**world)
        got = client.open(path, method=method, data=data if method == "POST" else None).status_code
        if got != status:
            failures.append(f"{role}: {method} {path}: {got} != {status}")
    assert not failures, "\n".join(failures)
