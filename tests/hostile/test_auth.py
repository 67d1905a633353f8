"""Hostile probe, accounts and organisations (issue 12): F5 a cookie saved before log-out,
F6 log-in throttling per IP and per worker only, F8 guessable passwords, and a verified
organisation renaming itself without the centre."""
import io
import os
import re
import socket
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from pypdf import PdfReader
from sqlalchemy import func, select

from market.extensions import db
from market.models import LoginThrottle, OrgKind, User
from market.services import accounts, deals, orgs
from market.services.contracts import contract_pdf
from market.services.passwords import password_problems
from market.unit_of_work import commit

from ..conftest import log_in, post_form
from ..factories import PASSWORD, details_of, new_credit_code, sign_contract

ROOT = Path(__file__).resolve().parents[2]


# --- F5: log-out and password changes end every earlier cookie --------------------------

def _replay(app, cookie: str):
    """A new browser (same address and user agent) presenting a saved session cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other.get("/account/password")


def _saved_session(client, user) -> str:
    log_in(client, user)
    assert client.get("/account/password").status_code == 200
    return client.get_cookie("session").value


@pytest.mark.db
def test_a_cookie_saved_before_log_out_is_anonymous_after_it(app, client, make_user):
    user = make_user()
    saved = _saved_session(client, user)
    assert _replay(app, saved).status_code == 200  # the copy works while logged in
    post_form(client, "/account/logout", {}, token_from="/account/password")
    response = _replay(app, saved)
    assert response.status_code == 302 and "/account/login" in response.location


@pytest.mark.db
def test_a_log_out_on_one_device_ends_the_others(app, make_user):
    user = make_user()
    phone, laptop = app.test_client(), app.test_client()
    log_in(phone, user)
    log_in(laptop, user)
    post_form(phone, "/account/logout", {}, token_from="/account/password")
    assert laptop.get("/account/password").status_code == 302


@pytest.mark.db
@pytest.mark.parametrize("how", ["change", "reset"])
def test_a_cookie_saved_before_a_password_change_is_anonymous_after_it(app, client, make_user,
                                                                        how):
    user = make_user()
    saved = _saved_session(client, user)
    new = "a brand new passphrase"
    if how == "change":
        response = post_form(client, "/account/password", {
            "current_password": PASSWORD, "password": new, "confirm": new})
    else:
        token = accounts.reset_token(db.session.get(User, user.id))
        response = post_form(app.test_client(), f"/account/reset/{token}",
                             {"password": new, "confirm": new})
    assert response.status_code == 302
    assert _replay(app, saved).status_code == 302


# --- F6: log-in attempts counted per account, in the database ---------------------------

def _try(client, email, password, address):
    return post_form(client, "/account/login", {"email": email, "password": password},
                     environ_base={"REMOTE_ADDR": address})


@pytest.mark.db
@pytest.mark.parametrize("known", [True, False])
def test_one_account_tried_from_thirty_addresses_is_throttled(app, make_user, known):
    """60 wrong passwords from 30 addresses, then the right one: refused, with a message
    saying when to try again. An unknown email answers exactly the same (no enumeration)."""
    user = make_user()
    email = user.email if known else "nobody-here@example.cn"
    client = app.test_client()
    codes = [_try(client, email, "not the password, no", f"203.0.113.{i % 30 + 1}").status_code
             for i in range(60)]
    limit = app.config["LOGIN_ACCOUNT_MAX_ATTEMPTS"]
    assert codes == [422] * limit + [429] * (60 - limit)
    last = _try(client, email, PASSWORD, "198.51.100.7")
    assert last.status_code == 429
    page = last.get_data(as_text=True)
    assert 'id="password-error"' in page
    assert re.search(r"请 \d+ 分钟后再试", page)  # the Chinese page says when to try again
    assert client.get("/account/password").status_code == 302  # not logged in


@pytest.mark.db
def test_a_right_password_starts_the_count_afresh_and_a_reset_lifts_the_lock(app, make_user):
    user = make_user()
    client = app.test_client()
    limit = app.config["LOGIN_ACCOUNT_MAX_ATTEMPTS"]
    for _ in range(limit - 1):
        assert _try(client, user.email, "not the password, no", "203.0.113.1").status_code == 422
    log_in(client, user)
    assert db.session.scalar(select(func.count()).select_from(LoginThrottle)) == 0
    other = app.test_client()
    for _ in range(limit + 1):
        _try(other, user.email, "not the password, no", "203.0.113.2")
    token = accounts.reset_token(db.session.get(User, user.id))
    post_form(other, f"/account/reset/{token}", {"password": "reset passphrase 2026",
                                                 "confirm": "reset passphrase 2026"})
    log_in(other, user, password="reset passphrase 2026")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("TEST_DATABASE_URL", "MARKET_ENV", "RATELIMIT_STORAGE_URI",
                        "RATELIMIT_ENABLED", "WEB_CONCURRENCY")}
    return {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'workers.sqlite'}",
            "MARKET_INSTANCE": str(tmp_path / "instance"), "SEARCH_INDEX_DIR": str(tmp_path / "index"),
            "SECRET_KEY": "workers-test-key", "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore",
            "ACCESS_LOG": str(tmp_path / "access.log"), "LOG_LEVEL": "warning", **extra}


ADD_USER = textwrap.dedent("""
    from market.extensions import db
    from market.models import Membership, Organisation, OrgKind, OrgStatus, User
    from market.models.base import utcnow
    from market.services.passwords import hash_password
    from market.unit_of_work import commit
    from wsgi import app

    with app.app_context():
        org = Organisation(kind=OrgKind.SME, name="多进程测试公司", credit_code="{code}",
                           district="浑南区", address="沈阳市浑南区测试路1号", contact_name="联系人",
                           contact_phone="024-12345678", contact_email="workers@example.cn",
                           status=OrgStatus.VERIFIED, verified_at=utcnow())
        db.session.add_all([org, User(email="workers@example.cn", name="测试", org=org,
                                      password_hash=hash_password("{password}"),
                                      membership=Membership.ACTIVE, is_org_admin=True)])
        commit()
