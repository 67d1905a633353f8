"""The one commit of a request or CLI command, then the work that must follow it.

Side effects (email, search indexing) read their outbox tables after the commit, so they
never act on what the database does not hold.
"""
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask, current_app, flash

from .extensions import db
from .services.errors import ServiceError

log = logging.getLogger("market")
_KEY = "market.after_commit"


def register_after_commit(app: Flask, func: Callable[[], object], *, first: bool = False) -> None:
    """Run ``func`` after every successful commit of a unit of work in ``app``."""
    hooks = app.extensions.setdefault(_KEY, [])
    if first:
        hooks.insert(0, func)
    else:
        hooks.append(func)


def commit() -> None:
    """Commit the session, then run the after-commit hooks (their failures are logged)."""
    db.session.commit()
    for hook in current_app.extensions.get(_KEY, []):
        try:
            hook()
        except Exception:  # the change is committed; the outbox is retried later
            db.session.rollback()
            log.exception("after-commit hook %s failed", getattr(hook, "__name__", hook))
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
