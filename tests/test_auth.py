"""Accounts: registration, log-in, passwords, CSRF, rate limits."""
import io
import re

import pytest
from sqlalchemy import select

from market.domain.legal_texts import TERMS_VERSION
from market.extensions import db
from market.models import (
    AuditEvent,
    BusinessLicenceScan,
    Membership,
    Notification,
    Organisation,
    OrgKind,
    OrgStatus,
    OutboxEmail,
    User,
)
from market.services import accounts

from .conftest import csrf_token, log_in, post_form
from .factories import PASSWORD, new_credit_code

pytestmark = pytest.mark.db

PNG_SCAN = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def registration(**overrides):
    data = {
        "kind": "sme", "credit_code": new_credit_code(), "name": "沈阳测试科技有限公司",
        "sme_size": "small", "district": "铁西区", "address": "沈阳市铁西区建设路1号",
        "contact_name": "王经理", "contact_phone": "024-88886666",
        "contact_email": "contact@example.cn", "user_name": "王经理",
        "email": "wang@example.cn", "password": "a long enough passphrase",
        "confirm": "a long enough passphrase", "consent": "y",
        "business_licence": (io.BytesIO(PNG_SCAN), "营业执照.png"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_register_creates_pending_org_with_admin(client, app):
    response = post_form(client, "/account/register", registration())
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "wang@example.cn"))
    assert user.is_org_admin and user.org.status == OrgStatus.PENDING
    assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
    assert not user.can_act
    page = client.get("/org/").headers["Location"]
    assert client.get(page).status_code == 200  # logged in after registering


def test_registration_keeps_the_licence_scan_and_the_consent(client, login_as):
    post_form(client, "/account/register", registration())
    user = db.session.scalar(select(User).where(User.email == "wang@example.cn"))
    assert user.terms_version == TERMS_VERSION and user.terms_accepted_at is not None
    scan = db.session.scalars(select(BusinessLicenceScan)).one()
    assert (scan.org_id, scan.content_type, scan.filename) == (user.org_id, "image/png",
                                                               "营业执照.png")
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/")})
    login_as("centre")
    page = client.get("/centre/verification").get_data(as_text=True)
    assert f"/centre/verification/{user.org_id}/licence" in page
    served = client.get(f"/centre/verification/{user.org_id}/licence")
    assert served.data == PNG_SCAN and served.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"consent": None}, "consent", "注册须同意用户协议和隐私政策"),
    ({"business_licence": None}, "business_licence", "请选择营业执照"),
    ({"business_licence": (io.BytesIO(b"MZ not a scan"), "执照.png")}, "business_licence",
     "营业执照须为 JPEG、PNG 图片或 PDF"),
])
def test_registration_without_consent_or_a_real_scan_is_refused_on_its_field(
        client, overrides, field, message):
    response = post_form(client, "/account/register", registration(**overrides))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html
    assert db.session.scalar(select(Organisation.id)) is None  # nothing half-registered


def test_joining_a_registered_organisation_needs_no_scan(client, make_org):
    org = make_org()
    response = post_form(client, "/account/register", registration(
        credit_code=org.credit_code, business_licence=None))
    assert response.status_code == 302
    assert db.session.scalar(select(BusinessLicenceScan.id)) is None


def test_the_centre_is_told_of_a_new_registration(client, make_user):
    centre = make_user(kind=OrgKind.CENTRE)
    post_form(client, "/account/register", registration())
    note = db.session.scalars(select(Notification).where(
        Notification.user_id == centre.id)).one()
    assert note.kind == "org_registered" and "/centre/verification" in note.link
    assert registration()["name"] in note.title


def test_the_centre_lands_on_its_home_and_others_on_their_organisation(app, make_user):
    for kind, landing in ((OrgKind.CENTRE, "/centre/"), (OrgKind.SME, "/org/")):
        response = log_in(app.test_client(), make_user(kind=kind))
        assert response.headers["Location"].endswith(landing)


def test_register_normalises_and_validates_credit_code(app, client):
    code = new_credit_code()
    response = post_form(client, "/account/register",
                         registration(credit_code=" " + code.lower() + "\n"))
    assert response.status_code == 302
    assert db.session.scalar(select(Organisation.credit_code)) == code

    bad = code[:-1] + ("0" if code[-1] != "0" else "1")
    response = post_form(app.test_client(), "/account/register",
                         registration(credit_code=bad, email="other@example.cn"))
    assert response.status_code == 422
    assert 'id="credit_code-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize("password, message", [
    ("short pass", "12"),
    ("x" * 129, "128"),
    ("administrator", None),  # 13 characters and common
])
def test_password_policy(client, password, message):
    response = post_form(client, "/account/register",
                         registration(password=password, confirm=password))
    assert response.status_code == 422
    assert 'id="password-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None


def test_common_password_refused_even_when_long(app):
    from market.services.passwords import password_problems
    assert password_problems("administrator")
    assert password_problems("Administrator")  # case does not rescue it
    assert not password_problems("青山绿水 shenyang 2026")  # no composition rules


def test_sme_must_declare_size(client):
    response = post_form(client, "/account/register", registration(sme_size=""))
    assert response.status_code == 422
    assert 'id="sme_size-error"' in response.get_data(as_text=True)


