"""Fixtures of the deal tests: the two parties, the centre, offers, and deals in any state."""
from datetime import date

import pytest

from market.extensions import db
from market.models import LicenceKind, OfferKind, OrgKind
from market.services import deals
from market.unit_of_work import commit

EXCLUSIVE = {"kind": OfferKind.LICENCE, "licence_kind": LicenceKind.EXCLUSIVE,
             "upfront_mode": "waived", "royalty_bp": 300, "term_years": 5}
PAID_OPEN = {"kind": OfferKind.OPEN_LICENCE, "upfront_mode": "due_at_signing",
             "upfront_fee_fen": 1_000_000, "term_years": 3}


@pytest.fixture()
def university(make_user):
    return make_user(kind=OrgKind.UNIVERSITY, name="东北大学")


@pytest.fixture()
def sme(make_user):
    return make_user(kind=OrgKind.SME, name="沈阳浑南测试科技有限公司")


@pytest.fixture()
def centre(make_user):
    return make_user(kind=OrgKind.CENTRE)


def details_of(user, **extra):
    org = user.org
    return {"legal_name": org.name, "credit_code": org.credit_code, "address": org.address,
            "field_of_use": "新能源电池", "expected_start": date(2026, 1, 1), **extra}


def proposal_of(offer, **changes):
    keys = ("upfront_fee_fen", "upfront_mode", "deferral_kind", "deferral_months", "royalty_bp",
            "royalty_threshold_fen", "min_annual_royalty_fen", "term_years", "territory",
            "field_of_use")
    values = {k: getattr(offer, k) for k in keys}
    values["licence_kind"] = offer.licence_kind.value if offer.licence_kind else None
    values["price_fen"] = offer.asking_price_fen
    values.update(changes)
    return values


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
