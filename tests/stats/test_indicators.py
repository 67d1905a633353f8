"""Every indicator of the fixture ledger (see conftest.py), computed by hand.

The first tests read the booking view (corrections on the day they happened); the views
by conclusion date and by registration date follow, then the plan's average growth."""
from datetime import date

import pytest

from market.services import stats
from market.services.stats import Period

from .conftest import PLAN_START

pytestmark = pytest.mark.db


def payload(year=None, start=None, end=None, view=stats.VIEW_BOOKED, **kwargs):
    period = Period.for_year(year) if year else Period(start, end)
    return stats.indicators(period, plan_start_year=PLAN_START, view=view, **kwargs)


def rows_by(rows, key):
    return {r[key]: r for r in rows}


def test_year_totals_net_of_the_reversal_across_the_year_boundary(ledger_world):
    p = payload(2024)
    deals = p["deals"]
    assert (deals["transfers"], deals["licences"], deals["total"]) == (1, 2, 3)
    assert deals["value_fen"] == -5_000_000 + 0 + 20_000_000 + 3_000_000 + 1_000_000
    assert deals["open_licences"] == 1
    assert deals["fast_licences"] == 2
    # sign-weighted: (-20 + 3 + 40 + 10 + 7) / (-1 + 4)
    assert deals["avg_days_to_conclusion"] == 13.3
    assert p["previous_deals"] == {"transfers": 0, "licences": 2, "total": 2,
                                   "value_fen": 5_100_000}


def test_previous_year_holds_the_reversed_deal(ledger_world):
    deals = payload(2023)["deals"]
    assert (deals["transfers"], deals["licences"], deals["value_fen"]) == (0, 2, 5_100_000)
    assert deals["avg_days_to_conclusion"] == 12.5
    assert (deals["open_licences"], deals["fast_licences"]) == (1, 1)


def test_growth_against_targets(ledger_world):
    targets = rows_by(payload(2024)["targets"], "key")
    assert {k: v for k, v in targets["deals"].items() if k != "average"} == {
        "key": "deals", "current": 3, "previous": 2, "growth_bp": 5000, "target_bp": 2000,
        "met": True}
    assert targets["contract_value"]["growth_bp"] == 27254  # 13.9M / 5.1M, truncated
    assert targets["contract_value"]["met"] is True
    assert {k: v for k, v in targets["pledge_amount"].items() if k != "average"} == {
        "key": "pledge_amount", "current": 20_000_000, "previous": 15_000_000,
        "growth_bp": 3333, "target_bp": 3000, "met": True}
    assert targets["pledge_count"]["growth_bp"] == -5000
    assert targets["pledge_count"]["met"] is False


def test_growth_without_a_base_and_falling(ledger_world):
    assert rows_by(payload(2023)["targets"], "key")["deals"]["met"] is None
    falling = rows_by(payload(2025)["targets"], "key")["deals"]
    assert (falling["current"], falling["previous"], falling["growth_bp"], falling["met"]) == \
        (1, 3, -6666, False)


def test_growth_exactly_on_target_is_met():
    assert stats.growth(12, 10, 2000)["met"] is True
    assert stats.growth(11, 10, 2000)["met"] is False
    assert stats.growth(5, 0, 2000)["growth_bp"] is None


def test_smes_distinct_net_of_reversals_and_cumulative(ledger_world):
    # 2024: S1 (second deal), S3, S4; S2's only deal was reversed; N1 is not an SME.
    assert payload(2024)["smes"] == {"cumulative": 3, "in_period": 3, "target": 100,
                                     "met": False, "plan_start_year": PLAN_START}
    assert payload(2023)["smes"]["cumulative"] == 2  # S1 and S2, before the reversal
    assert payload(2025)["smes"] == {"cumulative": 3, "in_period": 1, "target": 100,
                                     "met": False, "plan_start_year": PLAN_START}


def test_cumulative_smes_start_at_the_plan(ledger_world):
    later = stats.indicators(Period.for_year(2025), plan_start_year=2025,
                             view=stats.VIEW_BOOKED)
    assert later["smes"]["cumulative"] == 1  # only S3's 2025 deal


