"""The pledge revision links the pledges already recorded to the platform patents they name,
on SQLite and PostgreSQL."""
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from market import create_app
from market.config import TestConfig
from market.extensions import db

from ..test_migrations import empty_database_url  # noqa: F401  (a fixture)

pytestmark = pytest.mark.db
BEFORE = "c5d8e1f3a7b9"


def _dummy(column):
    kind = column.type
    if isinstance(kind, sa.Enum):
        return kind.enums[0]
    if isinstance(kind, sa.JSON):
        return []
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.DateTime):
        return datetime(2024, 1, 1, tzinfo=UTC)
    if isinstance(kind, sa.Date):
        return date(2024, 1, 1)
    if isinstance(kind, sa.Integer | sa.Numeric):
        return 0
    return "x"


def _insert(conn, table_name, **values):
    """A row of ``table_name`` with ``values``, every other required column filled, so the test
    keeps working when other revisions add columns."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=conn)
    for column in table.columns:
        if column.name not in values and not column.nullable and not column.primary_key \
                and column.server_default is None:
            values[column.name] = _dummy(column)
    return conn.execute(table.insert().values(**values).returning(table.c.id)).scalar_one()


def test_existing_pledges_are_linked_to_platform_patents(empty_database_url, tmp_path):  # noqa: F811
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_url,
                     SEARCH_INDEX_DIR=str(tmp_path / "index"))
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            org = _insert(conn, "organisation", name="东北大学", credit_code="X" * 18)
            patent = _insert(conn, "patent", owner_org_id=org, application_number="201710601862.3")
            _insert(conn, "patent", owner_org_id=org, application_number="97101765.4")
            pledge = _insert(conn, "pledge_deal", pledgor_name="东北大学", bank="盛京银行",
                             application_numbers=["201710601862.3", "95115608.X"],
                             patent_count=2, amount_fen=100, currency="CNY",
                             pledged_on=date(2024, 3, 31), source="csv")
        upgrade()
        with db.engine.connect() as conn:
            links = conn.execute(sa.text("SELECT pledge_id, patent_id FROM pledged_patent")).all()
            row = conn.execute(sa.text("SELECT trademark_numbers, trademark_count, released_on "
                                       "FROM pledge_deal")).one()
        assert [tuple(link) for link in links] == [(pledge, patent)]
        assert (row.trademark_count, row.released_on) == (0, None)
        assert row.trademark_numbers in ([], "[]")
        db.session.remove()
        db.engine.dispose()
