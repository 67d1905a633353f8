"""Migration d7b3e9a1c5f2 (terms by kind) keeps the money and terms of today's rows: offers
and deals written at c5d8e1f3a7b9 come out with the same figures, their royalties on net
sales (the only base there was), and the new check binds the caps to open licences only."""
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from market import create_app
from market.config import TestConfig
from market.extensions import db

from .test_migrations import empty_database_url  # noqa: F401  (the fixture)

pytestmark = pytest.mark.db

BEFORE, AFTER = "c5d8e1f3a7b9", "d7b3e9a1c5f2"
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
TERMS = ("upfront_fee_fen", "upfront_mode", "deferral_kind", "deferral_months", "royalty_bp",
         "royalty_threshold_fen", "min_annual_royalty_fen", "term_years", "territory",
         "field_of_use", "currency")
OFFERS = [  # an open licence at the old caps, a deferred licence, an assignment
    {"id": 1, "kind": "open_licence", "licence_kind": "non_exclusive", "upfront_mode": "waived",
     "upfront_fee_fen": 0, "royalty_bp": 2000, "royalty_threshold_fen": 100_000_000,
     "term_years": 5},
    {"id": 2, "kind": "licence", "licence_kind": "exclusive", "upfront_mode": "deferred",
     "deferral_kind": "months", "deferral_months": 12, "upfront_fee_fen": 2_000_000_000,
     "royalty_bp": 450, "min_annual_royalty_fen": 5_000_000, "term_years": 8,
     "field_of_use": "汽车零部件"},
    {"id": 3, "kind": "assignment", "upfront_fee_fen": 0, "asking_price_fen": 80_000_000},
]


def _filler(column: sa.Column):
    """A value for a required column the test does not care about."""
    kind = column.type.python_type if not isinstance(column.type, sa.JSON) else list
    return {int: 1, str: "x", bool: False, date: date(2020, 1, 1), datetime: NOW,
            list: [], dict: {}, bytes: b"x"}.get(kind, "x")


def _insert(conn, table: sa.Table, **values):
    for column in table.columns:
        if column.name not in values and not column.nullable and column.server_default is None:
            values[column.name] = _filler(column)
    conn.execute(table.insert().values(**values))


def _seed(conn):
    meta = sa.MetaData()
    meta.reflect(conn)
    t = meta.tables
    for org_id, kind in ((1, "university"), (2, "sme")):
        _insert(conn, t["organisation"], id=org_id, kind=kind, credit_code=f"CODE{org_id}",
                status="verified")
    _insert(conn, t["patent"], id=1, owner_org_id=1, application_number="201710601862.3",
            patent_type="invention", legal_status="granted", status="published",
            ipc_codes=[])
    for offer in OFFERS:
        _insert(conn, t["offer"], **{"patent_id": 1, "active": True, "currency": "CNY",
                                     "territory": "中国大陆", "field_of_use": "",
                                     "royalty_threshold_fen": 0, "min_annual_royalty_fen": 0,
                                     "royalty_bp": 0, "term_years": 1, **offer})
    _insert(conn, t["deal"], id=1, patent_id=1, offer_id=2, kind="licence",
            licence_kind="exclusive", licensor_org_id=1, licensee_org_id=2, state="concluded",
            currency="CNY", upfront_fee_fen=2_000_000_000, upfront_mode="deferred",
            deferral_kind="months", deferral_months=12, royalty_bp=450,
            royalty_threshold_fen=0, min_annual_royalty_fen=5_000_000, term_years=8,
            territory="中国大陆", field_of_use="汽车零部件", version=1)


def _table(name: str, columns) -> sa.TableClause:
    return sa.table(name, sa.column("id"), *(sa.column(c) for c in columns))


def _rows(conn, table: str, columns) -> dict:
    t = _table(table, columns)
    query = sa.select(t.c.id, *(t.c[c] for c in columns)).order_by(t.c.id)
    return {r[0]: tuple(r[1:]) for r in conn.execute(query)}


def _update_offer(conn, offer_id: int, **values) -> None:
    t = _table("offer", values)
    conn.execute(sa.update(t).where(t.c.id == offer_id).values(**values))


def test_rows_of_todays_schema_keep_their_money_and_terms(empty_database_url, tmp_path):  # noqa: F811
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_url,
                     SEARCH_INDEX_DIR=str(tmp_path / "index"))
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            _seed(conn)
            offers_before = _rows(conn, "offer", (*TERMS, "kind", "asking_price_fen"))
            deal_before = _rows(conn, "deal", TERMS)
        upgrade(revision=AFTER)
        with db.engine.begin() as conn:
            assert _rows(conn, "offer", (*TERMS, "kind", "asking_price_fen")) == offers_before
            assert _rows(conn, "deal", TERMS) == deal_before
            assert {r[0] for r in _rows(conn, "offer", ("royalty_base",)).values()} == {
                "net_sales"}
            assert _rows(conn, "deal", ("royalty_base",)) == {1: ("net_sales",)}
            assert _rows(conn, "offer", ("declared_on", "cnipa_announcement_number")) == {
                1: (None, None), 2: (None, None), 3: (None, None)}
        # the new check: a negotiated licence is free (a fee past 32 bits, 45 % of profit) ...
        with db.engine.begin() as conn:
            _update_offer(conn, 2, upfront_fee_fen=2_500_000_000, royalty_base="profit",
                          royalty_bp=4500)
            assert _rows(conn, "offer", ("upfront_fee_fen",))[2] == (2_500_000_000,)
        # ... an open licence keeps the CNIPA caps
        for change in ({"royalty_bp": 2001}, {"upfront_fee_fen": 2_000_000_001},
                       {"royalty_base": "profit", "royalty_bp": 4001}):
            with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
                _update_offer(conn, 1, **change)
        with db.engine.begin() as conn:
            _update_offer(conn, 1, royalty_base="profit", royalty_bp=4000)
        db.session.remove()
        db.engine.dispose()