def test_same_credit_code_becomes_a_join_request(client, make_user):
    admin = make_user()
    response = post_form(client, "/account/register",
                         registration(credit_code=admin.org.credit_code, email="new@example.cn"))
    assert response.status_code == 302
    newcomer = db.session.scalar(select(User).where(User.email == "new@example.cn"))
    assert newcomer.org_id == admin.org_id
    assert newcomer.membership == Membership.REQUESTED and not newcomer.is_org_admin
    assert db.session.scalar(select(Organisation.id).where(Organisation.id != admin.org_id)) is None
    assert db.session.scalar(select(OutboxEmail).where(OutboxEmail.to_address == admin.email))


def test_duplicate_email_refused(client, make_user):
    user = make_user()
    response = post_form(client, "/account/register", registration(email=user.email.upper()))
    assert response.status_code == 422
    assert 'id="email-error"' in response.get_data(as_text=True)


def test_login_errors_do_not_reveal_whether_email_exists(client, make_user):
    user = make_user()
    wrong_password = post_form(client, "/account/login",
                               {"email": user.email, "password": "not the password!"})
    missing_email = post_form(client, "/account/login",
                              {"email": "nobody@example.cn", "password": "not the password!"})
    assert wrong_password.status_code == missing_email.status_code == 422

    def visible(response):
        page = response.get_data(as_text=True)
        page = re.sub(r'value="[^"]*"', "", page)  # CSRF token and echoed email differ
        return page
    assert visible(wrong_password).replace(user.email, "") == visible(missing_email).replace(
        "nobody@example.cn", "")
    failures = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login.failure"))
    assert len(failures.all()) == 2


def test_post_without_csrf_token_is_refused(client, make_user):
    user = make_user()
    response = client.post("/account/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True) or "表单已过期" in \
        response.get_data(as_text=True)
    assert client.get("/org/").status_code == 302  # still not logged in


def test_session_renewed_on_login(client, make_user):
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    log_in(client, user)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{user.id}:{user.session_version}"


def test_session_cookie_flags(client, make_user):
    user = make_user()
    response = log_in(client, user)
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookie_in_production(monkeypatch):
    from market import create_app
    from market.config import ProdConfig
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    app = create_app(ProdConfig, SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI="sqlite://",
                     PUBLIC_URL="https://ipmarket.example.cn")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_to_start_without_secret_key():
    from market import create_app
    from market.config import ProdConfig
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProdConfig, SECRET_KEY=None, SQLALCHEMY_DATABASE_URI="sqlite://")


def test_change_password_logs_out_other_sessions(app, make_user):
    user = make_user()
    first, second = app.test_client(), app.test_client()
    log_in(first, user)
    log_in(second, user)
    response = post_form(first, "/account/password", {
        "current_password": PASSWORD, "password": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert response.status_code == 302
    assert first.get("/org/").status_code == 302 and "/org/" in first.get("/org/").headers["Location"]
    assert "/account/login" in second.get("/org/").headers["Location"]


def test_change_password_wrong_current(client, make_user):
    user = make_user()
    log_in(client, user)
    response = post_form(client, "/account/password", {
        "current_password": "wrong wrong wrong", "password": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert response.status_code == 422
    assert 'id="current_password-error"' in response.get_data(as_text=True)


def test_password_reset_flow(client, make_user, caplog):
    user = make_user()
    caplog.set_level("INFO", logger="market.mail")
    response = post_form(client, "/account/reset", {"email": user.email})
    assert response.status_code == 302
    link = re.search(r"http://localhost(/account/reset/\S+)", caplog.text).group(1)
    response = post_form(client, link, {"password": "reset passphrase 2026",
                                        "confirm": "reset passphrase 2026"})
    assert response.status_code == 302
    log_in(client, user, password="reset passphrase 2026")
    # The link works once: the password change invalidated it.
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/")})
    assert "/account/reset" in client.get(link).headers["Location"]


def test_reset_for_unknown_email_looks_the_same(client, make_user):
    make_user(email="known@example.cn")
    known = post_form(client, "/account/reset", {"email": "known@example.cn"})
    unknown = post_form(client, "/account/reset", {"email": "unknown@example.cn"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]


def test_expired_reset_token_refused(app, make_user):
    user = make_user()
    token = accounts.reset_token(user)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    assert accounts.user_for_reset_token(token) is None
    assert accounts.user_for_reset_token("garbage") is None


def test_login_rate_limited(make_app):
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    statuses = [post_form(client, "/account/login",
                          {"email": "x@example.cn", "password": "wrong password!!"}).status_code
                for _ in range(12)]
    assert statuses[0] == 422
    assert statuses[-1] == 429


def test_logout(client, make_user):
    user = make_user()
    log_in(client, user)
    response = client.post("/account/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert "/account/login" in client.get("/org/").headers["Location"]


def test_centre_user_created_by_cli(runner):
    result = runner.invoke(args=["users", "create-centre", "boss@centre.cn",
                                 "--password", "centre passphrase 2026"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "boss@centre.cn"))
    assert user.is_centre and user.is_org_admin
    result = runner.invoke(args=["users", "create-centre", "second@centre.cn",
                                 "--password", "centre passphrase 2026"])
    assert result.exit_code == 0
    second = db.session.scalar(select(User).where(User.email == "second@centre.cn"))
    assert second.org_id == user.org_id and not second.is_org_admin


def test_centre_kind_cannot_self_register(client):
    response = post_form(client, "/account/register", registration(kind="centre"))
    assert response.status_code == 422
