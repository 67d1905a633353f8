"""The outbox's postman: tells deal events and delivers queued emails off the request, in
batches.

A commit that wrote a deal event or queued an email only wakes this worker (a thread of the
process, started at the process's first request or wake, so after a server forks its
workers). The worker waits ``MAIL_LINGER`` seconds for the emails of further commits, then
writes the inbox notices (and emails) of the deal events not told yet
(:func:`~market.services.deal_events.notify_pending`) and delivers everything pending in
transactions of up to :data:`~market.services.mail.DELIVERY_BATCH` messages. What the mail
server refuses is recorded per message by :mod:`market.services.mail` (retried with backoff,
or failed for the centre); a delivery that fails as a whole (the database) is logged and
retried after ``MAIL_RETRY_SECONDS``. The worker also looks every ``MAIL_POLL_SECONDS`` for
messages another process left unsent and for retries that became due. ``flask mail deliver``
(:func:`deliver_due`) does the same from a timer.

``MAIL_DELIVERY = "inline"`` delivers after each commit in the request instead (the tests,
where no thread may outlive a test).
"""
from __future__ import annotations

import atexit
import logging
import threading

from flask import Flask, current_app
from sqlalchemy.exc import OperationalError

from .extensions import db
from .models import DealEvent, OutboxEmail
from .services.deal_events import NOTICE_BATCH, notify_pending
from .services.mail import DELIVERY_BATCH, deliver_pending
from .sqlite_transactions import immediate_transactions
from .unit_of_work import register_after_commit

log = logging.getLogger("market.mail")
_KEY = "market.mail_worker"


class MailWorker:
    """One per app and process: a daemon thread that delivers the outbox when woken."""

    def __init__(self, app: Flask):
        self.app = app
        self.linger = float(app.config.get("MAIL_LINGER", 0.2))
        self.poll = float(app.config.get("MAIL_POLL_SECONDS", 60))
        self.retry = float(app.config.get("MAIL_RETRY_SECONDS", 30))
        self._woken, self._stopping = threading.Event(), threading.Event()
        self._progress = threading.Condition()
        self._wakes = self._wakes_done = 0  # wakes so far; wakes a finished delivery covered
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        """Ask for a delivery soon (after a commit that queued emails)."""
        with self._progress:
            self._wakes += 1
        self._woken.set()
        self.ensure_started()

    def ensure_started(self) -> None:
        """Start the thread if it is not running (its first pass delivers what an earlier
        process left unsent)."""
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                if self._thread is None:
                    atexit.register(self.deliver_before_exit)
                self._stopping.clear()
                self._thread = threading.Thread(target=self._run, name="mail-outbox",
                                                daemon=True)
                self._thread.start()

    def deliver_before_exit(self) -> None:
        """At the process's exit (a CLI command, a server worker stopping): stop the thread
        and deliver what the commits queued and it has not delivered yet."""
        self.stop(timeout=5)
        with self._progress:
            behind = self._wakes_done < self._wakes
        if behind:
            self.deliver_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until what the commits so far queued is delivered (bench, tests)."""
        with self._progress:
            wanted = self._wakes
            return self._progress.wait_for(lambda: self._wakes_done >= wanted, timeout)

    def stop(self, timeout: float = 10) -> None:
        """Stop the thread (what is still queued waits for another process, or a restart)."""
        atexit.unregister(self.deliver_before_exit)
        self._stopping.set()
        self._woken.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        delay = 0.0  # the first pass at once: messages left by a stopped process
        while not self._stopping.is_set():
            self._woken.wait(delay)
            if self._stopping.wait(self.linger):  # let a burst of commits gather
                break
            self._woken.clear()  # before reading the count: a later wake sets it again
            with self._progress:
                covered = self._wakes  # their commits happened before the delivery below
            delay = self.deliver_all()
            if delay is None:
                delay = self.poll
                with self._progress:
                    self._wakes_done = covered
                    self._progress.notify_all()

    def deliver_all(self) -> float | None:
        """Deliver every pending message. None when done, else the seconds to wait before
        trying again (sooner when SQLite was only busy than after a failure)."""
        try:
            with self.app.app_context(), immediate_transactions():
                tell_and_deliver()
            return None
        except OperationalError as exc:
            if "locked" not in str(exc.orig):
                log.exception("mail: delivery failed; retrying in %s s", self.retry)
                return self.retry
            # SQLite: writers kept the one write lock for the whole busy timeout (a stream of
            # requests). Not a fault: the next wake (or the retry) tries again.
            log.info("mail: database busy; delivery retried")
            return min(self.retry, 1.0)
        except Exception:  # noqa: BLE001 - the messages stay in the outbox for the retry
            log.exception("mail: delivery failed; retrying in %s s", self.retry)
            return self.retry


def worker(app: Flask) -> MailWorker:
    return app.extensions[_KEY]


def init_app(app: Flask) -> None:
    mail_worker = app.extensions[_KEY] = MailWorker(app)
    register_after_commit(app, _after_commit,
                          tables=[OutboxEmail.__tablename__, DealEvent.__tablename__])
    if app.config.get("MAIL_DELIVERY", "background") != "inline":
        # At the first request of each process (after a server forks its workers), so
        # messages left unsent by a stopped process go out without waiting for a new one.
        app.before_request(mail_worker.ensure_started)


def deliver_due(batch: int = DELIVERY_BATCH) -> int:
    """Deliver every due message now, batch after batch, in this thread (``flask mail
    deliver``); returns how many were claimed. On SQLite each batch holds the write lock:
    when another deliverer kept it for the whole busy timeout, it is delivering the outbox,
    so this run leaves the rest to it (and to the next run) instead of failing."""
    total = 0
    with immediate_transactions():
        tell_all()
        while True:
            try:
                claimed = deliver_pending(batch)
            except OperationalError as exc:
                if "locked" not in str(exc.orig):
                    raise
                db.session.rollback()
                log.info("mail: another deliverer holds the outbox; leaving the rest to it")
                return total
            total += claimed
            if claimed < batch:
                return total


def _after_commit() -> None:
    deliver_soon()


def tell_all() -> None:
    """Write the notices of every deal event not told yet, batch after batch."""
    while notify_pending() == NOTICE_BATCH:
        pass


def tell_and_deliver() -> None:
    """The deal events' notices not written yet, then every due email, batch after batch."""
    tell_all()
    while deliver_pending(DELIVERY_BATCH) == DELIVERY_BATCH:
        pass


def deliver_soon() -> None:
    """Hand the outbox to the worker (or deliver now, ``inline``): after a commit that
    wrote deal events or queued emails, or put a failed one back in the queue."""
    if current_app.config.get("MAIL_DELIVERY", "background") == "inline":
        with immediate_transactions():
            tell_and_deliver()
    else:
        worker(current_app._get_current_object()).wake()
