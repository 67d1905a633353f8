"""Terms rules by kind: the CNIPA caps bind open licences only; a negotiated licence above
market norms gets a warning, never a refusal; the royalty base (net sales or profit) with
the rate cap that goes with it; a reduced upfront fee is a fast licence."""
from dataclasses import replace

import pytest

from market.domain.terms import (
    LicenceTerms,
    contract_value_fen,
    is_fast_licence_terms,
    payment_schedule,
    summary_en,
    summary_zh,
    term_warnings,
    validate_terms,
)

FEE_25M = 2_500_000_000
TERMS = LicenceTerms(0, upfront_mode="waived", royalty_bp=300, term_years=3)


def codes(terms, kind):
    return [(e.field, e.code) for e in validate_terms(terms, remaining_life_days=None, kind=kind)]


def warned(terms, kind):
    return [(w.field, w.code) for w in term_warnings(terms, kind=kind)]


@pytest.mark.parametrize("kind", ["exclusive", "sole", "non_exclusive"])
def test_negotiated_licence_above_the_open_licence_caps_is_allowed_with_warnings(kind):
    terms = LicenceTerms(FEE_25M, royalty_bp=2500, term_years=5)
    assert codes(terms, kind) == []
    assert warned(terms, kind) == [("upfront_fee_fen", "above_norm"),
                                   ("royalty_bp", "above_norm")]


def test_negotiated_licence_within_norms_has_no_warning():
    assert warned(LicenceTerms(2_000_000_000, royalty_bp=2000, term_years=5), "exclusive") == []


def test_open_licence_above_the_caps_is_refused_and_not_merely_warned():
    terms = LicenceTerms(FEE_25M, royalty_bp=2500, term_years=5)
    assert codes(terms, "open_licence") == [("upfront_fee_fen", "above_cap"),
                                            ("royalty_bp", "above_cap")]
    assert warned(terms, "open_licence") == []


@pytest.mark.parametrize("base, at_cap", [("net_sales", 2000), ("profit", 4000)])
def test_open_licence_rate_cap_goes_with_the_base(base, at_cap):
    terms = replace(TERMS, royalty_base=base, royalty_bp=at_cap)
    assert codes(terms, "open_licence") == []
    assert codes(replace(terms, royalty_bp=at_cap + 1), "open_licence") == [
        ("royalty_bp", "above_cap")]


def test_profit_base_warning_threshold_is_forty_percent():
    profit = replace(TERMS, royalty_base="profit", royalty_bp=3500)
    assert warned(profit, "exclusive") == []
    assert warned(replace(profit, royalty_bp=4001), "exclusive") == [("royalty_bp", "above_norm")]


def test_any_rate_stays_within_its_base_and_the_base_is_known():
    assert codes(replace(TERMS, royalty_bp=10000), "exclusive") == []
    assert codes(replace(TERMS, royalty_bp=10001), "exclusive") == [("royalty_bp", "above_base")]
    assert codes(replace(TERMS, royalty_base="turnover"), "exclusive") == [
        ("royalty_base", "invalid")]


def test_reduced_upfront_is_paid_at_signing_and_is_a_fast_licence():
    reduced = LicenceTerms(300_000, upfront_mode="reduced", term_years=2)
    assert codes(reduced, "open_licence") == []
    assert is_fast_licence_terms(reduced)
    assert not is_fast_licence_terms(replace(reduced, upfront_mode="due_at_signing"))
    assert contract_value_fen(reduced) == 300_000
    from datetime import date
    [item] = payment_schedule(reduced, date(2026, 3, 1))
    assert (item.kind, item.amount_fen, item.due_on) == ("upfront", 300_000, date(2026, 3, 1))
    assert summary_zh(reduced).startswith("签约时支付（减收） ¥3,000")
    assert summary_en(reduced).startswith("¥3,000 (reduced) due at signing")


def test_reduced_upfront_needs_an_amount():
    assert codes(LicenceTerms(0, upfront_mode="reduced", term_years=1), "exclusive") == [
        ("upfront_fee_fen", "reduced_fee_zero")]


def test_summaries_say_the_royalty_base():
    profit = replace(TERMS, royalty_base="profit", royalty_bp=2500,
                     royalty_threshold_fen=100_000_000)
    assert "按利润的 25% 提成" in summary_zh(profit)
    assert "25% royalty on profit once annual net sales exceed ¥1,000,000" in summary_en(profit)
    assert "按净销售额的 3% 提成" in summary_zh(TERMS)
    assert "3% royalty on net sales" in summary_en(TERMS)
