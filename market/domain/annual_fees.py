"""Annual fees (年费) of a granted patent, without the database.

The fee year runs from the filing date's anniversary (审查指南 part V ch. 9 §2.2.1: filed
1999-06-01, year one is 1999-06-01..2000-05-31). A patent's fees are "paid through" the
last day of the last year paid; the next year's fee falls due at the latest on the next
day, the anniversary (the guidelines' example: filed 1997-06-03, year five paid, year six
due by 2002-06-03). Unpaid, it may still be paid within GRACE_MONTHS of that day with a
surcharge (滞纳金) of 5 % of the full year's fee for each month begun after the first
(0 % in the first month, 25 % in the sixth); unpaid after that, the patent terminates
(Patent Law art. 44) as of the due date.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from .terms import add_months

__all__ = ["GRACE_MONTHS", "REMIND_DAYS", "FeeState", "FeeStanding", "check_paid_through",
           "due_on", "grace_ends", "standing", "surcharge_percent"]

REMIND_DAYS = 30   # the owner is told this many days before the fee falls due
GRACE_MONTHS = 6   # the late-payment period (滞纳期)
SURCHARGE_STEP_PERCENT = 5


class FeeState(enum.StrEnum):
    PAID = "paid"        # nothing due within REMIND_DAYS
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"  # in the grace period: payable with the surcharge
    LAPSED = "lapsed"    # the grace period is over: the patent terminated


@dataclass(frozen=True)
class FeeStanding:
    state: FeeState
    paid_through: date
    due_on: date
    grace_ends: date
    surcharge_percent: int  # payable today, in percent of the full year's fee


def due_on(paid_through: date) -> date:
    """The day by which the next year's fee must be paid: the filing date's anniversary."""
    return paid_through + timedelta(days=1)


def grace_ends(paid_through: date) -> date:
    """The last day on which the overdue fee may still be paid (with the surcharge)."""
    return add_months(due_on(paid_through), GRACE_MONTHS)


def surcharge_percent(paid_through: date, paid_on: date) -> int:
    """The surcharge on a fee paid on ``paid_on``: nothing up to a month after the due date,
    then 5 % for each month begun after the first, 25 % at most."""
    due = due_on(paid_through)
    months = 0
    while months < GRACE_MONTHS - 1 and paid_on > add_months(due, months + 1):
        months += 1
    return SURCHARGE_STEP_PERCENT * months


def standing(paid_through: date, today: date) -> FeeStanding:
    due, ends = due_on(paid_through), grace_ends(paid_through)
    if today < due - timedelta(days=REMIND_DAYS):
        state = FeeState.PAID
    elif today <= due:
        state = FeeState.DUE_SOON
    elif today <= ends:
        state = FeeState.OVERDUE
    else:
        state = FeeState.LAPSED
    return FeeStanding(state, paid_through, due, ends,
                       surcharge_percent(paid_through, today) if state == FeeState.OVERDUE else 0)


def _anniversary_eves(filing: date, year: int) -> set[date]:
    """The last day of a fee year ending in ``year`` (29 February's year ends on 28 February
    or, some count, 29 February / 1 March: all accepted)."""
    try:
        return {date(year, filing.month, filing.day) - timedelta(days=1)}
    except ValueError:
        return {date(year, 2, 28), date(year, 2, 27)}


def check_paid_through(paid_through: date, *, filing_date: date, expiry_date: date):
    """None when ``paid_through`` can end a fee year of this patent, else the message."""
    if paid_through < filing_date:
        return _l("The annual fee cannot be paid through a day before the filing date.")
    if paid_through >= expiry_date:
        return _l("The patent's protection ends on %(date)s: no annual fee runs beyond it.",
                  date=expiry_date.isoformat())
    if paid_through not in _anniversary_eves(filing_date, paid_through.year):
        eve = min(_anniversary_eves(filing_date, paid_through.year))
        return _l("The fee year runs from the filing date's anniversary: the paid-through date "
                  "is the day before one, for example %(date)s.", date=eve.isoformat())
    return None
