"""The one commit of a request or CLI command, then the work that must follow it.

Side effects (email, search indexing) read their outbox tables after the commit, so they
never act on what the database does not hold.
"""
import logging
from collections.abc import Callable

from flask import Flask, current_app

from .extensions import db

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
