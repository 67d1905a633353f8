"""Migrations upgrade a database that holds data, not only an empty one: on SQLite a batch
migration rebuilds a table other rows point at (here revision b5d1f3a7c9e4 rebuilds
``payment_schedule_item``, which payments reference), which fails while foreign keys are
enforced; ``migrations/env.py`` turns them off for the migration and checks them after."""
import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from market.extensions import db

from .test_migration_terms_by_kind import _insert
from .test_migrations import app_at, empty_database_url  # noqa: F401  (the fixture)

pytestmark = pytest.mark.db
BEFORE = "c4e8a2f6b0d3"


def test_a_table_other_rows_point_at_is_rebuilt_with_its_rows(empty_database_url, tmp_path):  # noqa: F811
    with app_at(empty_database_url, tmp_path, BEFORE):
        meta = sa.MetaData()
        with db.engine.begin() as conn:
            meta.reflect(conn)
            t = meta.tables
            for org_id, kind in ((1, "university"), (2, "sme")):
                _insert(conn, t["organisation"], id=org_id, kind=kind,
                        credit_code=f"CODE{org_id}", status="verified")
            _insert(conn, t["patent"], id=1, owner_org_id=1, application_number="2017106018625")
            _insert(conn, t["offer"], id=1, patent_id=1)
            _insert(conn, t["deal"], id=1, patent_id=1, offer_id=1, licensor_org_id=1,
                    licensee_org_id=2)
            _insert(conn, t["payment_schedule_item"], id=1, deal_id=1, amount_fen=1_000_000,
                    reference="SYIP-P-00000101")
            _insert(conn, t["payment"], id=1, schedule_item_id=1, deal_id=1,
                    amount_fen=1_000_000)
        db.engine.dispose()  # a new connection, as a later `flask db upgrade` opens
        with db.engine.connect() as conn:
            enforced = conn.exec_driver_sql("PRAGMA foreign_keys").scalar() \
                if conn.dialect.name == "sqlite" else 1
        assert enforced == 1  # the app's connections enforce foreign keys
        upgrade()
        with db.engine.begin() as conn:
            assert conn.execute(sa.text("SELECT id, amount_fen, payer_org_id FROM "
                                        "payment_schedule_item")).all() == [(1, 1_000_000, None)]
            assert conn.execute(sa.text("SELECT schedule_item_id FROM payment")).all() == [(1,)]
