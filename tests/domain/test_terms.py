import re
from dataclasses import FrozenInstanceError, replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from market.domain.terms import (
    LicenceTerms,
    ScheduleItem,
    add_months,
    contract_value_fen,
    format_basis_points,
    payment_schedule,
    summary_en,
    summary_zh,
    validate_terms,
)

BASE = LicenceTerms(
    upfront_fee_fen=0, upfront_mode="waived", royalty_bp=300, term_years=5
)


def codes(terms, *, remaining_life_days=None, kind="non_exclusive"):
    return [
        (e.field, e.code)
        for e in validate_terms(
            terms, remaining_life_days=remaining_life_days, kind=kind
        )
    ]


def test_terms_are_frozen():
    with pytest.raises(FrozenInstanceError):
        BASE.royalty_bp = 1


SUMMARY_CASES = [
    (
        "brief example: deferred by months, royalty above threshold",
        LicenceTerms(
            5_000_000,
            upfront_mode="deferred",
            deferral_kind="months",
            deferral_months=12,
            royalty_bp=300,
            royalty_threshold_fen=100_000_000,
            term_years=5,
        ),
        "首付 0 元，签约 12 个月后支付 ¥50,000；年销售额超过 ¥1,000,000 的部分按 3% 提成；许可期 5 年",
        "No upfront payment; ¥50,000 due 12 months after signing; 3% royalty on annual net sales above ¥1,000,000; term 5 years",
    ),
    (
        "waived fee, royalty without threshold",
        BASE,
        "首付 0 元；按净销售额的 3% 提成；许可期 5 年",
        "No upfront payment; 3% royalty on net sales; term 5 years",
    ),
    (
        "due at signing, no royalty, one year",
        LicenceTerms(12_345_650, term_years=1),
        "签约时支付 ¥123,456.50；无销售提成；许可期 1 年",
        "¥123,456.50 due at signing; no royalty; term 1 year",
    ),
    (
        "deferred to first sales, fractional royalty, minimum annual royalty",
        LicenceTerms(
            2_000_000,
            upfront_mode="deferred",
            deferral_kind="first_sales",
            royalty_bp=250,
            min_annual_royalty_fen=1_000_000,
            term_years=3,
        ),
        "首付 0 元，首次销售后支付 ¥20,000；按净销售额的 2.5% 提成；每年最低提成 ¥10,000；许可期 3 年",
        (
            "No upfront payment; ¥20,000 due after the first sale; 2.5% royalty on net sales; "
            "minimum annual royalty ¥10,000; term 3 years"
        ),
    ),
    (
        "one month deferral, territory and field of use",
        LicenceTerms(
            10_000,
            upfront_mode="deferred",
            deferral_kind="months",
            deferral_months=1,
            royalty_bp=125,
            royalty_threshold_fen=50_000_050,
            term_years=2,
            territory="辽宁省",
            field_of_use="汽车零部件",
        ),
        (
            "首付 0 元，签约 1 个月后支付 ¥100；年销售额超过 ¥500,000.50 的部分按 1.25% 提成；许可期 2 年；"
            "许可地域：辽宁省；使用领域：汽车零部件"
        ),
        (
            "No upfront payment; ¥100 due 1 month after signing; 1.25% royalty on annual net sales above ¥500,000.50; "
            "term 2 years; territory: 辽宁省; field of use: 汽车零部件"
        ),
    ),
    (
        "fee due at signing plus royalty and minimum",
        LicenceTerms(
            100_000_000,
            royalty_bp=2000,
            royalty_threshold_fen=0,
            min_annual_royalty_fen=5,
            term_years=10,
        ),
        "签约时支付 ¥1,000,000；按净销售额的 20% 提成；每年最低提成 ¥0.05；许可期 10 年",
        "¥1,000,000 due at signing; 20% royalty on net sales; minimum annual royalty ¥0.05; term 10 years",
    ),
    (
        "zero fee due at signing reads as no upfront payment",
        LicenceTerms(0, royalty_bp=5, term_years=1),
        "首付 0 元；按净销售额的 0.05% 提成；许可期 1 年",
        "No upfront payment; 0.05% royalty on net sales; term 1 year",
    ),
]


@pytest.mark.parametrize(
    "label, terms, zh, en", SUMMARY_CASES, ids=[c[0] for c in SUMMARY_CASES]
)
def test_summaries(label, terms, zh, en):
    assert codes(terms) == []
    assert summary_zh(terms) == zh
    assert summary_en(terms) == en


@pytest.mark.parametrize(
    "bp, text",
    [
        (0, "0%"),
        (5, "0.05%"),
        (10, "0.1%"),
        (100, "1%"),
        (125, "1.25%"),
        (250, "2.5%"),
        (300, "3%"),
        (2000, "20%"),
    ],
)
def test_format_basis_points(bp, text):
    assert format_basis_points(bp) == text


