"""Hostile requests at the edge: a forged Host header, open redirects, integer overflow in
query parameters, NUL bytes, and a race on one application number (issue 12: F1, F4, F9).
"""
import io
import re
import threading
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from market import create_app
from market.config import ProdConfig, TestConfig
from market.extensions import db
from market.models import Attachment, OrgKind, OutboxEmail, Patent
from market.services import deals, listings
from market.services.errors import ServiceError
from market.unit_of_work import commit

from ..conftest import csrf_token, log_in, post_form
from ..factories import PASSWORD, new_application_number

pytestmark = pytest.mark.db

EVIL = "evil.example"


def outbox_bodies() -> list[str]:
    db.session.expire_all()
    return db.session.scalars(select(OutboxEmail.body).order_by(OutboxEmail.id)).all()


# --- F1: a forged Host header never reaches a link ------------------------------------------

def request_reset(client, email: str, base_url: str = "http://localhost"):
    """Ask for a reset link the way a browser on ``base_url`` does (its page, its cookie)."""
    page = client.get("/account/reset", base_url=base_url)
    if page.status_code != 200:
        return page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      page.get_data(as_text=True))  # none when CSRF is off
    return client.post("/account/reset", base_url=base_url, data={
        "email": email, **({"csrf_token": token.group(1)} if token else {})})


def test_forged_host_gets_400_and_no_reset_link(make_app, make_user):
    """The audit's F1: ``POST /account/reset`` with ``Host: evil.example`` wrote
    ``http://evil.example/account/reset/<token>`` to the outbox (default settings, CSRF on or
    off: the attacker fetches the form on the same forged host)."""
    user = make_user()
    statuses = set()
    for csrf_on in (True, False):
        client = make_app(WTF_CSRF_ENABLED=csrf_on).test_client()
        for host in (EVIL, f"{EVIL}:5000", "localhost.evil.example"):
            statuses.add(request_reset(client, user.email, f"http://{host}").status_code)
            statuses.add(client.post("/account/reset", data={"email": user.email},
                                     headers={"Host": host}).status_code)
            statuses.add(client.get("/", headers={"Host": host}).status_code)
    assert outbox_bodies() == []
    assert statuses == {400}
    # the trusted hosts still work, each link on the host it was asked from
    client = make_app().test_client()
    for base_url in ("http://localhost", "http://127.0.0.1:5000"):
        assert request_reset(client, user.email, base_url).status_code == 302
    bodies = outbox_bodies()
    assert len(bodies) == 2 and not [body for body in bodies if EVIL in body]
    assert "http://localhost/account/reset/" in bodies[0]
    assert "http://127.0.0.1:5000/account/reset/" in bodies[1]


def test_links_are_built_on_public_url_only(make_app, make_user, make_listing):
    """With PUBLIC_URL set, every absolute address the app hands out is on it: the reset
    link, a colleague's invitation, the API's links, even when the request came in on
    another trusted name."""
    app = make_app(PUBLIC_URL="https://ipmarket.shenyang.example",
                   TRUSTED_HOSTS=["ipmarket.shenyang.example", "10.0.0.11", "localhost"])
    with app.app_context():
        user = make_user(kind=OrgKind.UNIVERSITY)
        patent = make_listing(user.org)
        client = app.test_client()
        assert request_reset(client, user.email, "http://10.0.0.11:8000").status_code == 302
        log_in(client, user)
        post_form(client, f"/org/{user.org_id}/members",
                  {"email": "colleague@example.cn", "name": "同事"})
        bodies = outbox_bodies()
        assert any("https://ipmarket.shenyang.example/account/reset/" in b for b in bodies)
        assert len([b for b in bodies if "/account/reset/" in b]) == 2  # reset, invitation
        assert all("localhost" not in b and "10.0.0.11" not in b for b in bodies)
        api = client.get(f"/api/v1/patents/{patent.id}", headers={"Host": "10.0.0.11"})
        assert api.get_json()["url"] == f"https://ipmarket.shenyang.example/patents/{patent.id}"
        spec = client.get("/api/v1/openapi.json", headers={"Host": "10.0.0.11"}).get_json()
        assert spec["servers"][0]["url"].startswith("https://ipmarket.shenyang.example")


