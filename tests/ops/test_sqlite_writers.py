"""Concurrent writers on one SQLite file queue for the write lock (BEGIN IMMEDIATE) instead
of failing with "database is locked", and read-modify-write loses no update."""
import threading

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, event, insert, select, update

from market.extensions import db
from market.permissions import public
from market.sqlite_transactions import immediate_transactions
from market.unit_of_work import commit

pytestmark = pytest.mark.db

THREADS, TRANSACTIONS = 8, 50
meta = MetaData()
counter = Table("ops_test_counter", meta, Column("id", Integer, primary_key=True),
                Column("value", Integer, nullable=False))
rows = Table("ops_test_rows", meta, Column("id", Integer, primary_key=True),
             Column("who", String(20), nullable=False))


@pytest.fixture()
def sqlite_app(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'writers.sqlite'}",
                   SEARCH_SYNC_AFTER_COMMIT=False)  # the search index is not under test
    with app.app_context():
        db.create_all()  # the email outbox is read after every commit
        meta.create_all(db.engine)
        db.session.execute(insert(counter).values(id=1, value=0))
        db.session.commit()
    return app


def read_modify_write(who: str) -> None:
    value = db.session.scalar(select(counter.c.value).where(counter.c.id == 1))
    db.session.execute(update(counter).where(counter.c.id == 1).values(value=value + 1))
    db.session.execute(insert(rows).values(who=who))
    commit()


def run_threads(target) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(n):
        try:
            target(n)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on
            errors.append(exc)
    threads = [threading.Thread(target=guarded, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def totals(app):
    with app.app_context():
        value = db.session.scalar(select(counter.c.value))
        count = len(db.session.scalars(select(rows.c.id)).all())
    return value, count


def test_post_requests_queue_and_lose_nothing(sqlite_app):
    @sqlite_app.post("/_increment")
    @public
    def increment():
        read_modify_write("request")
        return "ok"
    sqlite_app.config["WTF_CSRF_ENABLED"] = False

    def worker(n):
        client = sqlite_app.test_client()
        for _ in range(TRANSACTIONS):
            response = client.post("/_increment")
            assert response.status_code == 200, response.status_code

    assert run_threads(worker) == []
    assert totals(sqlite_app) == (THREADS * TRANSACTIONS, THREADS * TRANSACTIONS)


def test_background_writers_with_immediate_transactions(sqlite_app):
    def worker(n):
        with sqlite_app.app_context(), immediate_transactions():
            for _ in range(TRANSACTIONS):
                read_modify_write(f"thread{n}")

    assert run_threads(worker) == []
    assert totals(sqlite_app) == (THREADS * TRANSACTIONS, THREADS * TRANSACTIONS)


def test_lazy_transactions_take_the_lock_at_the_first_write(sqlite_app):
    """Outside requests and without the context manager (GET pages, CLI), reads hold no lock
    and the first write begins IMMEDIATE: blind writes never fail on the lock either."""
    def worker(n):
        with sqlite_app.app_context():
            for _ in range(TRANSACTIONS):
                db.session.scalar(select(counter.c.value))
                db.session.execute(insert(rows).values(who=f"lazy{n}"))
                commit()

    assert run_threads(worker) == []
    assert totals(sqlite_app)[1] == THREADS * TRANSACTIONS


def test_reads_do_not_hold_the_write_lock(sqlite_app):
    """A reader with an open transaction (a GET page rendering) does not block a writer."""
    with sqlite_app.app_context():
        db.session.scalar(select(counter.c.value))  # transaction open, nothing written
        done = []

        def writer():
            with sqlite_app.app_context():
                db.session.execute(insert(rows).values(who="writer"))
                commit()
                done.append(True)
        thread = threading.Thread(target=writer)
        thread.start()
        thread.join(timeout=30)
        db.session.rollback()
    assert done == [True]


def test_a_writer_that_waited_out_the_busy_timeout_gets_503_and_loses_nothing(make_app,
                                                                              tmp_path):
    """Another process held SQLite's write lock for longer than SQLITE_BUSY_SECONDS: the
    request is answered 503 with Retry-After (not 500), and nothing of it was written."""
    import sqlite3

    from market.models import LoginThrottle

    path = tmp_path / "busy.sqlite"
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", SQLITE_BUSY_SECONDS=0.2,
                   SEARCH_SYNC_AFTER_COMMIT=False, WTF_CSRF_ENABLED=False)
    with app.app_context():
        db.create_all()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = app.test_client().post("/account/login", data={
            "email": "someone@example.cn", "password": "not the password"})
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "请稍后重新提交" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(LoginThrottle.key)) is None  # the attempt not counted


def test_a_writing_transaction_needs_no_patent_lock(sqlite_app):
    """A transaction begun with the write lock (a POST request, immediate_transactions) saw
    every commit and lets no writer in: the patent lock is skipped (no statement, nothing
    forgotten). A lazy transaction that read first still takes it, with its no-op write."""
    from market.models import OrgKind
    from market.services import tx_cache
    from market.services.deal_rules import lock_patent
    from tests.factories import make_listing, make_org

    with sqlite_app.app_context():
        patent_id = make_listing(db.session, make_org(db.session, OrgKind.UNIVERSITY)).id
        db.session.commit()
        statements = []
        event.listen(db.engine, "before_cursor_execute",
                     lambda *args: statements.append(args[2]))
        with immediate_transactions():
            db.session.scalar(select(counter.c.value))
            tx_cache.put("test", 1, "kept")
            assert lock_patent(patent_id) is False
            assert tx_cache.get("test", 1) == "kept"
            assert not [s for s in statements if s.startswith("UPDATE patent")]
            db.session.rollback()
        db.session.scalar(select(counter.c.value))  # lazy: a read before the lock
        tx_cache.put("test", 1, "kept")
        assert lock_patent(patent_id) is True
        assert tx_cache.get("test", 1) is tx_cache.MISSING
        assert [s for s in statements if s.startswith("UPDATE patent")]
        db.session.rollback()
