"""Fixtures shared by every test: app, client, runner, factories and ``login_as(role)``.

The database is a real one: a SQLite file in a temporary folder, or PostgreSQL when
``TEST_DATABASE_URL`` names one (CI runs the ``db`` tests a second time that way).
"""
import os
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, text

from market import create_app
from market.config import TestConfig
from market.extensions import db
from market.models import OrgKind, OrgStatus

from . import factories
from .factories import PASSWORD


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url,
                     SEARCH_INDEX_DIR=str(tmp_path_factory.mktemp("index")))
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (own ``g`` and database session), as in
    production, even though the test itself holds one open."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture()
def app(_schema, database_url, tmp_path):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url,
                     SEARCH_INDEX_DIR=str(tmp_path / "index"))
    app.test_client_class = FreshContextClient
    with app.app_context():
        yield app
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


@pytest.fixture()
def make_app(database_url, tmp_path):
    """Another app on the test database with config overrides; its engine is disposed after."""
    made = []

    def make(**overrides):
        extra = create_app(TestConfig, **{"SQLALCHEMY_DATABASE_URI": database_url,
                                          "SEARCH_INDEX_DIR": str(tmp_path / "index2"),
                                          **overrides})
        extra.test_client_class = FreshContextClient
        made.append(extra)
        return extra
    yield make
    for extra in made:
        with extra.app_context():
            db.session.remove()
            db.engine.dispose()


def _empty_tables():
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


def _committing(factory):
    """``factory`` of tests/factories.py on the test's session, committing what it made."""
    def make(*args, **fields):
        made = factory(db.session, *args, **fields)
        db.session.commit()
        return made
    return make


@pytest.fixture()
def make_org(app):
    """``make_org(kind=SME, status=VERIFIED, **fields)``: a committed organisation."""
    return _committing(factories.make_org)


@pytest.fixture()
def make_user(app):
    """``make_user(org=None, **fields)``: a committed user who logs in with ``PASSWORD``."""
    return _committing(factories.make_user)


@pytest.fixture()
def make_listing(app):
    """``make_listing(owner=None, offers=None, **fields)``: a committed, published, granted
    patent (default owner: a new university; default offer: one free open licence)."""
    return _committing(factories.make_listing)


@pytest.fixture()
def university(make_user):
    return make_user(kind=OrgKind.UNIVERSITY, name="东北大学")


@pytest.fixture()
def sme(make_user):
    return make_user(kind=OrgKind.SME, name="沈阳浑南测试科技有限公司")


@pytest.fixture()
def centre(make_user):
    return make_user(kind=OrgKind.CENTRE)


def csrf_token(client, url="/account/login") -> str:
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def post_form(client, url, data, *, token_from=None, **kwargs):
    """POST a form the way a browser does, with the CSRF token of the page it came from."""
    return client.post(url, data={"csrf_token": csrf_token(client, token_from or url), **data},
                       **kwargs)


def log_in(client, user, password=PASSWORD):
    response = post_form(client, "/account/login", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


ROLES = {
    "pending_sme": dict(kind=OrgKind.SME, status=OrgStatus.PENDING),
    "sme": dict(kind=OrgKind.SME),
    "university": dict(kind=OrgKind.UNIVERSITY),
    "institute": dict(kind=OrgKind.INSTITUTE),
    "centre": dict(kind=OrgKind.CENTRE),
}


@pytest.fixture()
def login_as(client, make_user):
    """``login_as("sme")`` creates a user of that role, logs the client in, returns the user."""
    def login(role: str, **kwargs):
        user = make_user(**{**ROLES[role], **kwargs})
        log_in(client, user)
        return user
    return login


def dump_tables() -> dict:
    """Every row of every table, to show that a request (a refused one, a replayed webhook)
    changed nothing: compare two of these."""
    db.session.expire_all()
    with db.engine.connect() as conn:
        return {table.name: [tuple(row) for row in conn.execute(
                    select(table).order_by(*table.primary_key.columns))]
                for table in db.metadata.sorted_tables}


@pytest.fixture(autouse=True)
def _no_mail_worker_outlives_its_test():
    """A mail worker left running keeps polling a database the next tests drop (and logs
    from its thread while they run): a test that starts one stops it."""
    yield
    import threading
    alive = [t for t in threading.enumerate() if t.name == "mail-outbox" and t.is_alive()]
    assert not alive, "a mail-outbox worker thread outlived the test; stop it (worker(app).stop())"
