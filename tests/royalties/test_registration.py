"""CNIPA registration of an assignment (Patent Law art. 10): deadline, dates, announcement,
the registration-date view of the counts, reminders and the monitor's list."""
from datetime import date

import pytest
from sqlalchemy import func, select

from market.extensions import db
from market.models import LedgerEntry, Notification, OfferKind
from market.services import monitor, recording, stats
from market.services.errors import ServiceError
from market.services.stats import Period

pytestmark = pytest.mark.db


def test_status_and_deadline(concluded):
    deal = concluded(kind=OfferKind.ASSIGNMENT, on=date(2025, 3, 1))
    status = recording.registration(deal, date(2025, 3, 25))
    assert (status.deadline, status.days_left, status.registered, status.overdue) == (
        date(2025, 3, 31), 6, False, False)
    assert recording.registration(deal, date(2025, 4, 1)).overdue
    assert recording.registration(concluded(), date(2025, 4, 1)) is None  # a licence records


def test_registration_then_announcement(concluded, university, sme):
    deal = concluded(kind=OfferKind.ASSIGNMENT, on=date(2025, 3, 1))
    record = recording.register_assignment(deal, sme, registered_on=date(2025, 4, 10))
    assert recording.registration(deal).awaiting_announcement
    recording.register_assignment(deal, university, registered_on=date(2025, 4, 10),
                                  announcement="第41卷1602号", announced_on=date(2025, 5, 6))
    assert (record.announcement, record.announced_on) == ("第41卷1602号", date(2025, 5, 6))
    assert not recording.registration(deal).awaiting_announcement
    rows = db.session.scalars(select(LedgerEntry).where(LedgerEntry.deal_id == deal.id,
                                                        LedgerEntry.entry == "registration"))
    assert [(r.registered_on, r.sign, r.contract_value_fen) for r in rows] == [
        (date(2025, 4, 10), 1, 10_000_000)]  # booked once
    view = stats.indicators(Period.for_year(2025), plan_start_year=2025,
                            view=stats.VIEW_REGISTERED)["deals"]
    assert (view["transfers"], view["value_fen"]) == (1, 10_000_000)


@pytest.mark.parametrize(("fields", "field"), [
    ({"registered_on": date(2025, 2, 1)}, "registered_on"),  # before the contract
    ({"registered_on": date(2099, 1, 1)}, "registered_on"),  # in the future
    ({"registered_on": date(2025, 4, 10), "announcement": "第41卷1602号"}, "announcement"),
    ({"registered_on": date(2025, 4, 10), "announcement": "x",
      "announced_on": date(2025, 4, 1)}, "announced_on"),
])
def test_registration_refusals(concluded, sme, fields, field):
    deal = concluded(kind=OfferKind.ASSIGNMENT, on=date(2025, 3, 1))
    with pytest.raises(ServiceError) as refused:
        recording.register_assignment(deal, sme, **fields)
    assert refused.value.field == field


def test_a_different_second_date_is_refused(concluded, sme):
    deal = concluded(kind=OfferKind.ASSIGNMENT, on=date(2025, 3, 1))
    recording.register_assignment(deal, sme, registered_on=date(2025, 4, 10))
    with pytest.raises(ServiceError):
        recording.register_assignment(deal, sme, registered_on=date(2025, 4, 11))


def test_reminders_once_before_and_once_after_the_deadline(concluded, university, sme):
    deal = concluded(kind=OfferKind.ASSIGNMENT, on=date(2025, 3, 1))

    def count(kind):
        return db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.kind == kind))
    assert recording.remind_registrations(date(2025, 3, 10)) == 0  # 21 days left
    assert recording.remind_registrations(date(2025, 3, 25)) == 1
    assert recording.remind_registrations(date(2025, 3, 26)) == 0  # said once
    assert count("registration_due") == 2  # both parties
    assert recording.remind_registrations(date(2025, 4, 2)) == 1
    assert count("registration_overdue") == 2
    recording.register_assignment(deal, sme, registered_on=date(2025, 4, 10))
    assert recording.remind_registrations(date(2025, 5, 1)) == 0


def test_monitor_lists_unregistered_and_unannounced(concluded, sme):
    late = concluded(kind=OfferKind.ASSIGNMENT, on=date(2025, 3, 1))
    registered = concluded(kind=OfferKind.ASSIGNMENT, on=date(2025, 3, 2))
    recording.register_assignment(registered, sme, registered_on=date(2025, 4, 1))
    f = monitor.MonitorFilter()
    assert monitor.unregistered_assignments(f, date(2025, 6, 1)) == [late]
    assert [r.deal_id for r in monitor.awaiting_announcement(f)] == [registered.id]
