"""Concluded deals in the past for the royalty and registration tests: a running-royalty
licence concluded on 2025-01-15 (quarterly reports, the contract's default) and an
assignment concluded on a chosen day."""
from datetime import UTC, date, datetime, timedelta

import pytest

from market.extensions import db
from market.models import Deal, DealState, LicenceKind, OfferKind
from market.services import ledger


def _moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)  # noon in Shenyang


@pytest.fixture()
def concluded(university, sme, make_listing):
    """``concluded(kind=..., on=date, **terms)``: a deal between ``university`` (licensor)
    and ``sme`` (licensee), concluded on ``on`` and booked in the ledger."""
    def make(*, kind=OfferKind.LICENCE, on=date(2025, 1, 15), **terms):
        patent = make_listing(university.org)
        fields = dict(royalty_bp=500, term_years=3, upfront_fee_fen=0, upfront_mode="waived")
        fields.update(terms)
        if kind == OfferKind.ASSIGNMENT:
            fields = dict(price_fen=terms.get("price_fen", 10_000_000))
        deal = Deal(patent_id=patent.id, offer_id=patent.offers[0].id, kind=kind,
                    licence_kind=None if kind == OfferKind.ASSIGNMENT else
                    LicenceKind.NON_EXCLUSIVE, licensor_org_id=university.org.id,
                    licensee_org_id=sme.org.id, state=DealState.CONCLUDED,
                    contract_number=f"SY-R-{patent.id}",
                    created_at=_moment(on) - timedelta(days=5), concluded_at=_moment(on),
                    **fields)
        db.session.add(deal)
        db.session.flush()
        ledger.record_conclusion(deal)
        db.session.commit()
        return deal
    return make
