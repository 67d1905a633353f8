"""Royalty reports: periods from the contract, the royalty computed with the annual
threshold, the licensor's confirmation booking a ledger row (the minimum annual royalty
already counted), due and late reports for the inbox and the monitor."""
from datetime import date

import pytest
from sqlalchemy import select

from market.extensions import db
from market.models import LedgerEntry, Notification, OfferKind
from market.services import royalty_reports, stats
from market.services.errors import PermissionDenied, ServiceError
from market.services.stats import Period

pytestmark = pytest.mark.db
TODAY = date(2025, 8, 20)


def test_quarterly_periods_from_the_licence_start(concluded):
    deal = concluded()
    periods = royalty_reports.periods(deal, TODAY)
    assert [(p.start, p.end, p.due_on) for p in periods] == [
        (date(2025, 1, 15), date(2025, 3, 31), date(2025, 4, 30)),
        (date(2025, 4, 1), date(2025, 6, 30), date(2025, 7, 30))]
    assert periods[0].overdue(TODAY) and periods[1].overdue(TODAY)
    assert not periods[1].overdue(date(2025, 7, 30))  # due that day, not yet overdue


def test_yearly_periods_when_the_contract_says_so(concluded, monkeypatch):
    deal = concluded()
    monkeypatch.setattr(royalty_reports, "reporting_terms",
                        lambda d: {"period": "year", "days_after_period": 60})
    periods = royalty_reports.periods(deal, date(2027, 3, 10))
    assert [(p.start, p.end, p.due_on) for p in periods] == [
        (date(2025, 1, 15), date(2025, 12, 31), date(2026, 3, 1)),
        (date(2026, 1, 1), date(2026, 12, 31), date(2027, 3, 1))]


def test_no_periods_without_a_running_royalty(concluded):
    assert royalty_reports.periods(concluded(royalty_bp=0), TODAY) == []
    assert royalty_reports.periods(concluded(kind=OfferKind.ASSIGNMENT), TODAY) == []


def test_licensee_files_a_report_and_the_licensor_is_told(concluded, sme, university):
    deal = concluded(royalty_threshold_fen=50_000_000)  # ¥500,000 a year exempt
    first = royalty_reports.file_report(deal, sme, period_start=date(2025, 1, 15),
                                        base_amount_fen=30_000_000, units_sold=12)
    # ¥300,000 of sales: all under the threshold
    assert (first.royalty_fen, first.due_on, first.royalty_bp) == (0, date(2025, 4, 30), 500)
    second = royalty_reports.file_report(deal, sme, period_start=date(2025, 4, 1),
                                         base_amount_fen=40_000_000)
    # cumulative ¥700,000: 5 % of the ¥200,000 above the threshold = ¥10,000
    assert second.royalty_fen == 1_000_000
    titles = db.session.scalars(select(Notification.title).where(
        Notification.user_id == university.id, Notification.kind == "royalty_reported")).all()
    assert len(titles) == 2


def test_report_refusals(concluded, sme, university):
    deal = concluded()
    with pytest.raises(PermissionDenied):
        royalty_reports.file_report(deal, university, period_start=date(2025, 1, 15),
                                    base_amount_fen=1)
    with pytest.raises(ServiceError) as not_a_period:
        royalty_reports.file_report(deal, sme, period_start=date(2025, 2, 1), base_amount_fen=1)
    assert not_a_period.value.field == "period"
    with pytest.raises(ServiceError) as negative:
        royalty_reports.file_report(deal, sme, period_start=date(2025, 1, 15),
                                    base_amount_fen=-5)
    assert negative.value.field == "net_sales"
    royalty_reports.file_report(deal, sme, period_start=date(2025, 1, 15), base_amount_fen=5)
    with pytest.raises(ServiceError) as twice:
        royalty_reports.file_report(deal, sme, period_start=date(2025, 1, 15),
                                    base_amount_fen=5)
    assert twice.value.field == "period"


