"""The email outbox: messages commit with their change and are delivered off the request,
in batches, by the process's mail worker; a failed delivery is retried; a message whose
transaction rolled back is never sent."""
import time

import pytest
from sqlalchemy import func, select

from market.extensions import db
from market.mail_worker import worker
from market.models import OutboxEmail
from market.services import mail
from market.unit_of_work import commit

pytestmark = pytest.mark.db


def _sent() -> list[str]:
    db.session.rollback()  # a fresh snapshot: the worker commits on its own connection
    return db.session.scalars(select(OutboxEmail.to_address).where(
        OutboxEmail.sent_at.is_not(None)).order_by(OutboxEmail.id)).all()


@pytest.fixture()
def background(app, make_app, request):
    """An app whose commits wake the mail worker (as in production); stopped after. The
    worker waits ``linger`` seconds after a wake (``@pytest.mark.parametrize`` indirect)."""
    linger = getattr(request, "param", 0.05)
    other = make_app(MAIL_DELIVERY="background", MAIL_LINGER=linger, MAIL_RETRY_SECONDS=0.1)
    with other.app_context():
        yield other
        worker(other).stop()


@pytest.mark.parametrize("background", [3.0], indirect=True)  # the 50 commits in one linger
def test_commits_wake_the_worker_which_delivers_them_in_batches(background, monkeypatch):
    transactions = []
    real = mail.deliver_pending
    monkeypatch.setattr("market.mail_worker.deliver_pending",
                        lambda limit: transactions.append(real(limit)) or transactions[-1])
    for i in range(50):
        mail.queue_email(f"u{i}@example.cn", "subject", "body")
        commit()  # returns before the message is sent
    assert worker(background).wait_idle(30)
    assert _sent() == [f"u{i}@example.cn" for i in range(50)]
    assert sum(transactions) == 50 and len([n for n in transactions if n]) == 1


def test_an_email_of_a_rolled_back_transaction_is_never_sent(background):
    mail.queue_email("kept@example.cn", "subject", "body")
    db.session.flush()  # written to the database, in the transaction
    db.session.rollback()
    mail.queue_email("sent@example.cn", "subject", "body")
    commit()
    assert worker(background).wait_idle(30)
    assert _sent() == ["sent@example.cn"]
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 1


def test_a_failed_delivery_is_retried(background, monkeypatch):
    real, calls = mail.deliver_pending, []

    def fails_once(limit):
        calls.append(limit)
        if len(calls) == 1:
            raise OSError("mail server unreachable")
        return real(limit)
    monkeypatch.setattr("market.mail_worker.deliver_pending", fails_once)
    mail.queue_email("retry@example.cn", "subject", "body")
    commit()
    for _ in range(100):
        if _sent():
            break
        time.sleep(0.1)
    assert _sent() == ["retry@example.cn"] and len(calls) >= 2


def test_a_commit_without_email_does_not_wake_the_worker(background):
    from tests import factories
    factories.make_org(db.session)
    commit()
    assert worker(background)._thread is None


def test_inline_delivery_sends_after_the_commit(app):
    mail.queue_email("now@example.cn", "subject", "body")
    commit()
    assert _sent() == ["now@example.cn"]


def test_messages_left_by_a_stopped_process_go_out_at_the_first_request(background):
    db.session.add(OutboxEmail(to_address="left@example.cn", subject="s", body="b"))
    db.session.commit()  # committed, its process stopped before delivering
    assert background.test_client().get("/").status_code == 200
    for _ in range(100):
        if _sent():
            break
        time.sleep(0.1)
    assert _sent() == ["left@example.cn"]


@pytest.mark.parametrize("background", [30.0], indirect=True)  # the worker still lingering
def test_what_is_queued_when_the_process_exits_is_delivered(background):
    """A CLI command commits and exits before the worker's linger is over: the exit
    handler delivers it."""
    mail.queue_email("cli@example.cn", "subject", "body")
    commit()
    worker(background).deliver_before_exit()
    assert _sent() == ["cli@example.cn"]
