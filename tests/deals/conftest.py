"""Fixtures of the deal tests: deals in any state (the parties and the centre are the
``university``, ``sme`` and ``centre`` of tests/conftest.py)."""
import threading
from datetime import datetime

import pytest

import market.domain.dates
import market.models.base
from market.extensions import db
from market.models import Deal, User
from market.services import deals
from market.services.errors import ServiceError
from market.unit_of_work import commit

from ..factories import EXCLUSIVE, details_of, proposal_of, sign_contract


@pytest.fixture()
def take(sme):
    """Take an open licence as ``user`` (default: the SME), sign it (which concludes it)
    unless ``sign=False``, and commit."""
    def run(offer, user=None, sign=True, **details):
        user = user or sme
        deal = deals.take_open(user, offer, details_of(user, **details))
        if sign:
            sign_contract(deal, user)
        commit()
        return deal
    return run


@pytest.fixture()
def agree(university, sme):
    """Accept ``deal``'s terms as ``accepter`` and have both sides sign (the university and
    the SME unless given): the deal concludes. Commits."""
    def run(deal, accepter, licensor=None, licensee=None):
        deals.accept(deal, accepter)
        sign_contract(deal, licensor or deal.licensor.users[0], licensee or deal.licensee.users[0])
        commit()
        return deal
    return run


@pytest.fixture()
def requested(sme, make_listing, university):
    """A committed request for an exclusive licence (or the given offer)."""
    def run(offer=None, user=None, **changes):
        user = user or sme
        if offer is None:
            offer = make_listing(university.org, offers=[EXCLUSIVE]).offers[0]
        deal = deals.request_deal(user, offer, proposal_of(offer, **changes), "我们希望获得许可。")
        commit()
        return deal
    return run


@pytest.fixture()
def countered(requested, university):
    def run(offer=None, user=None, **changes):
        deal = requested(offer, user, **changes)
        deals.counter(deal, university, proposal_of(deal.offer, **changes), "可以，但提成 5%。")
        commit()
        return deal
    return run


def refetch(deal):
    db.session.expire_all()
    return db.session.get(type(deal), deal.id)


@pytest.fixture()
def pin_clock(monkeypatch):
    """``pin_clock(moment)``: from now on the application's clocks (``utcnow`` and
    ``local_today``) read ``moment``."""
    def pin(moment: datetime):
        class PinnedClock(datetime):
            @classmethod
            def now(cls, tz=None):
                return moment.astimezone(tz) if tz else moment.replace(tzinfo=None)

        for module in (market.domain.dates, market.models.base):
            monkeypatch.setattr(module, "datetime", PinnedClock)
    return pin


def race(app, jobs, action):
    """Run ``action(deal, user)`` for ``(deal_id, user_id)`` jobs at once, each in its own
    thread, app context and unit of work; the results are "ok" or the refusal's message."""
    barrier = threading.Barrier(len(jobs), timeout=30)
    results = []

    def run(deal_id, user_id):
        with app.app_context():
            try:
                barrier.wait(30)  # load after the start: 20 threads, a smaller pool
                deal, user = db.session.get(Deal, deal_id), db.session.get(User, user_id)
                action(deal, user)
                commit()
                results.append("ok")
            except ServiceError as exc:
                db.session.rollback()
                results.append(str(exc.message))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results
