"""Append-only tables: rows are inserted, never updated or deleted.

Two guards, because either alone can be bypassed: the ORM refuses to flush a change or a
delete of a protected row, or to run an UPDATE/DELETE statement against its table; the
database refuses it too, with triggers (``append_only_ddl``) created with the table by
``create_all`` and by the Alembic revision. SQLite's DELETE trigger is left to the
revision: the test suite empties its tables with DELETE between tests (PostgreSQL's
TRUNCATE fires no row trigger, so there both triggers come with the table).
"""
from __future__ import annotations

from sqlalchemy import DDL, event
from sqlalchemy.orm import ORMExecuteState, Session

PROTECTED: set[str] = set()

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION market_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql
"""


class AppendOnlyViolation(RuntimeError):
    """Something tried to change or delete a row of an append-only table."""


def sqlite_trigger(table: str, operation: str) -> str:
    return (f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")


def pg_trigger(table: str) -> str:
    return (f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION market_append_only()")


def protect(table) -> None:
    """Make ``table`` append-only (call once per table, at import)."""
    PROTECTED.add(table.name)
    # DDL formats its text with %: the function's own % is escaped
    event.listen(table, "after_create", DDL(PG_FUNCTION.replace("%", "%%"))
                 .execute_if(dialect="postgresql"))
    event.listen(table, "after_create", DDL(pg_trigger(table.name))
                 .execute_if(dialect="postgresql"))
    event.listen(table, "after_create", DDL(sqlite_trigger(table.name, "UPDATE"))
                 .execute_if(dialect="sqlite"))


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        table = getattr(obj, "__table__", None)
        if table is None or table.name not in PROTECTED:
            continue
        if obj in session.deleted or session.is_modified(obj, include_collections=False):
            raise AppendOnlyViolation(f"{table.name} is append-only")


@event.listens_for(Session, "do_orm_execute")
def _refuse_statements(state: ORMExecuteState) -> None:
    if state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table is not None and table.name in PROTECTED:
            raise AppendOnlyViolation(f"{table.name} is append-only")