@given(st.integers(0, 100_000))
def test_format_basis_points_matches_decimal(bp):
    text = format_basis_points(bp)
    assert text.endswith("%")
    assert Decimal(text[:-1]) == Decimal(bp) / 100
    assert not re.search(r"\.\d*0%$", text)


# --- validation --------------------------------------------------------------


def test_upfront_cap_accepted_at_limit_and_refused_above():
    at_cap = LicenceTerms(2_000_000_000, term_years=1)
    assert codes(at_cap, kind="open_licence") == []
    assert codes(replace(at_cap, upfront_fee_fen=2_000_000_001), kind="open_licence") == [
        ("upfront_fee_fen", "above_cap")
    ]


def test_royalty_cap_accepted_at_limit_and_refused_above():
    assert codes(replace(BASE, royalty_bp=2000), kind="open_licence") == []
    assert codes(replace(BASE, royalty_bp=2001), kind="open_licence") == [
        ("royalty_bp", "above_cap")]


@pytest.mark.parametrize(
    "field",
    [
        "upfront_fee_fen",
        "royalty_threshold_fen",
        "min_annual_royalty_fen",
        "royalty_bp",
    ],
)
def test_negative_values_refused(field):
    terms = replace(LicenceTerms(100, royalty_bp=100, term_years=1), **{field: -1})
    assert (field, "negative") in codes(terms)


@pytest.mark.parametrize("value", [1.5, 100.0, True, "100", Decimal(1)])
def test_money_must_be_integer(value):
    assert codes(LicenceTerms(value, term_years=1)) == [
        ("upfront_fee_fen", "not_integer")
    ]


def test_waived_fee_must_be_zero():
    assert codes(replace(BASE, upfront_fee_fen=1)) == [
        ("upfront_fee_fen", "waived_fee_not_zero")
    ]


@pytest.mark.parametrize(
    "months, ok",
    [
        (None, False),
        (0, False),
        (1, True),
        (60, True),
        (120, True),
        (121, False),
        (-3, False),
    ],
)
def test_deferral_months_range(months, ok):
    terms = LicenceTerms(
        100,
        upfront_mode="deferred",
        deferral_kind="months",
        deferral_months=months,
        term_years=1,
    )
    assert codes(terms) == ([] if ok else [("deferral_months", "out_of_range")])


def test_deferred_needs_a_kind_and_a_fee():
    assert codes(LicenceTerms(100, upfront_mode="deferred", term_years=1)) == [
        ("deferral_kind", "required")
    ]
    assert codes(
        LicenceTerms(100, upfront_mode="deferred", deferral_kind="later", term_years=1)
    ) == [("deferral_kind", "required")]
    assert codes(
        LicenceTerms(
            0, upfront_mode="deferred", deferral_kind="first_sales", term_years=1
        )
    ) == [("upfront_fee_fen", "deferred_fee_zero")]
    assert (
        codes(
            LicenceTerms(
                100, upfront_mode="deferred", deferral_kind="first_sales", term_years=1
            )
        )
        == []
    )


def test_deferral_settings_only_apply_when_deferred():
    assert codes(
        LicenceTerms(100, deferral_kind="months", deferral_months=3, term_years=1)
    ) == [
        ("deferral_kind", "not_applicable"),
        ("deferral_months", "not_applicable"),
    ]
    first_sales_with_months = LicenceTerms(
        100,
        upfront_mode="deferred",
        deferral_kind="first_sales",
        deferral_months=3,
        term_years=1,
    )
    assert codes(first_sales_with_months) == [("deferral_months", "not_applicable")]


def test_unknown_upfront_mode_kind_and_currency():
    assert codes(LicenceTerms(100, upfront_mode="later", term_years=1)) == [
        ("upfront_mode", "invalid")
    ]
    assert codes(BASE, kind="exclusive_ish") == [("kind", "invalid")]
    assert codes(replace(BASE, currency="USD")) == [("currency", "unsupported")]


def test_threshold_and_minimum_need_a_royalty():
    terms = LicenceTerms(
        0, royalty_threshold_fen=100, min_annual_royalty_fen=100, term_years=1
    )
    assert codes(terms) == [
        ("royalty_threshold_fen", "without_royalty"),
        ("min_annual_royalty_fen", "without_royalty"),
    ]


@pytest.mark.parametrize("years", [0, -1])
def test_term_at_least_one_year(years):
    assert codes(replace(BASE, term_years=years)) == [("term_years", "too_short")]
    assert codes(replace(BASE, term_years=years), kind="open_licence") == [
        ("term_years", "open_licence_min_term")
    ]


@pytest.mark.parametrize("kind", ["exclusive", "sole", "non_exclusive", "open_licence"])
def test_open_licence_one_year_is_enough(kind):
    assert codes(replace(BASE, term_years=1), kind=kind) == []


