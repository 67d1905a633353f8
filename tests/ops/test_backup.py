"""flask backup create / restore round trips on SQLite, and on PostgreSQL when the tests run
there (TEST_DATABASE_URL)."""
import shutil

import pytest
from sqlalchemy import func, select

from market.extensions import db
from market.models import Organisation
from market.ops import backup

# the SQLite-only tests below carry no db mark: the PostgreSQL run does not collect them


@pytest.fixture()
def file_app(make_app, database_url, tmp_path):
    """The test database when it is a file or a server; else (in-memory) a SQLite file."""
    if database_url in ("sqlite://", "sqlite:///:memory:"):
        database_url = f"sqlite:///{tmp_path / 'backup-test.sqlite'}"
    app = make_app(SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        db.create_all()
        yield app


def org_names():
    return sorted(db.session.scalars(select(Organisation.name)))


@pytest.mark.db
def test_round_trip(file_app, make_org, tmp_path):
    runner = file_app.test_cli_runner()
    make_org(name="备份前的机构")
    out = tmp_path / "out" / "market.backup"
    result = runner.invoke(args=["backup", "create", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and "backup written" in result.output

    make_org(name="备份后的机构")
    db.session.remove()
    assert "备份后的机构" in org_names()

    refused = runner.invoke(args=["backup", "restore", str(out)], input="n\n")
    assert refused.exit_code != 0 and "Aborted" in refused.output
    assert "备份后的机构" in org_names()

    result = runner.invoke(args=["backup", "restore", str(out), "--yes"])
    assert result.exit_code == 0, result.output
    assert "search index rebuilt" in result.output
    db.session.remove()
    assert "备份前的机构" in org_names() and "备份后的机构" not in org_names()


def test_default_file_is_timestamped_under_instance(file_app, monkeypatch, tmp_path):
    monkeypatch.setattr(file_app, "instance_path", str(tmp_path / "instance"))
    first = backup.create_backup()
    second = backup.create_backup()
    assert first.parent == tmp_path / "instance" / "backups"
    assert first.name.startswith("market-") and first.suffix == ".sqlite"
    assert first != second


def test_sqlite_backup_is_standalone(file_app, make_org, tmp_path):
    make_org(name="独立文件")
    out = backup.create_backup(tmp_path / "copy.sqlite")
    assert not (tmp_path / "copy.sqlite-wal").exists()
    import sqlite3
    with sqlite3.connect(out) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM organisation")]
    assert "独立文件" in names


@pytest.mark.db
def test_restore_refuses_a_foreign_file(file_app, tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a backup at all")
    result = file_app.test_cli_runner().invoke(args=["backup", "restore", str(junk), "--yes"])
    assert result.exit_code != 0 and "is not a" in result.output


@pytest.mark.db
def test_without_search_service_tells_to_reindex(file_app, tmp_path, monkeypatch):
    out = backup.create_backup(tmp_path / "x.backup")
    monkeypatch.delitem(file_app.extensions, "market.search")
    result = file_app.test_cli_runner().invoke(args=["backup", "restore", str(out), "--yes"])
    assert result.exit_code == 0, result.output
    assert "flask search reindex" in result.output


@pytest.mark.db
def test_in_memory_database_cannot_be_backed_up(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="sqlite://")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["backup", "create"])
    assert result.exit_code != 0 and "in-memory" in result.output


@pytest.mark.db
def test_pg_tools_found_off_path(monkeypatch):
    if not shutil.which("pg_dump") and not list(__import__("glob").glob(
            "/usr/lib/postgresql/*/bin/pg_dump")):
        pytest.skip("no PostgreSQL client tools on this machine")
    monkeypatch.setenv("PATH", "/nonexistent")
    assert backup._pg_tool("pg_dump").endswith("/pg_dump")


@pytest.mark.db
def test_pg_env_keeps_the_password_off_the_command_line():
    from sqlalchemy.engine import make_url
    env = backup._pg_env(make_url("postgresql+psycopg://u:s3cret@db.example:6543/market?sslmode=require"))
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGPASSWORD"], env["PGDATABASE"],
            env["PGSSLMODE"]) == ("db.example", "6543", "u", "s3cret", "market", "require")


@pytest.mark.db
def test_count_survives(file_app, make_org, tmp_path):
    for n in range(5):
        make_org(name=f"机构{n}")
    before = db.session.scalar(select(func.count()).select_from(Organisation))
    out = backup.create_backup(tmp_path / "n.backup")
    backup.restore_backup(out)
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == before