def test_breakdowns(ledger_world):
    p = payload(2024)
    industry = rows_by(p["by_industry"], "key")
    assert industry["new_materials"] == {"key": "new_materials", "transfers": 0, "licences": 2,
                                         "total": 2, "value_fen": 3_000_000}
    assert industry["biomedicine"]["licences"] == 0
    assert industry["biomedicine"]["value_fen"] == -4_000_000
    assert industry["high_end_equipment"]["transfers"] == 1
    district = rows_by(p["by_district"], "key")
    assert {k: (v["total"], v["value_fen"]) for k, v in district.items()} == {
        "和平区": (1, 0), "铁西区": (0, -4_000_000), "浑南区": (1, 20_000_000),
        "沈河区": (1, 3_000_000)}
    kinds = rows_by(p["by_licence_kind"], "key")
    assert {k: (v["total"], v["value_fen"]) for k, v in kinds.items()} == {
        "exclusive": (-1, -5_000_000), "non_exclusive": (2, 1_000_000), "sole": (1, 3_000_000),
        "assignment": (1, 20_000_000)}


def test_monthly_series(ledger_world):
    monthly = payload(2024)["monthly"]
    assert [(m["month"], m["transfers"], m["licences"], m["value_fen"]) for m in monthly] == [
        ("2024-01", 0, -1, -5_000_000), ("2024-02", 0, 1, 0), ("2024-06", 1, 0, 20_000_000),
        ("2024-07", 0, 1, 3_000_000), ("2024-12", 0, 1, 1_000_000)]


def test_licensors_and_conversion_rate(ledger_world):
    w = ledger_world
    licensors = rows_by(payload(2024)["by_licensor"], "org_id")
    u1, i2 = licensors[w["u1"].id], licensors[w["i2"].id]
    assert (u1["transfers"], u1["licences"], u1["value_fen"]) == (0, 1, -2_000_000)
    assert (u1["patents_listed"], u1["conversion_bp"]) == (3, 3333)  # the draft never counts
    assert (i2["total"], i2["value_fen"], i2["patents_listed"], i2["conversion_bp"]) == \
        (2, 21_000_000, 1, 20000)
    assert u1["name"] == "东北大学"


def test_top_patents_by_views_with_requests(ledger_world):
    w = ledger_world
    top = payload(2024)["top_patents"]
    assert [(t["patent_id"], t["views"], t["requests"]) for t in top] == [
        (w["p1"].id, 50, 3), (w["p4"].id, 30, 2), (w["p2"].id, 10, 2), (w["p3"].id, 0, 1)]


def test_date_range_compares_with_the_same_dates_a_year_earlier(ledger_world):
    p = payload(start=date(2024, 1, 1), end=date(2024, 6, 30))
    assert (p["deals"]["transfers"], p["deals"]["licences"], p["deals"]["value_fen"]) == \
        (1, 0, 15_000_000)
    assert p["previous_period"] == {"start": "2023-01-01", "end": "2023-06-30", "year": None}
    assert p["previous_deals"]["total"] == 1
    assert rows_by(p["targets"], "key")["deals"]["growth_bp"] == 0


def test_range_longer_than_a_year(ledger_world):
    p = payload(start=date(2023, 1, 1), end=date(2024, 12, 31))
    assert (p["deals"]["transfers"], p["deals"]["licences"], p["deals"]["value_fen"]) == \
        (1, 4, 24_100_000)
    assert p["previous_deals"] == {"transfers": 0, "licences": 2, "total": 2,
                                   "value_fen": 5_100_000}


def test_empty_ledger(app):
    p = stats.indicators(Period.for_year(2024), plan_start_year=2020)
    assert p["deals"]["total"] == 0 and p["deals"]["avg_days_to_conclusion"] is None
    assert p["monthly"] == [] and p["by_licensor"] == [] and p["top_patents"] == []
    assert p["smes"]["cumulative"] == 0
