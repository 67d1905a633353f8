"""Every business "today" is Shenyang's (``market.domain.dates.local_today``).

The clock is pinned after midnight in Shenyang while it is still the day before in UTC (and
on the server, which runs on UTC): the deal clock, the centre's monitor, the recording
checklist, instalments, the indicators and the PDF return must all take the Shenyang date.
"""
from datetime import UTC, date, datetime

import pytest

import market.domain.dates
import market.models.base
from market.domain.dates import local_today
from market.models import OfferKind, ScheduleStatus
from market.services import deals, monitor, recording, stats
from market.services.periods import period_from_args
from market.unit_of_work import commit

from ..factories import PAID_OPEN
from ..pdf_check import check_pdf
from .conftest import refetch

pytestmark = pytest.mark.db

JUNE_30_UTC = datetime(2026, 6, 30, 17, 30, tzinfo=UTC)  # 01:30 on 1 July in Shenyang
NEW_YEARS_EVE_UTC = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)  # 01:30 on 1 January 2027
ONE_YEAR_OPEN = {"kind": OfferKind.OPEN_LICENCE, "term_years": 1}


def test_the_deal_clock_and_the_monitor_keep_shenyang_days(pin_clock, make_listing, take,
                                                           university):
    pin_clock(JUNE_30_UTC)
    assert local_today() == date(2026, 7, 1)
    assert market.models.base.utcnow().date() == date(2026, 6, 30)  # the UTC date differs

    # an instalment due on 30 June is overdue on 1 July
    due = take(make_listing(university.org, offers=[PAID_OPEN]).offers[0]).schedule[0]
    due.due_on = date(2026, 6, 30)
    # a one-year licence concluded at 01:00 on 1 July 2025 in Shenyang (30 June in UTC):
    # its term is over on 1 July 2026
    ended = take(make_listing(university.org, offers=[ONE_YEAR_OPEN]).offers[0])
    ended.concluded_at = datetime(2025, 6, 30, 17, 0, tzinfo=UTC)
    ended.expected_start = None  # the term counts from the day of conclusion
    # a licence signed at 18:00 on 31 March in Shenyang: its 3 months to record ended on
    # 30 June, the day before the Shenyang today
    unrecorded = take(make_listing(university.org).offers[0])
    unrecorded.concluded_at = datetime(2026, 3, 31, 10, 0, tzinfo=UTC)
    commit()

    assert due.is_overdue
    assert monitor.overdue_payments(monitor.MonitorFilter()) == [due]
    report = monitor.report(monitor.MonitorFilter())
    assert report["overdue"] == [due]
    # the monitor lists exactly the licences whose recording checklist is overdue
    late = [d.id for d in (ended, unrecorded) if recording.checklist(d).overdue]
    assert [d.id for d in report["unrecorded"]] == late == [ended.id, unrecorded.id]
    assert ended.term_ends_on == date(2026, 7, 1)
    assert ended.in_force_until == date(2026, 6, 30)

    assert deals.flag_stale() == {"flagged": 0, "expired": 0, "ended": 1, "overdue": 1}
    commit()
    assert refetch(ended).events[-1].payload == {"ended_on": "2026-07-01"}
    assert refetch(due).status == ScheduleStatus.DUE


def test_a_deal_made_after_midnight_counts_from_the_shenyang_day(pin_clock, make_listing,
                                                                 take, university):
    pin_clock(JUNE_30_UTC)
    licence = take(make_listing(university.org).offers[0])  # three years, concluded now
    assert licence.term_ends_on == date(2029, 7, 1)
    assert recording.checklist(licence).deadline == date(2026, 10, 1)
    due = take(make_listing(university.org, offers=[PAID_OPEN]).offers[0]).schedule[0]
    assert due.due_on == date(2026, 7, 1) and not due.is_overdue  # due at signing


def test_the_monitor_filter_takes_shenyang_days(pin_clock, make_listing, take, university):
    pin_clock(JUNE_30_UTC)
    due = take(make_listing(university.org, offers=[PAID_OPEN]).offers[0]).schedule[0]
    due.due_on = date(2026, 6, 1)
    commit()  # the deal was created at 01:30 on 1 July, Shenyang time
    on = monitor.MonitorFilter(start=date(2026, 7, 1), end=date(2026, 7, 1))
    before = monitor.MonitorFilter(end=date(2026, 6, 30))
    assert monitor.overdue_payments(on) == [due]
    assert monitor.overdue_payments(before) == []


def test_the_indicators_take_the_shenyang_year(app, pin_clock):
    pin_clock(NEW_YEARS_EVE_UTC)
    assert local_today() == date(2027, 1, 1)
    assert period_from_args({}).year == 2027
    assert stats.available_years(2020)[0] == 2027


def test_the_pdf_return_is_dated_in_shenyang(pin_clock, client, login_as):
    login_as("centre")
    pin_clock(JUNE_30_UTC)
    response = client.get("/centre/indicators/report.pdf?year=2026")
    assert response.status_code == 200
    check_pdf(response.get_data(), "报出日期：2026年7月1日")
