"""Listing views, counted in each process and written in batches (the tally), so that a
popular listing does not make every visitor wait for a write. gunicorn.conf.py's
``worker_exit`` calls :func:`flush_views` so a worker that stops loses nothing it counted."""
from __future__ import annotations

import threading
import time
from collections import Counter

from flask import current_app
from sqlalchemy import update

from ..extensions import db
from ..models import Patent


class ViewTally:
    """Listing views counted in this process and written in batches: a popular listing must
    not make every visitor wait for a write (SQLite has one writer at a time; on PostgreSQL
    the visitors would queue on the listing's row). A batch is written after ``batch`` views
    or ``max_delay`` seconds, whichever comes first. A worker that stops writes what it has
    counted (:func:`flush_views`, from gunicorn.conf.py); a killed one loses that much."""

    def __init__(self, batch: int, max_delay: float):
        self.batch, self.max_delay = max(1, batch), max_delay
        self._counts: Counter[int] = Counter()
        self._lock = threading.Lock()
        self._since = time.monotonic()

    def add(self, patent_id: int) -> dict[int, int]:
        """Count one view; returns the views to write now (empty until a batch is due)."""
        with self._lock:
            self._counts[patent_id] += 1
            if self._counts.total() < self.batch and \
                    time.monotonic() - self._since < self.max_delay:
                return {}
        return self.drain()

    def drain(self) -> dict[int, int]:
        """Take every view counted so far."""
        with self._lock:
            due, self._counts = dict(self._counts), Counter()
            self._since = time.monotonic()
            return due


def _view_tally() -> ViewTally:
    config = current_app.config
    return current_app.extensions.setdefault("market.views", ViewTally(
        config.get("VIEW_COUNT_BATCH", 50), config.get("VIEW_COUNT_MAX_DELAY", 10.0)))


def _write_views(due: dict[int, int]) -> None:
    for patent_id, views in due.items():  # updated_at stays the owner's last change
        db.session.execute(update(Patent).where(Patent.id == patent_id)
                           .values(view_count=Patent.view_count + views,
                                   updated_at=Patent.updated_at)
                           .execution_options(synchronize_session=False))


def record_view(patent: Patent) -> bool:
    """Count a visitor's view of ``patent``. True when a batch of views was written to the
    session (the caller commits)."""
    due = _view_tally().add(patent.id)
    _write_views(due)
    return bool(due)


def flush_views() -> int:
    """Write the views this process counted and has not written yet, in their own
    transaction (a worker that exits calls it: gunicorn.conf.py). Returns how many."""
    due = _view_tally().drain()
    if due:
        _write_views(due)
        db.session.commit()
    return sum(due.values())
