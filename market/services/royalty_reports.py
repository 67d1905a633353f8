"""Royalty reports of running-royalty licences (the contract's "sales and royalty reports").

The licensee reports each period's royalty base (net sales) and the royalty it gives; the
periods are calendar quarters or years as the signed contract says (``reporting`` in its
frozen data), the first one starting on the day the licence took effect, and a report and its
royalty fall due ``days_after_period`` days after the period ends. The licensor confirms
the royalty received: that books a royalty row in the ledger, so the contract value counts
the royalties actually paid in the year they were paid. Nothing is edited afterwards.

The annual sales threshold of the terms is applied per calendar year over the year's reports
so far; a minimum annual royalty is already counted in the contract's fixed sums, so the
ledger counts only the royalties paid in a year beyond it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select

from ..domain.dates import local_date, local_today
from ..domain.deadlines import REMINDER_DAYS
from ..extensions import db
from ..models import Deal, DealState, Notification, OfferKind, RoyaltyReport, User
from . import audit, ledger, notifications
from .deals import LICENSEE, LICENSOR, acting_role
from .errors import PermissionDenied, ServiceError

DEFAULT_REPORTING = {"period": "quarter", "days_after_period": 30}
MAX_FEN = 10**15  # a sanity bound on typed amounts (CNY 10 trillion)


@dataclass(frozen=True)
class ReportPeriod:
    start: date
    end: date
    due_on: date
    report: RoyaltyReport | None

    @property
    def key(self) -> str:
        return self.start.isoformat()

    def overdue(self, today: date) -> bool:
        """No report after its due date."""
        return self.report is None and self.due_on < today

    def payment_late(self, today: date) -> bool:
        """Reported, royalty owed, not confirmed paid after the due date."""
        return (self.report is not None and not self.report.paid
                and self.report.royalty_fen > 0 and self.due_on < today)


def reporting_terms(deal: Deal) -> dict:
    """What the signed contract says of reports (quarterly, 30 days after, by default)."""
    from .signing import current_version
    version = current_version(deal)
    data = (version.data or {}).get("reporting") if version else None
    return {**DEFAULT_REPORTING, **(data or {})}


def has_running_royalty(deal: Deal) -> bool:
    return (deal.kind != OfferKind.ASSIGNMENT and (deal.royalty_bp or 0) > 0
            and deal.concluded_at is not None
            and deal.state in (DealState.CONCLUDED, DealState.ENDED))


def _period_end(start: date, period: str) -> date:
    if period == "year":
        return date(start.year, 12, 31)
    quarter_end_month = ((start.month - 1) // 3 + 1) * 3
    following = date(start.year + (quarter_end_month == 12), quarter_end_month % 12 + 1, 1)
    return following - timedelta(days=1)


def periods(deal: Deal, today: date | None = None) -> list[ReportPeriod]:
    """The deal's reporting periods that have ended by ``today`` (calendar quarters or years
    clipped to the licence's term), oldest first, each with its report if filed."""
    if not has_running_royalty(deal):
        return []
    today = today or local_today()
    terms = reporting_terms(deal)
    licence = deal.licence_period()
    first = licence.start if licence else local_date(deal.concluded_at)
    last = licence.last_day if licence else today
    reports = {r.period_start: r for r in db.session.scalars(
        select(RoyaltyReport).where(RoyaltyReport.deal_id == deal.id))}
    out, start = [], first
    while start <= last:
        end = min(_period_end(start, terms["period"]), last)
        if end >= today:
            break
        out.append(ReportPeriod(start, end, end + timedelta(days=terms["days_after_period"]),
                                reports.get(start)))
        start = end + timedelta(days=1)
    return out


def royalty_for(deal: Deal, period_start: date, base_amount_fen: int) -> int:
    """The royalty on ``base_amount_fen`` of the period starting ``period_start``: the rate
    applies to the calendar year's royalty base above the annual threshold, so the reports
    earlier in the year decide how much of the threshold is left."""
    before = db.session.scalar(select(func.coalesce(func.sum(RoyaltyReport.base_amount_fen), 0))
                               .where(RoyaltyReport.deal_id == deal.id,
                                      RoyaltyReport.period_start < period_start,
                                      RoyaltyReport.period_start >= date(period_start.year, 1, 1)))
    threshold = deal.royalty_threshold_fen or 0

    def owed(total: int) -> int:
        return max(total - threshold, 0) * deal.royalty_bp // 10000
    return owed(int(before) + base_amount_fen) - owed(int(before))


def file_report(deal: Deal, user: User, *, period_start: date, base_amount_fen: int,
                units_sold: int | None = None, note: str = "") -> RoyaltyReport:
    """The licensee reports the period starting ``period_start``. Raises PermissionDenied
    for anyone but the licensee, FieldErrors for a period that is not due or already
    reported, or a negative amount."""
    if acting_role(deal, user) != LICENSEE:
        raise PermissionDenied(_l("The licensee reports sales and royalties."))
    period = next((p for p in periods(deal) if p.start == period_start), None)
    if period is None:
        raise ServiceError(_l("Choose a reporting period that has ended."), field="period")
    if period.report is not None:
        raise ServiceError(_l("This period has already been reported."), field="period")
    if not isinstance(base_amount_fen, int) or not 0 <= base_amount_fen <= MAX_FEN:
        raise ServiceError(_l("Enter the period's net sales in yuan (0 or more)."),
                           field="net_sales")
    if units_sold is not None and units_sold < 0:
        raise ServiceError(_l("This amount cannot be negative."), field="units_sold")
    report = RoyaltyReport(
        deal_id=deal.id, period_start=period.start, period_end=period.end,
        due_on=period.due_on, royalty_base=deal.royalty_base,
        base_amount_fen=base_amount_fen, units_sold=units_sold, royalty_bp=deal.royalty_bp,
        royalty_fen=royalty_for(deal, period.start, base_amount_fen), currency=deal.currency,
        note=(note or "")[:2000], reported_by_user_id=user.id)
    db.session.add(report)
    db.session.flush()
    audit.record("royalty.reported", actor=user, target=deal, period=period.key,
                 royalty_fen=report.royalty_fen)
    notifications.notify_org(
        deal.licensor, "royalty_reported",
        _l("Royalty report for %(start)s to %(end)s", start=period.start.isoformat(),
           end=period.end.isoformat()),
        _l("%(org)s reported the period's sales; confirm the royalty when it is received.",
           org=deal.licensee.name), f"/deals/{deal.id}#royalties")
    return report


