"""The plan's average annual growth and the three views of the counts, computed by hand on
the fixture ledger (conftest.py), and the ledger's correcting rows written by the services."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from market.domain.dates import local_today
from market.extensions import db
from market.models import Deal, DealState, LedgerEntry, LicenceKind, OfferKind
from market.services import ledger, stats
from market.services.stats import Period

from .conftest import PLAN_START

pytestmark = pytest.mark.db
BASE_2023 = {"deals": 2023, "contract_value": 2023, "pledge_amount": 2023, "pledge_count": 2023}


def payload(year, view=stats.VIEW_DEAL, **kwargs):
    return stats.indicators(Period.for_year(year), plan_start_year=PLAN_START, view=view,
                            **kwargs)


def targets(p):
    return {t["key"]: t for t in p["targets"]}


# --- the plan's average annual growth --------------------------------------------------

def test_average_growth_is_compound_and_exact_on_the_target():
    assert stats.average_growth(144, 100, 2, 2000) == {
        "current": 144, "base": 100, "years": 2, "target_bp": 2000, "growth_bp": 2000,
        "met": True}  # 1.44 ** (1/2) = 1.2 exactly: on the target is met
    below = stats.average_growth(143, 100, 2, 2000)
    assert (below["growth_bp"], below["met"]) == (1958, False)  # 1.1958...
    assert stats.average_growth(20, 10, 3, 2000)["growth_bp"] == 2599  # 2 ** (1/3) = 1.2599
    assert stats.average_growth(0, 10, 2, 3000)["growth_bp"] == -10000


def test_average_growth_needs_a_positive_base_and_a_year():
    assert stats.average_growth(5, 0, 3, 2000)["growth_bp"] is None
    assert stats.average_growth(5, 5, 0, 2000)["met"] is None
    assert stats.average_growth(-1, 5, 2, 2000)["growth_bp"] is None


def test_base_years_default_to_2018_and_are_configurable():
    assert stats.base_years()["pledge_amount"] == 2018
    assert stats.parse_base_years("deals=2019, contract_value=2020") == {
        "deals": 2019, "contract_value": 2020}
    with pytest.raises(ValueError):
        stats.parse_base_years("nope=2019")


def test_average_growth_from_the_base_year_on_the_fixture(ledger_world):
    t = targets(payload(2025, growth_base_years=BASE_2023))
    # deals: 2023 = r1 (r2 and its reversal both count in 2023) = 1; 2025 = r8 = 1
    assert t["deals"]["average"] == {"current": 1, "base": 1, "years": 2, "target_bp": 2000,
                                     "growth_bp": 0, "met": False, "base_year": 2023}
    # value: 2023 = 100,000 fen; 2025 = 500,000: sqrt(5) - 1 = 123.60 %
    assert (t["contract_value"]["average"]["base"], t["contract_value"]["average"]["growth_bp"],
            t["contract_value"]["average"]["met"]) == (100_000, 12360, True)
    # pledges: 2023 = 150,000 yuan in two projects, none in 2025
    assert t["pledge_amount"]["average"]["growth_bp"] == -10000
    assert t["pledge_count"]["average"]["base"] == 2
    # year-on-year stays beside it: 2025 (1 deal) against 2024 (4 deals)
    assert (t["deals"]["current"], t["deals"]["previous"]) == (1, 4)


def test_without_a_base_year_figure_the_status_says_so(ledger_world):
    average = targets(payload(2024))["deals"]["average"]  # base 2018: no deals then
    assert (average["base_year"], average["base"], average["growth_bp"], average["met"]) == \
        (2018, 0, None, None)


# --- views -----------------------------------------------------------------------------

def test_by_conclusion_date_a_cancellation_lowers_the_year_of_the_deal(ledger_world):
    d23, d24 = payload(2023)["deals"], payload(2024)["deals"]
    assert (d23["total"], d23["value_fen"]) == (1, 100_000)  # r2 reversed in its own year
    assert (d24["transfers"], d24["licences"], d24["value_fen"]) == (1, 3, 24_000_000)


def test_by_booking_date_a_cancellation_lowers_the_year_it_happened(ledger_world):
    d23 = payload(2023, stats.VIEW_BOOKED)["deals"]
    d24 = payload(2024, stats.VIEW_BOOKED)["deals"]
    assert (d23["total"], d23["value_fen"]) == (2, 5_100_000)
    assert (d24["total"], d24["value_fen"]) == (3, 19_000_000)


def test_by_registration_date_only_registered_deals_count(ledger_world):
    d24 = payload(2024, stats.VIEW_REGISTERED)["deals"]
    d25 = payload(2025, stats.VIEW_REGISTERED)["deals"]
    assert (d24["transfers"], d24["licences"], d24["value_fen"]) == (0, 1, 3_000_000)
    assert (d25["transfers"], d25["licences"], d25["value_fen"]) == (1, 0, 20_000_000)
    assert payload(2023, stats.VIEW_REGISTERED)["deals"]["total"] == 0
    # the registration rows never count in the other views, nor on the home page
    assert payload(2025)["deals"]["total"] == 1
    assert stats._headline_figures()["deals"] == 6  # seven conclusions, r2 reversed
    assert payload(2025, stats.VIEW_REGISTERED)["view"] == "registered"


def test_unknown_view_is_refused(ledger_world):
    with pytest.raises(ValueError):
        payload(2024, "sideways")


# --- correcting rows written by the ledger service ---------------------------------------

def _concluded_deal(make_org, make_listing, *, on: date, fee_fen: int):
    from market.models import OrgKind
    university = make_org(kind=OrgKind.UNIVERSITY, name="沈阳工业大学")
    sme = make_org(name="沈阳戊科技有限公司")
    patent = make_listing(university)
    moment = datetime(on.year, on.month, on.day, 4, tzinfo=UTC)  # noon in Shenyang
    deal = Deal(patent_id=patent.id, offer_id=patent.offers[0].id, kind=OfferKind.LICENCE,
                licence_kind=LicenceKind.NON_EXCLUSIVE, licensor_org_id=university.id,
                licensee_org_id=sme.id, state=DealState.CONCLUDED, upfront_fee_fen=fee_fen,
                contract_number="SY-VIEWS-1", created_at=moment - timedelta(days=3),
                concluded_at=moment)
    db.session.add(deal)
    db.session.flush()
    ledger.record_conclusion(deal)
    return deal


def _rows(deal):
    return db.session.scalars(select(LedgerEntry).where(LedgerEntry.deal_id == deal.id)
                              .order_by(LedgerEntry.id)).all()


def test_refund_registration_and_cancellation_rows(app, make_org, make_listing):
    deal = _concluded_deal(make_org, make_listing, on=date(2024, 5, 6), fee_fen=800_000)
    assert ledger.record_registration(deal, date(2024, 7, 1)) is not None
    assert ledger.record_registration(deal, date(2024, 7, 2)) is None  # once
    refund = ledger.record_refund(deal, 300_000, ref="payment-1")
    assert ledger.record_refund(deal, 300_000, ref="payment-1") is None  # a replay
    reversal = ledger.record_reversal(deal)
    db.session.flush()
    today = local_today()
    assert (refund.sign, refund.contract_value_fen, refund.deal_on, refund.registered_on,
            refund.concluded_on) == (0, -300_000, date(2024, 5, 6), date(2024, 7, 1), today)
    # the reversal takes back what is still counted: 800,000 - 300,000
    assert (reversal.sign, reversal.contract_value_fen, reversal.deal_on,
            reversal.registered_on, reversal.concluded_on) == (
        -1, -500_000, date(2024, 5, 6), date(2024, 7, 1), today)
    assert ledger.record_reversal(deal) is None
    for view in (stats.VIEW_DEAL, stats.VIEW_REGISTERED):
        d = payload(2024, view)["deals"]
        assert (d["total"], d["value_fen"]) == (0, 0), view  # nets out in the deal's year
    booked_2024 = payload(2024, stats.VIEW_BOOKED)["deals"]
    booked_now = payload(today.year, stats.VIEW_BOOKED)["deals"]
    assert (booked_2024["total"], booked_2024["value_fen"]) == (1, 800_000)
    assert (booked_now["total"], booked_now["value_fen"]) == (-1, -800_000)
    assert ledger.totals() == {"deals": 0, "value_fen": 0}


def test_royalty_rows_count_in_the_year_paid(app, make_org, make_listing):
    deal = _concluded_deal(make_org, make_listing, on=date(2023, 11, 1), fee_fen=0)
    ledger.record_royalty(deal, 120_000, date(2024, 1, 20), ref="royalty-1")
    assert ledger.record_royalty(deal, 120_000, date(2024, 1, 20), ref="royalty-1") is None
    db.session.flush()
    for view in stats.VIEWS:
        d = payload(2024, view)["deals"]
        assert (d["total"], d["value_fen"]) == (0, 120_000), view  # money, not a deal
    assert payload(2023)["deals"]["total"] == 1


def test_api_takes_the_view(client, login_as, ledger_world):
    login_as("centre")
    booked = client.get("/api/v1/stats/indicators?year=2024&view=booked").get_json()
    assert (booked["view"], booked["deals"]["total"]) == ("booked", 3)
    assert client.get("/api/v1/stats/indicators?year=2024&view=nope").status_code == 400


def test_summary_rows_that_stop_early_are_padded(ledger_world):
    from market.services import indicator_tables
    table = indicator_tables.summary_table(payload(2024))
    assert {len(row) for row in table.rows} == {len(table.columns)}
