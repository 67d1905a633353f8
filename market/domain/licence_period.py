"""When a licence starts and ends: the one rule the deal page, the contract and its PDF share.

A term of N years that starts on day D runs to the day before D's N-th anniversary, inclusive
(a three-year licence from 2031-12-01 is in force until 2034-11-30 and not on 2034-12-01), the
way the Patent Examination Guidelines count a patent's own term. The licence ends with the
patent if that comes first: a patent's ``expiry_date`` is its first day out of force
(:func:`market.domain.patents.expired`), so the last licensed day is the day before it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["LicencePeriod", "licence_period", "term_start"]


@dataclass(frozen=True)
class LicencePeriod:
    start: date          # first day in force
    last_day: date       # last day in force (inclusive): what page and contract print
    capped_by_patent: bool  # the patent's expiry, not the agreed term, ends the licence

    @property
    def ends_on(self) -> date:
        """The first day the licence is no longer in force."""
        return self.last_day + timedelta(days=1)


def term_start(agreed_on: date, expected_start: date | None) -> date:
    """The first day of the term: the day the terms were agreed (Shenyang date), or the
    licensee's expected start of use if that is later."""
    return max(agreed_on, expected_start or agreed_on)


def licence_period(start: date, years: int, patent_expiry: date) -> LicencePeriod:
    """The period of a licence of ``years`` years from ``start`` of a patent whose protection
    ends when ``patent_expiry`` begins."""
    anniversary = _anniversary(start, years)
    capped = patent_expiry < anniversary
    return LicencePeriod(start=start, last_day=min(anniversary, patent_expiry) - timedelta(days=1),
                         capped_by_patent=capped)


def _anniversary(day: date, years: int) -> date:
    """``day`` ``years`` years on; 29 February's anniversary in a common year is 1 March, so
    a term from 29 February runs to 28 February inclusive."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)
