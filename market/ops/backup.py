"""Backup and restore of the database (the commands are ``market/commands/backup.py``).

SQLite: the online backup API (a consistent copy while the site runs). PostgreSQL:
``pg_dump --format=custom`` and ``pg_restore --clean --if-exists --no-owner`` in one
transaction, with the connection parts of DATABASE_URL passed in the environment (the
password never appears on a command line). A restore is followed by a rebuild of this
server's search index; other servers must run ``flask search reindex`` too.
"""
from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess  # nosec B404
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from sqlalchemy.engine import URL, make_url

from ..extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(click.ClickException):
    """A backup or restore that cannot be done (the message says why)."""


def create_backup(output: Path | None = None) -> Path:
    """Back up the app's database to ``output`` (or a timestamped file); returns the path."""
    url = database_url()
    kind = _kind(url)
    source = _sqlite_file(url) if kind == "sqlite" else None
    output = output or _default_path(".sqlite" if kind == "sqlite" else ".dump")
    output.parent.mkdir(parents=True, exist_ok=True)
    if source is not None:
        _sqlite_backup(source, output)
    else:
        _run([_pg_tool("pg_dump"), "--format=custom", "--no-password", "--file", str(output)],
             url)
    return output


def restore_backup(path: Path) -> None:
    """Replace the database's content with the backup at ``path``. Raises BackupError."""
    url = database_url()
    kind = _kind(url)
    with open(path, "rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    expected = SQLITE_MAGIC if kind == "sqlite" else PGDUMP_MAGIC
    if not head.startswith(expected):
        raise BackupError(f"{path} is not a {kind} backup of the kind `flask backup create` "
                          f"writes for this database")
    db.session.remove()
    db.engine.dispose()  # no pooled connection keeps the old content open
    if kind == "sqlite":
        _sqlite_restore(path, _sqlite_file(url))
    else:
        _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
              "--single-transaction", "--no-password", "--dbname", url.database or "",
              str(path)], url)
    db.engine.dispose()


# --- SQLite ---------------------------------------------------------------------------

def _sqlite_backup(source: Path, output: Path) -> None:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(output)
    try:
        src.execute("PRAGMA busy_timeout=10000")
        src.backup(dst)
        # a standalone file: no -wal beside it is needed to read it
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()


def _sqlite_restore(backup: Path, target: Path) -> None:
    src = sqlite3.connect(backup)
    try:
        if src.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"{backup} is damaged (PRAGMA quick_check failed)")
        dst = sqlite3.connect(target)
        try:
            dst.execute("PRAGMA busy_timeout=10000")
            src.backup(dst)  # page by page under the write lock: readers see old or new
        finally:
            dst.close()
    finally:
        src.close()


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:" or url.database.startswith("file::memory:"):
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


# --- PostgreSQL -----------------------------------------------------------------------

def _pg_tool(name: str) -> str:
    """``pg_dump``/``pg_restore`` from PATH, else the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(Path(p).parent.parent.name)
                        if Path(p).parent.parent.name.isdigit() else 0)
    if not candidates:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools")
    return candidates[-1]


def _pg_env(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    parts = {"PGHOST": url.host or url.query.get("host"), "PGPORT": url.port,
             "PGUSER": url.username, "PGPASSWORD": url.password, "PGDATABASE": url.database,
             "PGSSLMODE": url.query.get("sslmode")}
    env.update({key: str(value) for key, value in parts.items() if value})
    return env


def _run(args: list[str], url: URL) -> None:
    # a fixed argument list (pg_dump/pg_restore, options, paths), no shell
    result = subprocess.run(args, env=_pg_env(url), capture_output=True, text=True, check=False)  # noqa: S603  # nosec
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed ({result.returncode}): "
                          f"{result.stderr.strip()[-2000:]}")


# --- helpers --------------------------------------------------------------------------

def database_url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _kind(url: URL) -> str:
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"backups of {backend} databases are not supported")
    return backend


def _default_path(suffix: str) -> Path:
    folder = Path(current_app.instance_path) / "backups"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path, n = folder / f"market-{stamp}{suffix}", 1
    while path.exists():
        path, n = folder / f"market-{stamp}-{n}{suffix}", n + 1
    return path
