"""The Alembic migrations build exactly the models' schema, on SQLite and PostgreSQL."""
from contextlib import contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from market import create_app
from market.config import TestConfig
from market.extensions import db

pytestmark = pytest.mark.db


@contextmanager
def app_at(database_url: str, tmp_path, revision: str):
    """An app context on ``database_url`` migrated up to ``revision``."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url,
                     SEARCH_INDEX_DIR=str(tmp_path / "index"))
    with app.app_context():
        upgrade(revision=revision)
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.fixture()
def empty_database_url(database_url, tmp_path):
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    name = f"{url.database}_migrations"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_matches_models_and_downgrade_works(empty_database_url, tmp_path):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_url,
                     SEARCH_INDEX_DIR=str(tmp_path / "index"))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert not [t for t in db.inspect(conn).get_table_names() if t != "alembic_version"]
        db.session.remove()
        db.engine.dispose()
