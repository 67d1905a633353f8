"""Fixtures of the deal tests: deals in any state (the parties and the centre are the
``university``, ``sme`` and ``centre`` of tests/conftest.py)."""
import pytest

from market.extensions import db
from market.services import deals
from market.unit_of_work import commit

from ..factories import EXCLUSIVE, details_of, proposal_of


@pytest.fixture()
def take(sme):
    """Take an open licence as ``user`` (default: the SME) and commit."""
    def run(offer, user=None, **details):
        user = user or sme
        deal = deals.take_open(user, offer, details_of(user, **details))
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
