"""SQLite transactions that queue for the write lock instead of failing with "locked".

pysqlite's own transaction handling starts a transaction only at the first INSERT/UPDATE/
DELETE, so the reads before it are not isolated, and SAVEPOINTs misbehave. SQLAlchemy's
documented recipe turns that off (``isolation_level = None``) and emits BEGIN itself.

Which BEGIN matters: a deferred transaction that has read and then wants to write while
another connection has committed meanwhile fails at once with "database is locked" (the
busy timeout cannot help: its snapshot is stale). ``BEGIN IMMEDIATE`` takes the write lock
first, so writers wait in turn for up to ``busy_timeout``. Whether a transaction will write
is not known in advance, so:

- a request with an unsafe method (POST, PUT, PATCH, DELETE), or code inside
  :func:`immediate_transactions`, starts with ``BEGIN IMMEDIATE``: read-modify-write is
  isolated and never fails on the lock (it waits);
- anything else (GET pages, CLI, tests) reads without holding a lock, as before, and the
  first write (or SAVEPOINT) opens ``BEGIN IMMEDIATE`` just before it. Readers never block
  writers and never hold the write lock during a page's rendering.

PostgreSQL is untouched.
"""
import contextlib
from contextvars import ContextVar

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
WRITE_KEYWORDS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT")
_immediate: ContextVar[bool] = ContextVar("market_sqlite_immediate", default=False)
_LOCKED_AT_BEGIN = "market.sqlite_locked_at_begin"  # Connection.info key


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


def _take_over_transactions(dbapi_connection, connection_record) -> None:
    """``connect``: stop pysqlite from emitting BEGIN (and COMMIT before DDL) itself."""
    if _is_sqlite(dbapi_connection):
        dbapi_connection.isolation_level = None


def _wants_immediate() -> bool:
    if _immediate.get():
        return True
    return has_request_context() and request.method not in SAFE_METHODS


def _begin(conn) -> None:
    """``begin``: a writing unit of work takes the write lock now; others wait (lazy)."""
    immediate = conn.dialect.name == "sqlite" and _wants_immediate()
    if immediate:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    conn.info[_LOCKED_AT_BEGIN] = immediate


def locked_since_begin(conn) -> bool:
    """Whether ``conn``'s transaction has held SQLite's write lock since it began (it began
    with ``BEGIN IMMEDIATE``): every read in it saw the latest commit, and no other writer
    can commit before it ends. Then a lock taken inside it would change nothing. False on
    PostgreSQL, and for a transaction that read before it wrote."""
    return conn.in_transaction() and conn.info.get(_LOCKED_AT_BEGIN, False)


def _begin_before_first_write(conn, cursor, statement, parameters, context, executemany) -> None:
    """``before_cursor_execute``: a lazy transaction opens BEGIN IMMEDIATE at its first write."""
    if conn.dialect.name != "sqlite" or conn.info.get(_LOCKED_AT_BEGIN):
        return  # (the cheap tests first: this runs before every statement)
    if not statement.lstrip()[:9].upper().startswith(WRITE_KEYWORDS):
        return
    if conn.in_transaction() and not conn.connection.dbapi_connection.in_transaction:
        cursor.execute("BEGIN IMMEDIATE")


@contextlib.contextmanager
def immediate_transactions():
    """Make the transactions begun inside start with BEGIN IMMEDIATE (outside requests:
    background jobs, CLI commands that read, then write)."""
    token = _immediate.set(True)
    try:
        yield
    finally:
        _immediate.reset(token)


def install() -> None:
    """Register the listeners on every engine (idempotent); SQLite connections only."""
    for name, listener in (("connect", _take_over_transactions), ("begin", _begin),
                           ("before_cursor_execute", _begin_before_first_write)):
        if not event.contains(Engine, name, listener):
            event.listen(Engine, name, listener)
