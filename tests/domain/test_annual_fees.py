"""Annual fees: the fee year, the 30-day reminder window, the grace period and its surcharge."""
from datetime import date

import pytest

from market.domain.annual_fees import (
    FeeState,
    check_paid_through,
    due_on,
    grace_ends,
    standing,
    surcharge_percent,
)

PAID = date(2026, 2, 28)  # filed 2019-03-01: the seventh year ends on 2026-02-28


def test_due_on_the_anniversary_payable_for_six_months():
    assert due_on(PAID) == date(2026, 3, 1)
    assert grace_ends(PAID) == date(2026, 9, 1)


@pytest.mark.parametrize(("today", "state"), [
    (date(2026, 1, 29), FeeState.PAID),       # 31 days before the due date
    (date(2026, 1, 30), FeeState.DUE_SOON),   # 30 days before
    (date(2026, 3, 1), FeeState.DUE_SOON),    # the due date itself
    (date(2026, 3, 2), FeeState.OVERDUE),
    (date(2026, 9, 1), FeeState.OVERDUE),     # the grace period's last day
    (date(2026, 9, 2), FeeState.LAPSED),
])
def test_standing(today, state):
    assert standing(PAID, today).state == state


@pytest.mark.parametrize(("paid_on", "percent"), [
    (date(2026, 3, 20), 0), (date(2026, 4, 1), 0),    # within a month of the due date
    (date(2026, 4, 2), 5), (date(2026, 5, 1), 5),     # a month and a day .. two months
    (date(2026, 5, 2), 10), (date(2026, 7, 2), 20),
    (date(2026, 8, 2), 25), (date(2026, 9, 1), 25),   # the sixth month: 25 % at most
])
def test_surcharge_five_percent_a_month_after_the_first(paid_on, percent):
    assert surcharge_percent(PAID, paid_on) == percent


def test_paid_through_must_end_a_fee_year():
    filing, expiry = date(2019, 3, 1), date(2039, 3, 1)
    assert check_paid_through(PAID, filing_date=filing, expiry_date=expiry) is None
    assert "2026-02-28" in str(check_paid_through(date(2026, 3, 1), filing_date=filing,
                                                  expiry_date=expiry))
    assert check_paid_through(date(2018, 2, 28), filing_date=filing,
                              expiry_date=expiry) is not None
    assert check_paid_through(date(2039, 3, 1), filing_date=filing,
                              expiry_date=expiry) is not None
