"""The pragmas of every SQLite connection: WAL, foreign keys, and when a commit is synced
(SQLITE_SYNCHRONOUS: NORMAL by default, FULL or EXTRA on request, OFF refused)."""
import pytest
from sqlalchemy import text

from market import create_app
from market.config import TestConfig
from market.extensions import db

SYNCHRONOUS = {1: "NORMAL", 2: "FULL", 3: "EXTRA"}  # what PRAGMA synchronous answers


def pragmas(app) -> dict:
    with app.app_context():
        with db.engine.connect() as conn:
            return {name: conn.execute(text(f"PRAGMA {name}")).scalar()
                    for name in ("journal_mode", "synchronous", "foreign_keys")}


@pytest.mark.parametrize("level", [None, "FULL", "extra"])
def test_each_connection_is_wal_with_the_configured_sync(make_app, tmp_path, level):
    overrides = {} if level is None else {"SQLITE_SYNCHRONOUS": level}
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.sqlite'}", **overrides)
    found = pragmas(app)
    assert found["journal_mode"] == "wal"
    assert found["foreign_keys"] == 1
    assert SYNCHRONOUS[found["synchronous"]] == (level or "NORMAL").upper()


@pytest.mark.parametrize("level", ["OFF", "0", "fast"])
def test_a_sync_level_that_could_lose_commits_is_refused(tmp_path, level):
    with pytest.raises(RuntimeError, match="SQLITE_SYNCHRONOUS"):
        create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.sqlite'}",
                   SQLITE_SYNCHRONOUS=level)
