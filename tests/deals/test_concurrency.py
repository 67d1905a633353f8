"""Races on a real database file (or PostgreSQL): real threads, one session each."""
import pytest
from sqlalchemy import func, select

from market.extensions import db
from market.models import Deal, DealEvent, DealState, LedgerEntry
from market.services import deals

from ..factories import EXCLUSIVE, sign_contract
from .conftest import race

pytestmark = [pytest.mark.db, pytest.mark.slow]


def _accept_and_sign(deal, user):
    deals.accept(deal, user)
    sign_contract(deal, deal.licensor.users[0], user)


def _race(app, jobs, action=_accept_and_sign):
    """Accept and sign (both signatures conclude) for each ``(deal_id, user_id)`` at once."""
    return race(app, jobs, action)


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