def _prod_app(**overrides):
    """A production app on an empty in-memory database; its requests deliver mail inline
    (no mail worker thread outlives the test)."""
    return create_app(ProdConfig, SECRET_KEY="x" * 32, SQLALCHEMY_DATABASE_URI="sqlite://",
                      **{"MAIL_DELIVERY": "inline", **overrides})


def test_production_refuses_to_start_without_public_url():
    with pytest.raises(RuntimeError, match="PUBLIC_URL"):
        _prod_app(PUBLIC_URL=None)
    with pytest.raises(RuntimeError, match="PUBLIC_URL"):
        _prod_app(PUBLIC_URL="ipmarket.shenyang.example")  # no scheme: not an address


def test_production_trusts_the_public_host_only():
    app = _prod_app(PUBLIC_URL="https://ipmarket.shenyang.example/", TRUSTED_HOSTS=None)
    assert app.config["TRUSTED_HOSTS"] == ["ipmarket.shenyang.example"]
    client = app.test_client()
    assert client.get("/account/login", headers={"Host": EVIL}).status_code == 400
    assert client.get("/account/login", headers={"Host": "localhost"}).status_code == 400
    assert client.get("/account/login", base_url="https://ipmarket.shenyang.example"
                      ).status_code == 200


def test_proxy_fix_host_is_checked_too(make_app):
    """Behind a proxy (PROXY_HOPS), X-Forwarded-Host is the host: trusted or 400."""
    app = make_app(PROXY_HOPS=1, TRUSTED_HOSTS=["ipmarket.shenyang.example"])
    client = app.test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    good = client.get("/account/login", headers={
        **forwarded, "X-Forwarded-Host": "ipmarket.shenyang.example"})
    assert good.status_code == 200
    assert client.get("/account/login", headers={
        **forwarded, "X-Forwarded-Host": EVIL}).status_code == 400


def test_development_trusted_hosts_from_environment(monkeypatch):
    config = type("EnvConfig", (TestConfig,), {})
    app = create_app(config, TRUSTED_HOSTS=None)
    assert set(app.config["TRUSTED_HOSTS"]) >= {"127.0.0.1", "localhost"}
    monkeypatch.setenv("TRUSTED_HOSTS", "market.lan, 192.168.1.20")
    app = create_app(config, TRUSTED_HOSTS=None)
    assert app.config["TRUSTED_HOSTS"] == ["market.lan", "192.168.1.20"]


# --- F4: ``next`` stays on this site --------------------------------------------------------

BAD_NEXT = ["/\t/evil.example/phish", "/\\evil.example", "\\\\evil.example", "https:evil.example",
            "//evil.example", "https://evil.example/", "/\r\n/evil.example", " //evil.example",
            "/\\/evil.example", "http:/evil.example", "javascript:alert(1)", "\t//evil.example",
            "///evil.example", "\x0b//evil.example", "/\t\\evil.example"]


def same_site(location: str) -> bool:
    parts = urlsplit(location)
    return (parts.scheme in ("", "http") and parts.netloc in ("", "localhost")
            and parts.path.startswith("/") and not parts.path.startswith("//")
            and EVIL not in location and "\\" not in location and "\t" not in location)


