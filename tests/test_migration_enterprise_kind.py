"""The larger-enterprise kind needs no revision: ``organisation.kind`` and the ledger's
``licensee_kind`` are plain VARCHAR(20) columns with no CHECK (``enum_column`` stores values,
``native_enum=False``), as for 'agency' before. The schema the migrations build takes an
enterprise on both databases beside the kinds written before, and the ledger has room for
the taker's kind (``licensee_kind``, filled at conclusion; ``licensee_is_sme`` false)."""
import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from market import create_app
from market.config import TestConfig
from market.extensions import db
from market.models import Organisation, OrgKind

from .test_migration_terms_by_kind import _insert
from .test_migrations import empty_database_url  # noqa: F401  (the fixture)

pytestmark = pytest.mark.db


def _checks_naming(conn, table: str, column: str) -> list:
    return [c for c in sa.inspect(conn).get_check_constraints(table)
            if column in (c.get("sqltext") or "")]


def test_the_migrated_schema_stores_an_enterprise(empty_database_url, tmp_path):  # noqa: F811
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_url,
                     SEARCH_INDEX_DIR=str(tmp_path / "index"))
    with app.app_context():
        upgrade()
        meta = sa.MetaData()
        with db.engine.begin() as conn:
            meta.reflect(conn)
            assert not _checks_naming(conn, "organisation", "kind")  # nothing to widen
            for org_id, kind in ((1, "university"), (2, "sme"), (3, "enterprise")):
                _insert(conn, meta.tables["organisation"], id=org_id, kind=kind,
                        credit_code=f"CODE{org_id}", status="verified")
            licensee_kind = next(c for c in sa.inspect(conn).get_columns("ledger_entry")
                                 if c["name"] == "licensee_kind")
            assert licensee_kind["type"].length >= len("enterprise")
            assert not _checks_naming(conn, "ledger_entry", "licensee_kind")
        kinds = dict(db.session.execute(sa.select(Organisation.id, Organisation.kind)).all())
        assert kinds == {1: OrgKind.UNIVERSITY, 2: OrgKind.SME, 3: OrgKind.ENTERPRISE}
        db.session.remove()
        db.engine.dispose()
