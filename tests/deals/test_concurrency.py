"""Races on a real database file (or PostgreSQL): real threads, one session each."""
import threading

import pytest
from sqlalchemy import func, select

from market.extensions import db
from market.models import Deal, DealEvent, DealState, LedgerEntry, User
from market.services import deals
from market.services.errors import ServiceError
from market.unit_of_work import commit

from ..factories import EXCLUSIVE, sign_contract

pytestmark = [pytest.mark.db, pytest.mark.slow]


def _accept_and_sign(deal, user):
    deals.accept(deal, user)
    sign_contract(deal, deal.licensor.users[0], user)


def _race(app, jobs, action=_accept_and_sign):
    """Run ``action(deal, user)`` for ``(deal_id, user_id)`` jobs at once (default: accept
    and both signatures, which conclude), each in its own app context and unit of work."""
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


def test_twenty_smes_race_for_one_exclusive_licence(app, make_listing, make_user, university,
                                                   countered):
    patent = make_listing(university.org, offers=[EXCLUSIVE])
    smes = [make_user(kind="sme") for _ in range(20)]
    jobs = [(countered(patent.offers[0], sme).id, sme.id) for sme in smes]
    results = _race(app, jobs)
    assert len(results) == 20 and results.count("ok") == 1, results
    assert all(message for message in results)  # the others are told why
    db.session.expire_all()
    states = db.session.scalars(select(Deal.state).where(Deal.patent_id == patent.id)).all()
    assert states.count(DealState.CONCLUDED) == 1 and states.count(DealState.COUNTERED) == 19
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 1


def test_double_submitted_accept_from_two_threads(app, countered, sme):
    deal = countered()
    results = _race(app, [(deal.id, sme.id), (deal.id, sme.id)])
    assert len(results) == 2 and results.count("ok") == 1, results
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(DealEvent).where(
        DealEvent.deal_id == deal.id, DealEvent.action == "accept")) == 1
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 1