def _countable(deal: Deal, year: int, amount_fen: int) -> int:
    """The part of a royalty paid in ``year`` that the ledger counts: the year's minimum
    annual royalty is already in the contract's fixed sums."""
    minimum = deal.min_annual_royalty_fen or 0
    paid_before = int(db.session.scalar(select(func.coalesce(func.sum(RoyaltyReport.paid_fen), 0))
                                        .where(RoyaltyReport.deal_id == deal.id,
                                               RoyaltyReport.paid_on >= date(year, 1, 1),
                                               RoyaltyReport.paid_on <= date(year, 12, 31))))
    return max(paid_before + amount_fen - minimum, 0) - max(paid_before - minimum, 0)


def confirm_paid(report: RoyaltyReport, user: User, *, paid_on: date | None = None) -> None:
    """The licensor confirms the royalty of ``report`` received (on ``paid_on``, today by
    default): the ledger books a royalty row. Raises PermissionDenied for anyone but the
    licensor, ServiceError when already confirmed or nothing is owed."""
    deal = report.deal
    if acting_role(deal, user) != LICENSOR:
        raise PermissionDenied(_l("The licensor confirms the royalty received."))
    if report.paid:
        raise ServiceError(_l("This royalty has already been confirmed."))
    if report.royalty_fen <= 0:
        raise ServiceError(_l("This report owes no royalty."))
    paid_on = paid_on or local_today()
    if paid_on > local_today() or paid_on < report.period_start:
        raise ServiceError(_l("Enter the day the royalty was received."), field="paid_on")
    counted = _countable(deal, paid_on.year, report.royalty_fen)
    report.paid_on, report.paid_fen, report.confirmed_by_user_id = (
        paid_on, report.royalty_fen, user.id)
    db.session.flush()
    ledger.record_royalty(deal, counted, paid_on, ref=f"royalty-report-{report.id}")
    audit.record("royalty.paid", actor=user, target=deal, report=report.id,
                 paid_fen=report.royalty_fen, counted_fen=counted)
    notifications.notify_org(
        deal.licensee, "royalty_confirmed",
        _l("Royalty received for %(start)s to %(end)s",
           start=report.period_start.isoformat(), end=report.period_end.isoformat()),
        "", f"/deals/{deal.id}#royalties")
    db.session.flush()


@dataclass(frozen=True)
class Task:
    deal: Deal
    period: ReportPeriod
    kind: str  # report_due | report_overdue | payment_late


def _running_deals(org_id: int | None = None) -> list[Deal]:
    query = select(Deal).where(Deal.state.in_((DealState.CONCLUDED, DealState.ENDED)),
                               Deal.kind != OfferKind.ASSIGNMENT, Deal.royalty_bp > 0)
    if org_id is not None:
        query = query.where((Deal.licensee_org_id == org_id) | (Deal.licensor_org_id == org_id))
    return list(db.session.scalars(query.order_by(Deal.id).limit(500)))


def tasks(org_id: int | None = None, today: date | None = None) -> list[Task]:
    """Reports due or overdue and royalties paid late, for one organisation's deals (both
    sides) or, with no ``org_id``, every deal (the centre's monitor)."""
    today = today or local_today()
    out = []
    for deal in _running_deals(org_id):
        for period in periods(deal, today):
            if period.report is None:
                out.append(Task(deal, period, "report_overdue" if period.overdue(today)
                                else "report_due"))
            elif period.payment_late(today):
                out.append(Task(deal, period, "payment_late"))
    return out


def remind(today: date | None = None) -> int:
    """Tell the licensee, once for each period and stage, that a report falls due within
    REMINDER_DAYS, is overdue, or that a reported royalty is unpaid after its due date (the
    licensor is told of late payments too). Returns the number of reminders sent."""
    today = today or local_today()
    sent = 0
    for task in tasks(None, today):
        if task.kind == "report_due" and (task.period.due_on - today).days > REMINDER_DAYS:
            continue
        link = f"/deals/{task.deal.id}/royalties#period-{task.period.key}"
        kind = f"royalty_{task.kind}"
        if db.session.scalar(select(exists().where(Notification.kind == kind,
                                                   Notification.link == link))):
            continue
        body = _l("Reporting period %(start)s to %(end)s.", start=task.period.start.isoformat(),
                  end=task.period.end.isoformat())
        orgs = [task.deal.licensee] + ([task.deal.licensor] if task.kind == "payment_late"
                                       else [])
        for org in orgs:
            notifications.notify_org(org, kind, _reminder_title(task), body, link)
        sent += 1
    return sent


def _reminder_title(task: Task):
    due = task.period.due_on.isoformat()
    if task.kind == "report_due":
        return _l("Royalty report due by %(date)s", date=due)
    if task.kind == "report_overdue":
        return _l("Royalty report overdue since %(date)s", date=due)
    return _l("Royalty unpaid since %(date)s", date=due)
