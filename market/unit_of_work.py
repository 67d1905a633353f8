"""The one commit of a request or CLI command, then the work that must follow it.

Side effects (email, search indexing) read their outbox tables after the commit, so they
never act on what the database does not hold. A hook may name the tables it follows: it
then runs only after a commit that inserted rows into one of them, so a commit that wrote
no listing change (a deal, a log-in) pays nothing for the search index.
"""
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask, current_app, flash
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from .extensions import db
from .services.errors import ServiceError

log = logging.getLogger("market")
_KEY = "market.after_commit"
_INSERTED = "market.inserted_tables"  # session.info: tables the transaction inserted into


def register_after_commit(app: Flask, func: Callable[[], object], *, first: bool = False,
                          tables: Iterable[str] | None = None) -> None:
    """Run ``func`` after every successful commit of a unit of work in ``app``; with
    ``tables`` (table names) only after a commit that inserted rows into one of them."""
    hooks = app.extensions.setdefault(_KEY, [])
    entry = _Hook(func, frozenset(tables) if tables is not None else None)
    if first:
        hooks.insert(0, entry)
    else:
        hooks.append(entry)


@dataclass(frozen=True)
class _Hook:
    func: Callable[[], object]
    tables: frozenset[str] | None  # None: after every commit

    def wanted(self, inserted: set[str]) -> bool:
        return self.tables is None or not self.tables.isdisjoint(inserted)

    def __call__(self) -> object:
        return self.func()


def commit() -> None:
    """Commit the session, then run the after-commit hooks (their failures are logged)."""
    db.session.flush()  # what the commit would flush, so its inserts are counted below
    inserted = set(db.session.info.get(_INSERTED, ()))
    db.session.commit()
    for hook in list(current_app.extensions.get(_KEY, [])):
        if not hook.wanted(inserted):
            continue
        try:
            hook()
        except Exception:  # the change is committed; the outbox is retried later
            db.session.rollback()
            log.exception("after-commit hook %s failed", getattr(hook.func, "__name__", hook))
            if current_app.config.get("TESTING"):
                raise


@dataclass
class Outcome:
    """What became of a unit of work: committed, or refused by a rule (``refusal``)."""

    committed: bool = False
    refusal: Exception | None = None


@contextmanager
def committing(on_refusal: Callable[[Exception], object] | None = None,
               refusals: tuple[type[Exception], ...] = (ServiceError,)) -> Iterator[Outcome]:
    """The service calls of a request, then its one commit.

    When the block raises one of ``refusals`` (a rule said no), nothing it did stays: the
    session rolls back, ``on_refusal(error)`` shows the error (it may abort), and the block's
    outcome says so. Otherwise the work commits (with its after-commit hooks). Other errors
    pass through untouched, to the request's own rollback. The view reads the outcome to
    answer: flash and redirect when committed, the form again (422) when refused.
    """
    outcome = Outcome()
    try:
        yield outcome
    except refusals as exc:
        db.session.rollback()
        outcome.refusal = exc
        if on_refusal is not None:
            on_refusal(exc)
        return
    commit()
    outcome.committed = True


def flash_refusal(error: ServiceError) -> None:
    """Show a refusal as an error message on the next page (for forms of one button)."""
    flash(str(error.message), "error")


# --- which tables a transaction inserted into ---------------------------------------------

@event.listens_for(Session, "after_flush")
def _note_flushed_inserts(session: Session, flush_context) -> None:
    if session.new:
        session.info.setdefault(_INSERTED, set()).update(
            obj.__table__.name for obj in session.new if hasattr(obj, "__table__"))


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_inserts(state: ORMExecuteState) -> None:
    """``session.execute(insert(Model), rows)`` bypasses the flush (bulk imports)."""
    if state.is_insert:
        table = getattr(state.statement, "table", None)
        if table is not None:
            state.session.info.setdefault(_INSERTED, set()).add(table.name)


@event.listens_for(Session, "after_transaction_end")
def _forget_inserts(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction: committed or rolled back
        session.info.pop(_INSERTED, None)
