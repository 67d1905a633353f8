"""Deal events are told after the deal's commit, once each, in batches: the deal's own
transaction writes no notice, and a fault in one event's notices holds back no other."""
import pytest
from sqlalchemy import func, select

from market.extensions import db
from market.models import DealEvent, Notification, OutboxEmail
from market.services import deal_events, deals
from market.unit_of_work import commit

from ..factories import EXCLUSIVE, proposal_of

pytestmark = pytest.mark.db


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def pending() -> list[int]:
    return list(db.session.scalars(select(DealEvent.id).where(DealEvent.notified_at.is_(None))))


def request(sme, make_listing, university):
    offer = make_listing(university.org, offers=[EXCLUSIVE]).offers[0]
    return deals.request_deal(sme, offer, proposal_of(offer), "我们希望获得许可。")


def test_the_deals_transaction_writes_no_notice_its_commit_tells_once(
        app, sme, university, make_listing):
    request(sme, make_listing, university)
    db.session.flush()
    assert count(Notification) == 0 and count(OutboxEmail) == 0  # not in the deal's transaction
    commit()  # the tests deliver inline: the commit's hook tells the event at once
    assert pending() == []
    told = count(Notification, Notification.user_id == university.id,
                 Notification.kind == "deal_request")
    assert told == 1 and count(OutboxEmail) == 1
    assert deal_events.notify_pending() == 0  # told once: nothing left to tell
    assert count(Notification) == 1


def test_a_rolled_back_deal_leaves_nothing_to_tell(app, sme, university, make_listing):
    request(sme, make_listing, university)
    db.session.rollback()
    assert deal_events.notify_pending() == 0 and count(Notification) == 0


def test_events_left_untold_are_told_in_batches_oldest_first(app, sme, university, make_listing):
    for _ in range(3):
        request(sme, make_listing, university)
    db.session.commit()  # not the unit of work: as if the process stopped before its hook
    assert len(pending()) == 3
    assert deal_events.notify_pending(limit=2) == 2
    assert pending() == [max(e for e in db.session.scalars(select(DealEvent.id)))]
    assert deal_events.notify_pending(limit=2) == 1 and pending() == []
    assert count(Notification, Notification.kind == "deal_request") == 3


def test_a_fault_in_one_events_notices_holds_back_no_other(
        app, sme, university, make_listing, monkeypatch, caplog):
    first, second = (request(sme, make_listing, university) for _ in range(2))
    db.session.commit()
    broken_id = first.events[0].id
    real = deal_events.notify

    def notify(deal, event):
        if event.id == broken_id:
            raise RuntimeError("a bug in one notice")
        real(deal, event)
    monkeypatch.setattr(deal_events, "notify", notify)
    assert deal_events.notify_pending() == 2
    assert pending() == []  # the faulty one is marked told (logged), not retried forever
    assert "its notices failed" in caplog.text
    links = set(db.session.scalars(select(Notification.link)))
    assert links == {f"/deals/{second.id}"}