""")


@pytest.fixture()
def three_workers(tmp_path):
    """A real gunicorn, 3 workers (development settings, the per-IP limits in each worker's
    memory as in the probe), behind one proxy hop so X-Forwarded-For names the client."""
    port = _free_port()
    env = _server_env(tmp_path, BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="3", PROXY_HOPS="1")
    for args in (["-m", "flask", "--app", "wsgi", "db", "upgrade"],
                 ["-c", ADD_USER.format(code=new_credit_code(OrgKind.SME), password=PASSWORD)]):
        done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
    log = tmp_path / "server.log"
    with log.open("w") as err:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config",
                                   "gunicorn.conf.py"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=err)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if requests.get(f"{base}/healthz", timeout=30).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.25)
        else:
            pytest.fail(log.read_text()[-3000:])
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _login_over_http(base, email, password, address):
    session = requests.Session()
    headers = {"X-Forwarded-For": address}
    page = session.get(f"{base}/account/login", headers=headers, timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return session.post(f"{base}/account/login", headers=headers, allow_redirects=False,
                        timeout=30, data={"csrf_token": token, "email": email,
                                          "password": password}).status_code


@pytest.mark.slow
def test_the_account_throttle_holds_across_gunicorn_workers(three_workers):
    """60 wrong passwords from 30 addresses, six at a time, on 3 workers: 10 are judged
    (the default LOGIN_ACCOUNT_MAX_ATTEMPTS), the rest and then the right password refused."""
    tries = [("workers@example.cn", "not the password, no", f"203.0.113.{i % 30 + 1}")
             for i in range(60)]
    with ThreadPoolExecutor(6) as pool:
        codes = list(pool.map(lambda t: _login_over_http(three_workers, *t), tries))
    assert sorted(codes) == [422] * 10 + [429] * 50, codes
    assert _login_over_http(three_workers, "workers@example.cn", PASSWORD, "198.51.100.7") == 429


@pytest.mark.slow
def test_gunicorn_refuses_in_memory_rate_limits_with_several_production_workers(tmp_path):
    env = _server_env(tmp_path, BIND=f"127.0.0.1:{_free_port()}", WEB_CONCURRENCY="3",
                      MARKET_ENV="production")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    try:
        _, err = server.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        server.terminate()
        server.communicate(timeout=30)
        pytest.fail("gunicorn started 3 workers with RATELIMIT_STORAGE_URI=memory://")
    assert server.returncode == 1
    assert "RATELIMIT_STORAGE_URI" in err and "redis://" in err


def test_the_storage_rule_of_gunicorn_conf():
    import runpy
    problem = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["rate_limit_storage_problem"]
    production = {"MARKET_ENV": "production"}
    assert problem(production, 4)
    assert problem({**production, "RATELIMIT_STORAGE_URI": "memory://"}, 2)
    assert problem(production, 1) is None
    assert problem({**production, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}, 4) is None
    assert problem({**production, "RATELIMIT_ENABLED": "0"}, 4) is None
    assert problem({}, 4) is None  # development: the audit's throwaway instance


# --- F8: guessable passwords ------------------------------------------------------------

WEAK = ["123456789012", "aaaaaaaaaaaa", "qwertyuiopas", "abcdefghijkl", "1qaz2wsx3edc",
        "19900101abcd", "P@ssw0rd1234", "shenyang2026", "shenyangipmarket", "wangxiaoming88"]


def _registration(password):
    return {"kind": "sme", "sme_size": "small", "name": "沈阳测试科技有限公司",
            "credit_code": new_credit_code(), "district": "浑南区", "address": "沈阳市浑南区1号",
            "contact_name": "王小明", "contact_phone": "024-1", "contact_email": "wang@example.cn",
            "user_name": "王小明", "email": "wangxiaoming@example.cn", "password": password,
            "confirm": password}


@pytest.mark.db
@pytest.mark.parametrize("password", WEAK)
def test_registration_refuses_a_guessable_password(client, password):
    response = post_form(client, "/account/register?lang=en", _registration(password))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="password-error"' in page
    assert re.search(r"too common|simple pattern|too easy to guess", page), page[-2000:]
    assert db.session.scalar(select(User)) is None


@pytest.mark.db
def test_change_and_reset_use_the_same_policy(app, client, make_user):
    user = make_user()
    log_in(client, user)
    response = post_form(client, "/account/password", {
        "current_password": PASSWORD, "password": "qwertyuiopas", "confirm": "qwertyuiopas"})
    assert response.status_code == 422 and 'id="password-error"' in response.get_data(as_text=True)
    token = accounts.reset_token(db.session.get(User, user.id))
    response = post_form(app.test_client(), f"/account/reset/{token}",
                         {"password": "aaaaaaaaaaaa", "confirm": "aaaaaaaaaaaa"})
    assert response.status_code == 422 and 'id="password-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize("password", [
    "shenyang-demo-2026", PASSWORD, "a very long demo passphrase", "a long enough passphrase",
    "a brand new passphrase", "reset passphrase 2026", "centre passphrase 2026",
    "青山绿水 shenyang 2026"])
def test_the_passwords_people_are_told_to_use_are_accepted(app, password):
    assert password_problems(password, ["user1@example.cn", "测试用户", "测试机构1"]) == []


def test_a_password_made_of_ones_own_name_is_refused(app):
    assert password_problems("zhangweizhangwei", ["zhangwei@example.cn"])


# --- a verified organisation's rename goes back to the centre ---------------------------

def _profile(org, **changes):
    return {"name": org.name, "credit_code": org.credit_code, "district": org.district,
            "address": org.address, "contact_name": org.contact_name,
            "contact_phone": org.contact_phone, "contact_email": org.contact_email,
            "sme_size": "small", **changes}


def _contract_text(deal) -> str:
    reader = PdfReader(io.BytesIO(contract_pdf(deal)))
    return "".join(page.extract_text() for page in reader.pages)


@pytest.mark.db
def test_a_verified_rename_waits_for_the_centre(app, client, make_user, make_listing):
    sme = make_user(kind=OrgKind.SME, name="沈阳老名字科技有限公司")
    uni = make_user(kind=OrgKind.UNIVERSITY, name="沈阳测试大学")
    deal = deals.take_open(sme, make_listing(uni.org).offers[0], details_of(sme))
    sign_contract(deal, sme)
    commit()
    old_code, new_code = sme.org.credit_code, new_credit_code()
    log_in(client, sme)
    response = post_form(client, f"/org/{sme.org_id}/edit",
                         _profile(sme.org, name="沈阳新名字科技有限公司", credit_code=new_code))
    assert response.status_code == 302
    db.session.expire_all()
    org = sme.org
    assert (org.name, org.credit_code) == ("沈阳老名字科技有限公司", old_code)
    assert org.is_verified
    public = app.test_client().get(f"/org/{org.id}").get_data(as_text=True)
    assert "沈阳老名字科技有限公司" in public and "沈阳新名字科技有限公司" not in public

    centre = make_user(kind=OrgKind.CENTRE)
    desk = app.test_client()
    log_in(desk, centre)
    queue = desk.get("/centre/verification").get_data(as_text=True)
    assert "沈阳老名字科技有限公司" in queue and "沈阳新名字科技有限公司" in queue
    assert old_code in queue and new_code in queue
    post_form(desk, f"/centre/verification/{org.id}/change/approve", {},
              token_from="/centre/verification")
    db.session.expire_all()
    assert (org.name, org.credit_code, org.pending_name) == ("沈阳新名字科技有限公司", new_code, None)
    # the contract concluded before keeps the names it was concluded under
    text = _contract_text(db.session.get(type(deal), deal.id))
    assert "沈阳老名字科技有限公司" in text and old_code in text
    assert "沈阳新名字科技有限公司" not in text and new_code not in text


@pytest.mark.db
def test_the_centre_refuses_a_rename(app, make_user):
    sme = make_user(kind=OrgKind.SME, name="沈阳老名字科技有限公司")
    centre = make_user(kind=OrgKind.CENTRE)
    orgs.update_profile(sme, sme.org, {"name": "沈阳冒名科技有限公司"})
    commit()
    desk = app.test_client()
    log_in(desk, centre)
    assert post_form(desk, f"/centre/verification/{sme.org_id}/change/refuse",
                     {"reason": "名称与营业执照不符"}, token_from="/centre/verification"
                     ).status_code == 302
    db.session.expire_all()
    assert (sme.org.name, sme.org.pending_name) == ("沈阳老名字科技有限公司", None)


@pytest.mark.db
def test_a_credit_code_another_organisation_holds_is_refused(app, make_user):
    sme, other = make_user(kind=OrgKind.SME), make_user(kind=OrgKind.SME)
    with pytest.raises(orgs.ServiceError):
        orgs.update_profile(sme, sme.org, {"credit_code": other.org.credit_code})