@pytest.mark.parametrize("target", BAD_NEXT)
def test_login_next_never_leaves_the_site(client, make_user, target):
    user = make_user()
    response = client.post("/account/login", query_string={"next": target}, data={
        "csrf_token": csrf_token(client), "email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert same_site(response.location), response.location


def test_login_next_keeps_a_same_site_path(client, make_user):
    user = make_user()
    response = client.post("/account/login", query_string={"next": "/patents/mine?status=draft"},
                           data={"csrf_token": csrf_token(client), "email": user.email,
                                 "password": PASSWORD})
    assert response.location == "/patents/mine?status=draft"


@pytest.mark.parametrize("target", BAD_NEXT + ["/patents/mine?status=draft"])
def test_withdraw_next_never_leaves_the_site(client, make_user, make_listing, target):
    user = make_user(kind=OrgKind.UNIVERSITY)
    patent = make_listing(user.org)
    log_in(client, user)
    response = post_form(client, f"/patents/{patent.id}/withdraw", {"next": target},
                         token_from="/patents/mine")
    assert response.status_code == 302
    assert same_site(response.location), response.location
    if target.startswith("/patents/mine"):
        assert response.location == target


# --- F9: no 500 from hostile input ------------------------------------------------------------

HUGE = "99999999999999999999999"
INT64_MAX = "9223372036854775807"


@pytest.mark.parametrize("role, url", [
    (None, f"/patents/?page={INT64_MAX}"),
    (None, f"/patents/?page={HUGE}"),
    (None, f"/search/?owner_id={HUGE}"),
    (None, f"/search/?owner_id={INT64_MAX}0"),
    (None, f"/api/v1/patents?owner_id={HUGE}"),
    ("university", f"/patents/mine?page={INT64_MAX}"),
    ("sme", f"/deals/?page={INT64_MAX}"),
    ("centre", f"/centre/monitor?org={HUGE}"),
    ("centre", "/centre/monitor?org=-1"),
    ("centre", f"/centre/audit?page={INT64_MAX}"),
    ("centre", f"/centre/audit?page={'9' * 5000}"),
    ("centre", "/api/v1/stats/indicators?year=²"),
])
def test_integer_parameters_out_of_range_answer_4xx(client, login_as, role, url):
    if role:
        login_as(role)
    assert client.get(url).status_code in (400, 404), url


def test_indicators_page_forgives_a_bad_year(client, login_as):
    login_as("centre")
    for year in ("²", "9" * 5000, "-2024"):
        assert client.get("/centre/indicators", query_string={"year": year}).status_code == 302


def test_page_that_is_not_a_number_is_refused_or_forgiven(client):
    assert client.get("/patents/?page=abc").status_code == 400
    assert client.get("/patents/?page=2").status_code == 200


def test_counter_without_a_message(app, client, make_user, make_listing):
    university = make_user(kind=OrgKind.UNIVERSITY)
    sme = make_user(kind=OrgKind.SME)
    offer = make_listing(university.org, offers=[{
        "kind": "licence", "licence_kind": "exclusive", "upfront_mode": "waived",
        "royalty_bp": 300, "term_years": 5}]).offers[0]
    proposal = {"licence_kind": "exclusive", "upfront_mode": "waived", "royalty_bp": 300,
                "term_years": 5, "territory": None, "field_of_use": None,
                "upfront_fee_fen": 0, "deferral_kind": None, "deferral_months": None,
                "royalty_threshold_fen": None, "min_annual_royalty_fen": None, "price_fen": None}
    deal = deals.request_deal(sme, offer, proposal, "我们希望获得许可。")
    commit()
    log_in(client, university)
    url = f"/deals/{deal.id}/counter"
    response = post_form(client, url, {"upfront_mode": "waived", "royalty_bp": "4",
                                       "term_years": "5", "licence_kind": "exclusive"})
    assert response.status_code in (302, 422), response.status_code


# NUL bytes: PostgreSQL cannot store them in text (500 there); every database refuses them.

NUL = "\x00"


def assert_refused_nul(response):
    assert response.status_code == 400, response.status_code
    assert "NUL" in response.get_data(as_text=True) or response.is_json


def test_nul_in_login_email(client, make_user):
    user = make_user()
    assert_refused_nul(post_form(client, "/account/login", {
        "email": user.email + NUL, "password": PASSWORD}))
    assert_refused_nul(client.get("/search/", query_string={"q": f"石墨烯{NUL}"}))
    assert_refused_nul(client.get("/api/v1/patents", query_string={"q": f"a{NUL}"}))


@pytest.mark.parametrize("field", ["title", "abstract", "inventors", "territory"])
def test_nul_in_listing_fields(client, make_user, field):
    log_in(client, make_user(kind=OrgKind.UNIVERSITY))
    fields = {"title": "一种石墨烯导热薄膜的制备方法", "legal_status": "granted",
              "filing_date": "2017-07-26", "grant_date": "2020-03-10",
              "ipc_codes": "C01B 32/184", "abstract": "本发明公开了一种石墨烯导热薄膜。",
              "kind": "open_licence", "upfront_mode": "waived", "term_years": "5",
              "territory": "中国大陆", "application_number": "201710601862.3",
              "inventors": "张三；李四"}
    fields[field] += NUL
    assert_refused_nul(post_form(client, "/patents/new", fields))
    assert db.session.scalar(select(func.count()).select_from(Patent)) == 0


def test_nul_in_attachment_name(client, make_user, make_listing):
    user = make_user(kind=OrgKind.UNIVERSITY)
    patent = make_listing(user.org)
    log_in(client, user)
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = client.post(f"/patents/{patent.id}/attachments", data={
        "csrf_token": csrf_token(client, f"/patents/{patent.id}"),
        "file": (io.BytesIO(pdf), f"说明书{NUL}.pdf")}, content_type="multipart/form-data")
    assert_refused_nul(response)
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_nul_in_a_json_body(client):
    response = client.post("/payments/stripe/webhook", json={"id": f"evt_{NUL}"})
    assert response.status_code == 400 and response.is_json


# --- F9: twelve listings of one number at once ----------------------------------------------

def _publish_values(number: str) -> dict:
    return {"application_number": number, "title": "一种石墨烯导热薄膜的制备方法",
            "abstract": "本发明公开了一种新材料。", "ipc_codes": "C01B 32/184",
            "legal_status": "granted", "filing_date": date(2019, 3, 1),
            "grant_date": date(2021, 6, 1)}


def test_twelve_listings_of_one_number_at_once(app, make_user, monkeypatch):
    """Every thread checks the number before any inserts (a barrier after the check), so the
    database's unique constraint decides: one listing, eleven clear refusals, no 500."""
    users = [make_user(kind=OrgKind.UNIVERSITY) for _ in range(12)]
    user_ids = [u.id for u in users]
    number = new_application_number(2019)
    barrier = threading.Barrier(len(users), timeout=30)
    checked = threading.local()
    original = listings.owner_of_number

    def owner_then_wait(application_number):
        owner = original(application_number)
        if not getattr(checked, "done", False):
            checked.done = True
            barrier.wait()
        return owner
    monkeypatch.setattr(listings, "owner_of_number", owner_then_wait)
    results = []

    def run(user_id):
        with app.app_context():
            try:
                user = db.session.get(type(users[0]), user_id)
                listings.create_patent(user, _publish_values(number))
                commit()
                results.append("ok")
            except ServiceError as exc:
                db.session.rollback()
                results.append(str(exc.message))
            except Exception as exc:  # noqa: BLE001 - what the audit saw as a 500
                db.session.rollback()
                results.append(f"500: {type(exc).__name__}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(uid,)) for uid in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    sequential = str(listings.duplicate_number_error_for(-1, 0).message)
    assert results.count("ok") == 1, results
    assert results.count(sequential) == 11, results
    assert db.session.scalar(select(func.count()).select_from(Patent)) == 1



def test_one_helper_builds_every_absolute_address():
    """``_external=True`` and the request's own host URL trust the Host header: only
    market/urls.py may read the request's host, and only after checking it."""
    root = Path(__file__).resolve().parents[2] / "market"
    offenders = [f"{path.relative_to(root)}:{n}" for path in root.rglob("*.py")
                 if path.name != "urls.py"
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"_external\s*=\s*True|host_url|url_root|request\.host\b", line)]
    assert offenders == []
