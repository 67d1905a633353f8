"""Fixtures shared by every test: app, client, runner, factories and ``login_as(role)``.

The database is a real one: a SQLite file in a temporary folder, or PostgreSQL when
``TEST_DATABASE_URL`` names one (CI runs the ``db`` tests a second time that way).
"""
import itertools
import os
import re
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, text
from stdnum.cn import uscc

from market import create_app
from market.config import TestConfig
from market.domain.patent_numbers import check_character
from market.extensions import db
from market.models import (
    LegalStatus,
    LicenceKind,
    ListingStatus,
    Membership,
    Offer,
    OfferKind,
    Organisation,
    OrgKind,
    OrgStatus,
    Patent,
    PatentType,
    SmeSize,
    User,
)
from market.models.base import utcnow
from market.services.passwords import hash_password

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


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


def new_credit_code(kind: OrgKind = OrgKind.SME) -> str:
    body = ("91" if kind == OrgKind.SME else "12") + f"210100MA1{next(_seq):06d}"
    return body + uscc.calc_check_digit(body)


@pytest.fixture()
def make_org(app):
    def make(kind: OrgKind = OrgKind.SME, status: OrgStatus = OrgStatus.VERIFIED, **fields):
        n = next(_seq)
        values = dict(kind=kind, name=f"测试机构{n}", credit_code=new_credit_code(kind),
                      district="浑南区", address=f"沈阳市浑南区测试路{n}号", contact_name="联系人",
                      contact_phone="024-12345678", contact_email=f"org{n}@example.cn",
                      sme_size=SmeSize.SMALL if kind == OrgKind.SME else None, status=status,
                      verified_at=utcnow() if status == OrgStatus.VERIFIED else None)
        values.update(fields)
        org = Organisation(**values)
        db.session.add(org)
        db.session.commit()
        return org
    return make


@pytest.fixture()
def make_user(make_org):
    def make(org=None, *, email=None, admin=True, membership=Membership.ACTIVE, **org_fields):
        org = org or make_org(**org_fields)
        user = User(email=email or f"user{next(_seq)}@example.cn", name="测试用户",
                    password_hash=hash_password(PASSWORD), org=org, is_org_admin=admin,
                    membership=membership)
        db.session.add(user)
        db.session.commit()
        return user
    return make


def new_application_number(year: int = 2019, type_digit: int = 1) -> str:
    digits = f"{year}{type_digit}{next(_seq):07d}"
    return f"{digits}.{check_character(digits)}"


@pytest.fixture()
def make_listing(make_org):
    """A published, granted patent of a university with the given offers (default: one
    free open licence). ``offers`` is a list of dicts of Offer fields."""
    def make(owner=None, *, offers=None, status=ListingStatus.PUBLISHED,
             legal_status=LegalStatus.GRANTED, **fields):
        owner = owner or make_org(kind=OrgKind.UNIVERSITY)
        filing = fields.pop("filing_date", date(2019, 3, 1))
        values = dict(
            owner_org_id=owner.id, application_number=new_application_number(filing.year),
            title=f"一种石墨烯复合材料的制备方法{next(_seq)}", abstract="本发明公开了一种石墨烯复合材料。",
            ipc_codes=["C01B 32/184"], patent_type=PatentType.INVENTION,
            legal_status=legal_status, filing_date=filing,
            grant_date=date(2021, 6, 1) if legal_status == LegalStatus.GRANTED else None,
            expiry_date=date(filing.year + 20, filing.month, filing.day), inventors="张三；李四",
            industry="new_materials", trl=5, keywords="石墨烯", status=status,
            published_at=utcnow() if status == ListingStatus.PUBLISHED else None)
        values.update(fields)
        patent = Patent(**values)
        for offer_fields in offers if offers is not None else [{"kind": OfferKind.OPEN_LICENCE}]:
            offer_fields = dict(offer_fields)
            if offer_fields["kind"] == OfferKind.OPEN_LICENCE:
                offer_fields.setdefault("licence_kind", LicenceKind.NON_EXCLUSIVE)
                offer_fields.setdefault("upfront_mode", "waived")
                offer_fields.setdefault("term_years", 3)
            patent.offers.append(Offer(**offer_fields))
        db.session.add(patent)
        db.session.commit()
        return patent
    return make


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
