"""The contract's two pure rules: the licence's last day and amounts in capital numerals."""
from datetime import date

import pytest

from market.domain.amount_words import amount_in_words
from market.domain.licence_period import licence_period, term_start

FAR = date(2099, 1, 1)


@pytest.mark.parametrize("start, years, last", [
    (date(2031, 12, 1), 3, date(2034, 11, 30)),   # the case: never 2034-12-01
    (date(2028, 2, 29), 1, date(2029, 2, 28)),    # 29 Feb: a full year to 28 Feb
    (date(2027, 3, 1), 1, date(2028, 2, 29)),     # a leap day inside the year counts
    (date(2026, 1, 1), 5, date(2030, 12, 31)),
])
def test_a_term_ends_the_day_before_its_anniversary(start, years, last):
    period = licence_period(start, years, FAR)
    assert (period.last_day, period.capped_by_patent) == (last, False)
    assert (period.ends_on - period.last_day).days == 1


def test_the_patent_expiry_cuts_the_term_short():
    period = licence_period(date(2036, 6, 1), 5, date(2039, 3, 1))
    assert period.last_day == date(2039, 2, 28) and period.capped_by_patent


def test_the_term_starts_when_agreed_or_at_the_later_expected_start():
    assert term_start(date(2026, 3, 1), None) == date(2026, 3, 1)
    assert term_start(date(2026, 3, 1), date(2025, 1, 1)) == date(2026, 3, 1)
    assert term_start(date(2026, 3, 1), date(2026, 9, 1)) == date(2026, 9, 1)


@pytest.mark.parametrize("fen, words", [
    (80_000_000, "捌拾万元整"), (0, "零元整"), (5, "伍分"), (123_405, "壹仟贰佰叁拾肆元零伍分"),
    (123_450, "壹仟贰佰叁拾肆元伍角整"), (1_001_000, "壹万零壹拾元整"),
    (10_100_000_000, "壹亿零壹佰万元整"), (2_000_000_000, "贰仟万元整"),
])
def test_amounts_in_capital_numerals(fen, words):
    assert amount_in_words(fen) == words


@pytest.mark.parametrize("bad", [-1, 1.5, True, "100"])
def test_amount_in_words_refuses_what_is_not_fen(bad):
    with pytest.raises(ValueError):
        amount_in_words(bad)
