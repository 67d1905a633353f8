"""Fixtures of the pledge tests: a university's patent with an exclusive offer and an
assignment offer, a pledge on it recorded by the centre, the consent the pledgee gave."""
from datetime import date

import pytest

from market.models import OfferKind
from market.services import pledges
from market.unit_of_work import commit

from ..factories import EXCLUSIVE

PDF = b"%PDF-1.4\n" + b"0" * 64
NON_EXCLUSIVE = {**EXCLUSIVE, "licence_kind": "non_exclusive"}
ASSIGNMENT = {"kind": OfferKind.ASSIGNMENT, "asking_price_fen": 100_000_00}


@pytest.fixture()
def patent(make_listing, university):
    from market.models import LicenceKind
    return make_listing(university.org, offers=[
        EXCLUSIVE, ASSIGNMENT, {**EXCLUSIVE, "licence_kind": LicenceKind.NON_EXCLUSIVE}])


@pytest.fixture()
def pledge(centre, university):
    """``pledge(patent, pledgor=university.org.name, **fields)``: a committed pledge."""
    def run(patent, pledgor=None, **fields):
        values = {"pledgor": pledgor or university.org.name, "bank": "盛京银行",
                  "application_numbers": [patent.application_number], "amount_fen": 500_000_00,
                  "pledged_on": date(2026, 1, 5), **fields}
        made = pledges.record(centre, **values)
        commit()
        return made
    return run


@pytest.fixture()
def consent(university):
    def run(deal, pledge_deal, user=None):
        made = pledges.record_consent(deal, user or university, pledge_id=pledge_deal.id,
                                      filename="质权人同意书.pdf", data=PDF)
        commit()
        return made
    return run