def test_confirmed_royalty_becomes_its_own_ledger_row(concluded, sme, university):
    deal = concluded()
    report = royalty_reports.file_report(deal, sme, period_start=date(2025, 1, 15),
                                         base_amount_fen=20_000_000)  # 5 % = ¥10,000
    with pytest.raises(PermissionDenied):
        royalty_reports.confirm_paid(report, sme, paid_on=date(2025, 4, 20))
    royalty_reports.confirm_paid(report, university, paid_on=date(2025, 4, 20))
    with pytest.raises(ServiceError):
        royalty_reports.confirm_paid(report, university, paid_on=date(2025, 4, 21))
    rows = db.session.scalars(select(LedgerEntry).where(LedgerEntry.deal_id == deal.id)
                              .order_by(LedgerEntry.id)).all()
    assert [r.entry for r in rows] == ["conclusion", "royalty"]
    assert rows[0].contract_value_fen == 0  # the conclusion row is never edited
    assert (rows[1].sign, rows[1].contract_value_fen, rows[1].deal_on) == (
        0, 1_000_000, date(2025, 4, 20))
    value_2025 = stats.indicators(Period.for_year(2025), plan_start_year=2025)["deals"]
    assert (value_2025["total"], value_2025["value_fen"]) == (1, 1_000_000)


def test_minimum_annual_royalty_is_not_counted_twice(concluded, sme, university):
    deal = concluded(min_annual_royalty_fen=1_500_000)  # ¥15,000 a year, in the fixed sums
    conclusion = db.session.scalar(select(LedgerEntry).where(LedgerEntry.deal_id == deal.id))
    assert conclusion.contract_value_fen == 3 * 1_500_000
    for start, sales, paid_on in ((date(2025, 1, 15), 20_000_000, date(2025, 4, 20)),
                                  (date(2025, 4, 1), 20_000_000, date(2025, 7, 20))):
        report = royalty_reports.file_report(deal, sme, period_start=start,
                                             base_amount_fen=sales)
        royalty_reports.confirm_paid(report, university, paid_on=paid_on)
    royalties = db.session.scalars(select(LedgerEntry.contract_value_fen).where(
        LedgerEntry.deal_id == deal.id, LedgerEntry.entry == "royalty")).all()
    # ¥10,000 then ¥10,000 in 2025: the first ¥15,000 was already counted as the minimum
    assert royalties == [500_000]


def test_due_overdue_and_late_tasks(concluded, sme, university):
    deal = concluded()
    royalty_reports.file_report(deal, sme, period_start=date(2025, 1, 15),
                                base_amount_fen=20_000_000)
    tasks = royalty_reports.tasks(sme.org.id, date(2025, 7, 10))
    assert [(t.kind, t.period.start) for t in tasks] == [
        ("payment_late", date(2025, 1, 15)), ("report_due", date(2025, 4, 1))]
    later = royalty_reports.tasks(None, date(2025, 8, 1))
    assert [t.kind for t in later] == ["payment_late", "report_overdue"]


def test_reminders_once_per_period_and_stage(concluded, sme, university):
    deal = concluded()
    assert royalty_reports.remind(date(2025, 4, 10)) == 0  # 20 days before the first is due
    assert royalty_reports.remind(date(2025, 4, 25)) == 1  # due in 5 days
    assert royalty_reports.remind(date(2025, 4, 26)) == 0  # said once
    assert royalty_reports.remind(date(2025, 5, 2)) == 1  # now overdue
    kinds = db.session.scalars(select(Notification.kind).where(
        Notification.user_id == sme.id).order_by(Notification.id)).all()
    assert kinds == ["royalty_report_due", "royalty_report_overdue"]
    assert royalty_reports.tasks(sme.org.id, date(2025, 5, 2))[0].deal.id == deal.id


def test_remind_command(runner, concluded):
    concluded()
    result = runner.invoke(args=["deals", "remind"])
    assert result.exit_code == 0 and "royalty reminders" in result.output
