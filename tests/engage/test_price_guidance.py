"""Price guidance from hand-made ledger rows: the median and quartiles of concluded licences
of the same kind on comparable patents, hidden below MIN_COMPARABLE_DEALS; cancelled deals,
other kinds and other subclasses left out."""
from datetime import UTC, datetime

import pytest

from market.domain.engagement import MIN_COMPARABLE_DEALS
from market.extensions import db
from market.models import Deal, DealState, LicenceKind, OfferKind, OrgKind
from market.services import ledger, price_guidance
from market.unit_of_work import commit

from ..conftest import log_in

pytestmark = pytest.mark.db
MOMENT = datetime(2025, 3, 1, 4, tzinfo=UTC)
EXCLUSIVE_OFFER = {"kind": OfferKind.LICENCE, "licence_kind": LicenceKind.EXCLUSIVE,
                   "upfront_mode": "due_at_signing", "upfront_fee_fen": 5_000_000,
                   "royalty_bp": 300, "term_years": 5}


@pytest.fixture()
def parties(make_user):
    return make_user(kind=OrgKind.UNIVERSITY), make_user(kind=OrgKind.SME)


@pytest.fixture()
def concluded(make_listing, parties):
    """``concluded(fee_yuan, royalty_bp, ipc=..., industry=..., kind=...)``: a concluded
    licence on a new patent, booked in the ledger as the deal service books it."""
    licensor, licensee = parties

    def make(fee_yuan: int, royalty_bp: int, *, ipc="C01B 32/184", industry="new_materials",
             kind=LicenceKind.EXCLUSIVE) -> Deal:
        patent = make_listing(licensor.org, ipc_codes=[ipc], industry=industry)
        deal = Deal(patent_id=patent.id, offer_id=patent.offers[0].id, kind=OfferKind.LICENCE,
                    licence_kind=kind, licensor_org_id=licensor.org_id,
                    licensee_org_id=licensee.org_id, state=DealState.CONCLUDED,
                    contract_number=f"SY-PG-{patent.id}", created_at=MOMENT,
                    concluded_at=MOMENT, upfront_mode="due_at_signing",
                    upfront_fee_fen=fee_yuan * 100, royalty_bp=royalty_bp, term_years=5)
        db.session.add(deal)
        db.session.flush()
        ledger.record_conclusion(deal)
        commit()
        return deal
    return make


def test_hidden_below_the_threshold(app, make_listing, concluded):
    for fee in range(1, MIN_COMPARABLE_DEALS):
        concluded(fee * 1000, 200)
    guidance = price_guidance.for_patent(make_listing(), "exclusive")
    assert not guidance.shown and guidance.count == MIN_COMPARABLE_DEALS - 1
    assert guidance.upfront_fen is None


def test_median_and_quartiles_from_the_ledger(app, make_listing, concluded):
    for fee, bp in ((100, 100), (200, 200), (300, 250), (400, 500), (10_000, 900)):
        concluded(fee, bp)
    concluded(1, 1, kind=LicenceKind.NON_EXCLUSIVE)  # another kind
    cancelled = concluded(99_999, 2000)
    ledger.record_reversal(cancelled)  # a cancelled deal counts no more
    commit()
    guidance = price_guidance.for_patent(make_listing(), "exclusive")
    assert guidance.shown and guidance.count == 5 and guidance.basis == "ipc"
    assert guidance.basis_value == "C01B"
    assert guidance.upfront_fen == price_guidance.Spread(10_000, 20_000, 30_000, 40_000,
                                                         1_000_000)
    assert guidance.royalty_bp.median == 250 and guidance.royalty_bp.high == 900


def test_same_subclass_first_then_industry(app, make_listing, concluded):
    for fee in (100, 200, 300, 400, 500):  # same industry, another subclass
        concluded(fee, 100, ipc="C04B 35/00")
    listing = make_listing(ipc_codes=["C01B 32/05"])
    guidance = price_guidance.for_patent(listing, "exclusive")
    assert guidance.basis == "industry" and guidance.upfront_fen.median == 30_000
    for fee in (1000, 2000, 3000, 4000, 5000):  # now five of the listing's own subclass
        concluded(fee, 100)
    guidance = price_guidance.for_patent(listing, "exclusive")
    assert guidance.basis == "ipc" and guidance.upfront_fen.median == 300_000


def test_listing_request_form_and_centre_show_the_figures(app, client, make_user,
                                                          make_listing, concluded, parties):
    for fee in (100, 200, 300, 400, 500):
        concluded(fee, 200)
    concluded(700, 100, industry="biomedicine", ipc="A61K 9/00")
    licensor, _ = parties
    listing = make_listing(licensor.org, offers=[EXCLUSIVE_OFFER])
    page = client.get(f"/patents/{listing.id}").get_data(as_text=True)
    assert "中位数 ¥300.00" in page and "中位数 2%" in page
    log_in(client, make_user(kind=OrgKind.SME))
    form = client.get(f"/deals/request/{listing.offers[0].id}").get_data(as_text=True)
    assert "中位数 ¥300.00" in form
    client.post("/account/logout")
    log_in(client, make_user(kind=OrgKind.CENTRE))
    centre = client.get("/centre/price-guidance").get_data(as_text=True)
    assert "¥300.00" in centre and "可比成交不足 5 笔" in centre  # biomedicine: one deal


def test_too_few_deals_say_so_on_the_listing(app, client, make_listing, concluded):
    concluded(100, 200)
    page = client.get(f"/patents/{make_listing(offers=[EXCLUSIVE_OFFER]).id}").get_data(
        as_text=True)
    assert "可比成交不足 5 笔" in page and "中位数" not in page