def test_term_must_fit_remaining_patent_life():
    five_years = replace(BASE, term_years=5)
    limit = 5 * 365 + 2  # five years with the most leap days they can contain
    assert codes(five_years, remaining_life_days=limit) == []
    assert codes(five_years, remaining_life_days=limit - 1) == [
        ("term_years", "exceeds_patent_life")
    ]
    assert codes(replace(BASE, term_years=1), remaining_life_days=366) == []
    assert codes(replace(BASE, term_years=1), remaining_life_days=365) == [
        ("term_years", "exceeds_patent_life")
    ]
    assert codes(replace(BASE, term_years=1), remaining_life_days=-10) == [
        ("term_years", "exceeds_patent_life")
    ]
    assert codes(replace(BASE, term_years=20), remaining_life_days=None) == []


def test_territory_required():
    assert codes(replace(BASE, territory=" ")) == [("territory", "required")]


def test_errors_carry_lazy_messages_without_app_context():
    errors = validate_terms(
        LicenceTerms(-1, royalty_bp=9999, term_years=0),
        remaining_life_days=None,
        kind="open_licence",
    )
    assert len(errors) == 3
    for error in errors:
        assert str(error.message) and isinstance(str(error.message), str)


# --- schedule and value ----------------------------------------------------


def test_schedule_due_at_signing_with_minimum_royalty():
    terms = LicenceTerms(
        500_000, royalty_bp=300, min_annual_royalty_fen=100_000, term_years=3
    )
    assert payment_schedule(terms, date(2024, 2, 29)) == [
        ScheduleItem("upfront", 500_000, date(2024, 2, 29), None),
        ScheduleItem("minimum_annual_royalty", 100_000, date(2025, 2, 28), None),
        ScheduleItem("minimum_annual_royalty", 100_000, date(2026, 2, 28), None),
        ScheduleItem("minimum_annual_royalty", 100_000, date(2027, 2, 28), None),
    ]
    assert contract_value_fen(terms) == 800_000


def test_schedule_deferred_by_months_clamps_day_and_sorts():
    terms = LicenceTerms(
        5_000_000,
        upfront_mode="deferred",
        deferral_kind="months",
        deferral_months=13,
        royalty_bp=100,
        min_annual_royalty_fen=1_000,
        term_years=2,
    )
    assert payment_schedule(terms, date(2023, 1, 31)) == [
        ScheduleItem("minimum_annual_royalty", 1_000, date(2024, 1, 31), None),
        ScheduleItem("deferred_upfront", 5_000_000, date(2024, 2, 29), None),
        ScheduleItem("minimum_annual_royalty", 1_000, date(2025, 1, 31), None),
    ]
    assert contract_value_fen(terms) == 5_002_000


def test_schedule_deferred_to_first_sales_has_no_date():
    terms = LicenceTerms(
        2_000_000,
        upfront_mode="deferred",
        deferral_kind="first_sales",
        royalty_bp=250,
        term_years=3,
    )
    assert payment_schedule(terms, date(2024, 6, 1)) == [
        ScheduleItem("deferred_upfront", 2_000_000, None, "first_sales")
    ]
    assert contract_value_fen(terms) == 2_000_000


def test_schedule_waived_without_minimum_is_empty():
    assert payment_schedule(BASE, date(2024, 6, 1)) == []
    assert contract_value_fen(BASE) == 0


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 4, 30)),
        (date(2024, 11, 15), 2, date(2025, 1, 15)),
        (date(2024, 12, 31), 12, date(2025, 12, 31)),
        (date(2024, 5, 10), 120, date(2034, 5, 10)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


valid_terms = st.builds(
    LicenceTerms,
    upfront_fee_fen=st.integers(1, 2_000_000_000),
    upfront_mode=st.sampled_from(["due_at_signing", "deferred"]),
    deferral_kind=st.just("months"),
    deferral_months=st.integers(1, 120),
    royalty_bp=st.integers(1, 2000),
    royalty_threshold_fen=st.integers(0, 10**12),
    min_annual_royalty_fen=st.integers(0, 10**9),
    term_years=st.integers(1, 20),
).map(
    lambda t: (
        t
        if t.upfront_mode == "deferred"
        else replace(t, deferral_kind=None, deferral_months=None)
    )
)


@given(valid_terms, st.dates(date(2000, 1, 1), date(2090, 12, 31)))
def test_schedule_sums_to_contract_value(terms, signed_on):
    assert codes(terms) == []
    schedule = payment_schedule(terms, signed_on)
    assert sum(item.amount_fen for item in schedule) == contract_value_fen(terms)
    dates = [item.due_on for item in schedule]
    assert dates == sorted(dates)
    assert all(
        signed_on <= d <= add_months(signed_on, 12 * max(terms.term_years, 10))
        for d in dates
    )
    assert summary_zh(terms) and summary_en(terms)


@given(st.dates(date(1990, 1, 1), date(2090, 12, 31)), st.integers(0, 240))
def test_add_months_properties(start, months):
    result = add_months(start, months)
    assert (result.year - start.year) * 12 + result.month - start.month == months
    assert result.day == start.day or (
        result.day < start.day and add_months(result, 0) == result and result.day >= 28
    )
